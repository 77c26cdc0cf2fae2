#pragma once
// How a srcversion computation is shown: as JSON (--json) and as the --explain view (its objects, every hashed file
// in order with its byte count after filtering, every dependency that was not hashed and why). Shared by from-build,
// predict, check and verify, so that both sides of a comparison read alike.

#include <srcver/sumversion/srcversion.hpp>

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <string>

namespace srcver::tool {

// mod_file, objects, hashed_files and not_hashed of a computation.
void add_result_json(llvm::json::Object& out, const sumversion::SrcversionResult& result);

// The --explain view of one module, indented by two spaces under a "<module> <srcversion or ->" line written by the
// caller.
void print_explain(llvm::raw_ostream& os, const sumversion::SrcversionResult& result);

} // namespace srcver::tool
