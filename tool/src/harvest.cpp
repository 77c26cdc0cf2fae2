// Records of a real build's modules, read from the files Kbuild and fixdep wrote (harvest.hpp).

#include "harvest.hpp"
#include "build_tree.hpp"
#include "module_elf.hpp"

#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/shell_words.hpp>
#include <srcver/kbuild_shim/kernel.hpp>
#include <srcver/kbuild_shim/kernel_profile.hpp>
#include <srcver/sumversion/mod_file.hpp>
#include <srcver/tool/log.hpp>
#include <srcver/tool/modinfo.hpp>
#include <srcver/tool/module_file.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <filesystem>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace srcver::tool {
namespace {

// make's escapes in a recorded command undone: $$ -> $, $(pound) -> #.
std::string unmake(llvm::StringRef text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i).starts_with("$$")) {
      out += '$';
      ++i;
    } else if (text.substr(i).starts_with("$(pound)")) {
      out += '#';
      i += 7;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string absolute(const fs::path& base, const std::string& path) {
  return path.empty() || path[0] == '/' ? path : (base / path).lexically_normal().string();
}

std::int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? base::FileStamp::of(st).mtime_ns : 0;
}

// The objects of `module`'s record: its .mod entries that are objects, each with its .cmd.
llvm::Expected<std::vector<InputsCollector::Object>>
recorded_objects(const BuiltModule& module, const fs::path& modpost_dir, const fs::path& build_dir) {
  std::vector<InputsCollector::Object> objects;
  for (const auto& entry : module.result.objects) {
    if (sumversion::is_static_library(entry)) {
      return make_error(ErrorCategory::input, "it links " + entry + ", whose objects a record does not cover yet");
    }
    const fs::path object = absolute(modpost_dir, entry);
    auto cmd = read_object_cmd((object.parent_path() / ("." + object.filename().string() + ".cmd")).string());
    if (!cmd) return cmd.takeError();
    InputsCollector::Object o;
    const std::string rel = object.lexically_relative(build_dir).string();
    o.name = rel.empty() || rel.rfind("..", 0) == 0 ? object.string() : rel;
    o.command = std::move(cmd->command);
    o.source = std::move(cmd->source);
    o.deps = std::move(cmd->deps);
    o.not_after_ns = mtime_ns(object.string());
    objects.push_back(std::move(o));
  }
  return objects;
}

// The record of one built module: its objects, its binary, checked against the srcversion its sources give.
llvm::Expected<BuildRecord> record_module(const BuiltModule& module, const FromBuildReport& report,
                                          const fs::path& build_dir, const KernelBuild& kernel,
                                          InputsCollector& collector) {
  auto bytes = read_module_file(module.module_file);
  if (!bytes) return bytes.takeError();
  auto info = parse_modinfo(*bytes, module.module_file);
  if (!info) return info.takeError();
  BuildRecord record;
  record.srcversion = modinfo_value(*info, "srcversion");
  record.vermagic = modinfo_value(*info, "vermagic");
  if (!record.srcversion.empty() && record.srcversion != module.result.srcversion) {
    return make_error(ErrorCategory::input,
                      "its srcversion " + record.srcversion + " is not the " + module.result.srcversion +
                          " of the sources beside it: the module file is not a build of them",
                      module.module_file);
  }
  auto elf = ElfFile::parse(*bytes, module.module_file);
  if (!elf) return elf.takeError();
  auto symbols = elf->undefined_symbols();
  if (!symbols) return symbols.takeError();
  const fs::path modpost_dir = report.modpost_dir.empty() ? build_dir : fs::path(report.modpost_dir);
  auto objects = recorded_objects(module, modpost_dir, build_dir);
  if (!objects) return objects.takeError();
  // Where the compiles ran: the kernel's objtree up to 6.12, the module directory from 6.13.
  const bool in_module_dir = !(kernel.version < KernelVersion{6, 13, 0});
  const std::string make_dir = in_module_dir ? build_dir.string() : kernel.build_dir;
  auto inputs =
      collector.collect(module.module, make_dir, *objects, *symbols, build_dir.string(), mtime_ns(module.module_file));
  if (!inputs) return inputs.takeError();
  record.inputs = std::move(*inputs);
  auto raw = llvm::MemoryBuffer::getFile(module.module_file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!raw) return make_error(ErrorCategory::io, "cannot read: " + raw.getError().message(), module.module_file);
  record.binary_sha256 = base::sha256_hex((*raw)->getBuffer().str());
  record.binary_size = (*raw)->getBufferSize();
  return record;
}

} // namespace

llvm::Expected<CmdFile> read_object_cmd(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    return make_error(ErrorCategory::input,
                      "the build left no .cmd file for this object (" + buffer.getError().message() +
                          "): it is not a finished Kbuild build",
                      path);
  }
  CmdFile cmd;
  bool have_command = false, in_deps = false;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (llvm::StringRef l : lines) {
    if (in_deps) {
      const bool more = l.consume_back("\\");
      l = l.trim();
      if (!l.empty() && !l.starts_with("$(wildcard ")) cmd.deps.push_back(l.str());
      in_deps = more;
      continue;
    }
    if (!have_command && (l.starts_with("cmd_") || l.starts_with("savedcmd_")) && l.contains(" := ")) {
      cmd.command = base::shell_split(unmake(l.split(" := ").second), /*stop_at_separator=*/true);
      have_command = true;
    } else if (l.starts_with("source_") && l.contains(" := ")) {
      cmd.source = l.split(" := ").second.trim().str();
    } else if (l.starts_with("deps_") && l.contains(" := ")) {
      in_deps = l.ends_with("\\");
    }
  }
  if (!have_command) return make_error(ErrorCategory::input, "no cmd_ line: not a .cmd file Kbuild wrote", path);
  return cmd;
}

llvm::Expected<std::vector<Harvested>> harvest_build(const std::string& build_dir_arg, const std::string& kernel_arg,
                                                     const std::string& cache_dir) {
  std::error_code ec;
  const fs::path build_dir = fs::canonical(build_dir_arg, ec);
  if (ec) return make_error(ErrorCategory::input, "no such directory: " + ec.message(), build_dir_arg);
  FromBuildOptions options;
  if (!kernel_arg.empty()) options.kernel = kernel_arg;
  auto report = compute_from_build(build_dir.string(), options);
  if (!report) return report.takeError();
  std::string kernel_name = kernel_arg;
  std::vector<Harvested> out;
  for (const auto& m : report->modules) {
    if (!kernel_name.empty() || m.module_file.empty()) continue;
    auto info = read_modinfo(m.module_file);
    if (!info) return info.takeError();
    const std::string vermagic = modinfo_value(*info, "vermagic");
    kernel_name = vermagic.substr(0, vermagic.find(' '));
  }
  if (kernel_name.empty()) return make_error(ErrorCategory::input, "no module of the tree was built", build_dir);
  auto kernel = kbuild_shim::resolve_kernel(kernel_name);
  if (!kernel) return kernel.takeError();
  InputsCollector collector(*kernel, base::current_environment());
  kbuild_shim::ProfileOptions profile_options;
  profile_options.cache_dir = cache_dir;
  profile_options.caller_env = base::current_environment();
  // The kernel's own flags, which --policy=kabi takes out of each command; without them a record still serves the
  // default policy, and kabi says why it cannot use it.
  if (auto profile = kbuild_shim::load_kernel_profile(*kernel, profile_options)) {
    collector.set_kernel_flags(kernel_flag_words(profile->profile.env));
  } else {
    SRCVER_LOG("record: no kernel profile for {}: {}", kernel->release, take_error(profile.takeError()).message);
  }
  for (const auto& m : report->modules) {
    Harvested& h = out.emplace_back();
    h.module = m.module;
    h.module_file = m.module_file;
    if (m.module_file.empty()) {
      h.error = "not built";
      continue;
    }
    if (m.status == BuiltModule::Status::no_srcversion || m.status == BuiltModule::Status::modpost_fails) {
      h.error = m.reason;
      continue;
    }
    auto record = record_module(m, *report, build_dir, *kernel, collector);
    if (!record)
      h.error = take_error(record.takeError()).message;
    else
      h.record = std::move(*record);
  }
  return out;
}

} // namespace srcver::tool
