#pragma once
// How a srcversion computation is shown: as JSON (--json) and as the --explain view (its objects, every hashed file
// in order with its byte count after filtering, every dependency that was not hashed and why). Shared by from-build,
// predict, check and verify, so that both sides of a comparison read alike.

#include <srcver/sumversion/srcversion.hpp>

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <cassert>
#include <cstddef>
#include <string>

namespace srcver::tool {

// A module's outcome in JSON, the same for a prediction and a built tree: {"status": <status>, "srcversion": the
// srcversion or null, "reason": null or the reason}; `ok` says whether a srcversion is written.
llvm::json::Object outcome_json(const char* status, bool ok, const std::string& srcversion, const std::string& reason);

// The same for a status enumeration whose first value, `ok`, is the one with a srcversion; `names` holds the JSON
// name of each of its values, in order.
template <typename Status, std::size_t N>
llvm::json::Object outcome_json(const char* const (&names)[N], Status status, const std::string& srcversion,
                                const std::string& reason) {
  const auto index = static_cast<std::size_t>(status);
  assert(index < N);
  return outcome_json(names[index], status == Status::ok, srcversion, reason);
}

// mod_file, objects, hashed_files and not_hashed of a computation.
void add_result_json(llvm::json::Object& out, const sumversion::SrcversionResult& result);

// The --explain view of one module, indented by two spaces under a "<module> <srcversion or ->" line written by the
// caller.
void print_explain(llvm::raw_ostream& os, const sumversion::SrcversionResult& result);

} // namespace srcver::tool
