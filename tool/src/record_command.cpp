// `srcversion-predict record <build-dir>`: the modules of a finished real build put into the module store, each with
// the record of what it was compiled from (harvest.hpp, module_store.hpp).

#include "harvest.hpp"
#include "module_store.hpp"

#include <srcver/tool/commands.hpp>
#include <srcver/tool/outcome.hpp>

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

namespace srcver::tool {
namespace {

llvm::json::Value or_null(const std::string& s) {
  return s.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(s);
}

} // namespace

int run_record(const RecordCommand& command) {
  auto harvested = harvest_build(command.build_dir, command.kernel, command.cache_dir);
  if (!harvested) return report_error(harvested.takeError());
  ModuleStore store(command.store.dir, command.store.max_bytes);
  int status = exit_ok;
  llvm::json::Array out;
  for (auto& h : *harvested) {
    if (h.error.empty()) {
      if (auto err = store.put(h.record, h.module_file)) {
        const int put_status = report_error(std::move(err));
        return put_status;
      }
    } else {
      status = worse_status(status, exit_differs);
    }
    const std::string key = h.error.empty() ? h.record.inputs.key() : "";
    if (command.json) {
      out.push_back(llvm::json::Object{{"module", h.module},
                                       {"file", or_null(h.module_file)},
                                       {"recorded", h.error.empty()},
                                       {"inputs", or_null(key)},
                                       {"srcversion", or_null(h.error.empty() ? h.record.srcversion : "")},
                                       {"reason", or_null(h.error)}});
    } else if (h.error.empty()) {
      llvm::outs() << h.module << " recorded " << key.substr(0, 16) << " " << h.module_file << "\n";
    } else {
      llvm::outs() << h.module << " not-recorded " << h.error << "\n";
    }
  }
  if (command.json) {
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{{"build_dir", command.build_dir},
                                                                                {"store", store.dir()},
                                                                                {"modules", std::move(out)},
                                                                                {"exit_status", status}}))
                 << "\n";
  }
  return status;
}

int run_store_stats(const StoreOptions& options, bool json) {
  ModuleStore store(options.dir, options.max_bytes);
  const ModuleStore::Stats stats = store.stats();
  if (json) {
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                               {"store", store.dir()},
                                               {"entries", static_cast<std::int64_t>(stats.entries)},
                                               {"modules", static_cast<std::int64_t>(stats.modules)},
                                               {"bytes", static_cast<std::int64_t>(stats.bytes)},
                                               {"max_bytes", static_cast<std::int64_t>(options.max_bytes)}}))
                 << "\n";
  } else {
    llvm::outs() << "store " << store.dir() << "\nentries " << stats.entries << "\nmodules " << stats.modules
                 << "\nbytes " << stats.bytes << "\nmax-bytes " << options.max_bytes << "\n";
  }
  return exit_ok;
}

} // namespace srcver::tool
