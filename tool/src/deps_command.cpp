#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/shell_words.hpp>
#include <srcver/frontend/plan_deps.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/tool/commands.hpp>
#include <srcver/tool/diagnostic.hpp>
#include <srcver/tool/log.hpp>

#include <llvm/Support/BuryPointer.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <optional>

namespace srcver::tool {

namespace {

// A compilation database's entries (directory, and arguments or command; file as the command names it or absolute).
llvm::Expected<std::vector<frontend::CompileEntry>> read_compilation_database(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) return make_error(ErrorCategory::input, "cannot read: " + buffer.getError().message(), path);
  auto value = llvm::json::parse((*buffer)->getBuffer());
  if (!value) return make_error(ErrorCategory::input, "not JSON: " + llvm::toString(value.takeError()), path);
  const auto* entries = value->getAsArray();
  if (!entries) return make_error(ErrorCategory::input, "not a compilation database (a JSON array)", path);
  std::vector<frontend::CompileEntry> out;
  for (const auto& e : *entries) {
    const auto* o = e.getAsObject();
    const auto directory = o ? o->getString("directory") : std::nullopt;
    if (!directory) return make_error(ErrorCategory::input, "an entry without \"directory\"", path);
    frontend::CompileEntry entry;
    entry.cwd = directory->str();
    if (const auto* args = o->getArray("arguments")) {
      for (const auto& a : *args) {
        if (auto s = a.getAsString()) entry.command.push_back(s->str());
      }
    } else if (auto command = o->getString("command")) {
      entry.command = base::shell_split(command->str());
    } else {
      return make_error(ErrorCategory::input, "an entry without \"arguments\" or \"command\"", path);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string source_of(const frontend::CompileEntry& entry) {
  auto parsed = frontend::parse_compile_command(entry.command, "");
  if (parsed) return parsed->source;
  llvm::consumeError(parsed.takeError());
  return "?";
}

} // namespace

int run_deps(const DepsCommand& command) {
  auto kernel = kbuild_shim::resolve_kernel(command.kernel);
  if (!kernel) return report_error(kernel.takeError());
  auto compiles = read_compilation_database(command.database);
  if (!compiles) return report_error(compiles.takeError());

  frontend::DepsOptions options;
  options.cache_dir = command.cache_dir;
  options.threads = command.jobs;
  options.filter_defines = command.filter_defines;
  // Not destroyed: the process ends after printing, and freeing the scanner's cache of every header read takes
  // longer than the output (the same choice Clang makes for its own compiles).
  auto service = std::make_unique<frontend::DepsService>(options);
  auto found = service->deps_of(*compiles, *kernel, base::current_environment());
  if (!found) return report_error(found.takeError());
  SRCVER_LOG("dependency lists of {} compile(s): {} thread(s), {} compiler run(s) for gcc's macros, {} units, {} "
             "preprocessor runs, {} header(s) from the directive store, {} stored",
             compiles->size(), service->threads(), service->compiler_runs(), service->units(), service->unit_runs(),
             service->files_from_store(), service->files_stored());
  llvm::BuryPointer(std::move(service));

  int status = exit_ok;
  // Streamed, not built as a JSON value first: a large module's lists run to hundreds of thousands of entries.
  std::optional<llvm::json::OStream> json;
  if (command.json) {
    json.emplace(llvm::outs(), 1);
    json->arrayBegin();
  }
  for (std::size_t i = 0; i < compiles->size(); ++i) {
    const auto& entry = (*compiles)[i];
    const auto& d = (*found)[i];
    const std::string source = source_of(entry);
    if (!d.error.empty()) {
      print_diagnostic(source + ": cannot predict its dependency list: " + d.error);
      status = exit_cannot_predict;
    }
    if (json) {
      json->object([&] {
        json->attribute("directory", entry.cwd);
        json->attribute("file", source);
        if (!d.error.empty()) {
          json->attribute("deps_error", d.error);
          return;
        }
        json->attributeArray("deps", [&] {
          for (const auto& dep : d.deps)
            json->value(dep);
        });
      });
    } else {
      llvm::outs() << source << (d.error.empty() ? ":\n" : ": -\n");
      for (const auto& dep : d.deps)
        llvm::outs() << "  " << dep << "\n";
    }
  }
  if (json) {
    json->arrayEnd();
    llvm::outs() << "\n";
  }
  llvm::outs().flush();
  return status;
}

} // namespace srcver::tool
