// A module build's inputs and record: collected for a kernel, written as canonical text, compared (build_record.hpp).

#include "build_record.hpp"

#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/shell_words.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace srcver::tool {
namespace {

constexpr std::string_view k_record_header = "srcversion-predict build-record 1";

// A word as the text holds it: bare when the shell would read it back unchanged, else single-quoted.
std::string word(const std::string& w) {
  const bool bare = !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("_./+=:,@%-").find(static_cast<char>(c)) != std::string_view::npos;
  });
  return bare ? w : base::shell_quote(w);
}

std::string line(std::initializer_list<std::string> words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += word(w);
  }
  return out + "\n";
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += word(w);
  }
  return out;
}

// `text` with every occurrence of `from` + "/" written `$(srctree)/` (and the word `from` itself).
std::string map_srctree(const std::string& text, const std::string& from) {
  if (from.empty()) return text;
  if (text == from) return "$(srctree)";
  std::string out;
  std::size_t at = 0;
  const std::string needle = from + "/";
  for (std::size_t hit; (hit = text.find(needle, at)) != std::string::npos; at = hit + needle.size()) {
    out += text.substr(at, hit - at) + "$(srctree)/";
  }
  return out + text.substr(at);
}

llvm::Error bad_record(const std::string& why) {
  return make_error(ErrorCategory::input, "not a build record of srcversion-predict: " + why);
}

std::string describe_files(const RecordedObject& recorded, const RecordedObject& target) {
  for (std::size_t i = 0; i < std::min(recorded.files.size(), target.files.size()); ++i) {
    const auto& r = recorded.files[i];
    const auto& t = target.files[i];
    if (r.path != t.path) {
      return recorded.name + ": its dependencies differ: " + t.path + " where the build had " + r.path;
    }
    if (r.sha256 != t.sha256) return recorded.name + ": " + r.path + " differs from what the build compiled";
  }
  if (recorded.files.size() != target.files.size()) {
    return recorded.name + ": " + std::to_string(target.files.size()) + " dependencies where the build had " +
           std::to_string(recorded.files.size());
  }
  return {};
}

std::string describe_command(const RecordedObject& recorded, const RecordedObject& target) {
  const auto& r = recorded.command;
  const auto& t = target.command;
  std::size_t i = 0;
  while (i < r.size() && i < t.size() && r[i] == t[i])
    ++i;
  const std::string rw = i < r.size() ? r[i] : "(end)";
  const std::string tw = i < t.size() ? t[i] : "(end)";
  return recorded.name + ": the compile command differs at word " + std::to_string(i + 1) + ": '" + tw +
         "' where the build had '" + rw + "'";
}

template <typename T>
std::string describe_list(const std::string& what, const std::vector<T>& recorded, const std::vector<T>& target) {
  for (const auto& t : target) {
    auto it = std::find_if(recorded.begin(), recorded.end(), [&](const T& r) { return r.path == t.path; });
    if (it == recorded.end()) return what + " " + t.path + " is new";
    if (!(*it == t)) return what + " " + t.path + " differs from the build's";
  }
  for (const auto& r : recorded) {
    auto it = std::find_if(target.begin(), target.end(), [&](const T& t) { return r.path == t.path; });
    if (it == target.end()) return what + " " + r.path + " is gone";
  }
  return {};
}

} // namespace

std::string BuildInputs::compile_text() const {
  std::string out = line({"module", module});
  for (const auto& p : programs)
    out += line({"program", p.path, p.sha256});
  for (const auto& o : objects) {
    out += line({"object", o.name});
    out += "cmd " + join(o.command) + "\n";
    for (const auto& f : o.files)
      out += line({"file", f.path, f.sha256});
  }
  for (const auto& f : kernel_files)
    out += line({"kernel-file", f.path, f.sha256});
  for (const auto& f : module_files)
    out += line({"module-file", f.path, f.sha256});
  return out;
}

std::string BuildInputs::text() const {
  std::string out = compile_text();
  for (const auto& s : symbols)
    out += line({"symbol", s.name, s.entry});
  if (!kernel_flags.empty()) out += "kernel-flags " + join(kernel_flags) + "\n";
  return out;
}

std::string BuildInputs::key() const { return base::sha256_hex(compile_text()); }

llvm::Expected<BuildInputs> BuildInputs::parse(const std::string& text) {
  BuildInputs inputs;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  llvm::StringRef(text).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef l : lines) {
    const auto [kind, rest] = l.split(' ');
    const std::vector<std::string> w = base::shell_split(rest);
    if (kind == "cmd") {
      if (inputs.objects.empty()) return bad_record("a command before its object");
      inputs.objects.back().command = w;
      continue;
    }
    if (kind == "kernel-flags") {
      inputs.kernel_flags = w;
      continue;
    }
    const std::size_t want = kind == "module" || kind == "object" ? 1 : 2;
    if (w.size() != want) return bad_record("line '" + l.str() + "'");
    if (kind == "module") {
      inputs.module = w[0];
    } else if (kind == "program") {
      inputs.programs.push_back({w[0], w[1]});
    } else if (kind == "object") {
      inputs.objects.push_back({w[0], {}, {}});
    } else if (kind == "file") {
      if (inputs.objects.empty()) return bad_record("a file before its object");
      inputs.objects.back().files.push_back({w[0], w[1]});
    } else if (kind == "kernel-file") {
      inputs.kernel_files.push_back({w[0], w[1]});
    } else if (kind == "module-file") {
      inputs.module_files.push_back({w[0], w[1]});
    } else if (kind == "symbol") {
      inputs.symbols.push_back({w[0], w[1]});
    } else {
      return bad_record("line '" + l.str() + "'");
    }
  }
  return inputs;
}

std::string first_difference(const BuildInputs& recorded, const BuildInputs& target) {
  if (recorded.module != target.module) return "another module (" + recorded.module + ")";
  for (std::size_t i = 0; i < std::max(recorded.objects.size(), target.objects.size()); ++i) {
    if (i >= recorded.objects.size()) return "object " + target.objects[i].name + " is new";
    if (i >= target.objects.size()) return "object " + recorded.objects[i].name + " is gone";
    const auto& r = recorded.objects[i];
    const auto& t = target.objects[i];
    if (r.name != t.name) return "object " + t.name + " where the build had " + r.name;
    if (r.command != t.command) return describe_command(r, t);
    if (auto d = describe_files(r, t); !d.empty()) return d;
  }
  if (auto d = describe_list("program", recorded.programs, target.programs); !d.empty()) return d;
  if (auto d = describe_list("kernel file", recorded.kernel_files, target.kernel_files); !d.empty()) return d;
  if (auto d = describe_list("build file", recorded.module_files, target.module_files); !d.empty()) return d;
  for (const auto& r : recorded.symbols) {
    auto it = std::find_if(target.symbols.begin(), target.symbols.end(),
                           [&](const RecordedSymbol& t) { return t.name == r.name; });
    if (it == target.symbols.end()) return "symbol " + r.name + " is not looked up for the target";
    if (it->entry != r.entry) {
      return "symbol " + r.name + ": the kernel exports '" + it->entry + "' where the build had '" + r.entry + "'";
    }
  }
  if (recorded.symbols.size() != target.symbols.size()) return "the symbols the module needs differ";
  return {};
}

ModuleWords module_words(const std::vector<std::string>& command, const std::vector<std::string>& kernel_flags) {
  ModuleWords out;
  for (const auto& w : kernel_flags)
    ++out.left_out[w];
  for (std::size_t i = 1; i < command.size(); ++i) { // [0], the compiler, is the kernel's choice (CC)
    auto it = out.left_out.find(command[i]);
    if (it != out.left_out.end() && it->second > 0) {
      --it->second;
      continue;
    }
    out.own.push_back(command[i]);
  }
  return out;
}

std::vector<std::string> kernel_flag_words(const std::vector<std::string>& env) {
  std::vector<std::string> words;
  for (const auto& entry : env) {
    const auto [name, value] = llvm::StringRef(entry).split('=');
    const bool flags = name == "NOSTDINC_FLAGS" || name == "LINUXINCLUDE" ||
                       (name.starts_with("KBUILD_") && name.contains("FLAGS")) || name.starts_with("CFLAGS_") ||
                       name.starts_with("AFLAGS_");
    if (!flags) continue;
    llvm::SmallVector<llvm::StringRef, 0> split;
    value.split(split, ' ', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef w : split) {
      w = w.trim();
      if (!w.empty()) words.push_back(w.str());
    }
  }
  return words;
}

namespace {

// Whether `path` (as a command or deps_ list spells it) lies under `module_dir`.
bool in_module_dir(const std::string& path, const std::string& make_dir, const std::string& module_dir) {
  if (path.rfind("$(", 0) == 0) return false;
  const fs::path full =
      (path.empty() || path[0] == '/' ? fs::path(path) : fs::path(make_dir) / path).lexically_normal();
  const std::string prefix = fs::path(module_dir).lexically_normal().string() + "/";
  return full.string().rfind(prefix, 0) == 0;
}

std::vector<RecordedFile> module_part(const std::vector<RecordedFile>& files, const std::string& make_dir,
                                      const std::string& module_dir) {
  std::vector<RecordedFile> out;
  for (const auto& f : files) {
    if (in_module_dir(f.path, make_dir, module_dir)) out.push_back(f);
  }
  return out;
}

} // namespace

std::string first_module_difference(const BuildInputs& recorded, const BuildInputs& target, const std::string& make_dir,
                                    const std::string& module_dir) {
  if (recorded.module != target.module) return "another module (" + recorded.module + ")";
  if (recorded.kernel_flags.empty()) {
    return "its record does not hold the kernel's flags (recorded by an earlier srcversion-predict): --policy=kabi "
           "cannot tell the module's own flags; record the build again";
  }
  for (std::size_t i = 0; i < std::max(recorded.objects.size(), target.objects.size()); ++i) {
    if (i >= recorded.objects.size()) return "object " + target.objects[i].name + " is new";
    if (i >= target.objects.size()) return "object " + recorded.objects[i].name + " is gone";
    const auto& r = recorded.objects[i];
    const auto& t = target.objects[i];
    if (r.name != t.name) return "object " + t.name + " where the build had " + r.name;
    const ModuleWords rw = module_words(r.command, recorded.kernel_flags);
    const ModuleWords tw = module_words(t.command, target.kernel_flags);
    RecordedObject rm{r.name, rw.own, {}};
    RecordedObject tm{t.name, tw.own, {}};
    if (rm.command != tm.command) {
      return describe_command(rm, tm) + " (the command's own words, the kernel's flags taken out)";
    }
    // A flag both kernels have, left out of one compile more often than out of the other: the module removes it
    // for one kernel only.
    for (const auto& [word, left] : rw.left_out) {
      auto other = tw.left_out.find(word);
      if (other != tw.left_out.end() && other->second != left) {
        return r.name + ": the kernel's flag '" + word + "' is left out of the compile " +
               std::to_string(other->second) + " time(s) where the build left it out " + std::to_string(left) +
               " time(s)";
      }
    }
    rm.files = module_part(r.files, make_dir, module_dir);
    tm.files = module_part(t.files, make_dir, module_dir);
    if (auto d = describe_files(rm, tm); !d.empty()) return d + " (the module's own files)";
  }
  return describe_list("build file", recorded.module_files, target.module_files);
}

std::string BuildRecord::text() const {
  std::string out = std::string(k_record_header) + "\n";
  out += line({"binary", binary_sha256, std::to_string(binary_size)});
  out += line({"srcversion", srcversion.empty() ? "-" : srcversion});
  out += line({"vermagic", vermagic});
  out += line({"inputs", inputs.key()});
  return out + inputs.text();
}

llvm::Expected<BuildRecord> BuildRecord::parse(const std::string& text) {
  llvm::StringRef rest(text);
  auto next = [&]() {
    auto [l, r] = rest.split('\n');
    rest = r;
    return l;
  };
  if (next() != llvm::StringRef(k_record_header)) return bad_record("no header '" + std::string(k_record_header) + "'");
  BuildRecord record;
  auto field = [&](std::string_view name, std::size_t count) -> llvm::Expected<std::vector<std::string>> {
    auto [kind, words] = next().split(' ');
    auto w = base::shell_split(words);
    if (kind != llvm::StringRef(name) || w.size() != count) return bad_record("no " + std::string(name) + " line");
    return w;
  };
  auto binary = field("binary", 2);
  if (!binary) return binary.takeError();
  record.binary_sha256 = (*binary)[0];
  if (llvm::StringRef((*binary)[1]).getAsInteger(10, record.binary_size)) return bad_record("binary size");
  auto srcversion = field("srcversion", 1);
  if (!srcversion) return srcversion.takeError();
  record.srcversion = (*srcversion)[0] == "-" ? "" : (*srcversion)[0];
  auto vermagic = field("vermagic", 1);
  if (!vermagic) return vermagic.takeError();
  record.vermagic = (*vermagic)[0];
  auto key = field("inputs", 1);
  if (!key) return key.takeError();
  auto inputs = BuildInputs::parse(rest.str());
  if (!inputs) return inputs.takeError();
  if (inputs->key() != (*key)[0]) return bad_record("its inputs do not match their key");
  record.inputs = std::move(*inputs);
  return record;
}

InputsCollector::InputsCollector(KernelBuild kernel, std::vector<std::string> env)
    : m_kernel(std::move(kernel)), m_env(std::move(env)) {}

bool InputsCollector::modversions() const {
  auto conf = llvm::MemoryBuffer::getFile(m_kernel.build_dir + "/include/config/auto.conf", /*IsText=*/true);
  return conf && (*conf)->getBuffer().contains("\nCONFIG_MODVERSIONS=y");
}

llvm::Expected<RecordedFile> InputsCollector::hash_file(const std::string& shown, const std::string& path,
                                                        std::int64_t not_after_ns) {
  if (not_after_ns > 0) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && base::FileStamp::of(st).mtime_ns > not_after_ns) {
      return make_error(ErrorCategory::input, "changed after the build: what it compiled is no longer on disk", path);
    }
  }
  auto [it, fresh] = m_hashes.emplace(path, "");
  if (fresh) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    it->second = buffer ? base::sha256_hex((*buffer)->getBuffer().str()) : "absent";
  }
  return RecordedFile{shown, it->second};
}

std::string InputsCollector::srctree_of(const std::vector<std::string>& command) const {
  for (const auto& w : command) {
    for (llvm::StringRef flag : {"-fmacro-prefix-map=", "-ffile-prefix-map="}) {
      llvm::StringRef rest(w);
      if (rest.consume_front(flag) && rest.consume_back("/=") && rest.starts_with("/")) return rest.str();
    }
  }
  return {};
}

void InputsCollector::add_program(BuildInputs& inputs, const std::string& name) {
  if (std::any_of(inputs.programs.begin(), inputs.programs.end(), [&](const auto& p) { return p.path == name; }))
    return;
  const std::string path = base::find_program(name, base::env_value(m_env, "PATH"));
  std::string resolved = path;
  std::error_code ec;
  if (!path.empty()) resolved = std::filesystem::canonical(path, ec).string();
  auto hashed = hash_file(name, resolved.empty() ? "/nonexistent" : resolved, 0);
  inputs.programs.push_back(hashed ? *hashed : RecordedFile{name, "absent"});
  if (!hashed) llvm::consumeError(hashed.takeError());
}

// The programs a gcc driver runs for a compile: its cc1 and its assembler, as `-print-prog-name` names them (the
// driver is asked, nothing is compiled). Recorded as "<driver>:cc1" and "<driver>:as".
void InputsCollector::add_compiler_parts(BuildInputs& inputs, const std::string& driver) {
  for (const char* part : {"cc1", "as"}) {
    const std::string label = driver + ":" + part;
    auto [it, fresh] = m_parts.emplace(label, "");
    if (fresh) {
      auto asked =
          base::run_process({driver, std::string("-print-prog-name=") + part}, m_env, "/", std::chrono::seconds(30));
      std::string path = asked && asked->exit_status == 0 ? llvm::StringRef(asked->out).trim().str() : "";
      if (!asked) llvm::consumeError(asked.takeError());
      if (!path.empty() && path.find('/') == std::string::npos)
        path = base::find_program(path, base::env_value(m_env, "PATH"));
      std::error_code ec;
      if (!path.empty()) path = std::filesystem::canonical(path, ec).string();
      it->second = path.empty() || ec ? "/nonexistent" : path;
    }
    auto hashed = hash_file(label, it->second, 0);
    inputs.programs.push_back(hashed ? *hashed : RecordedFile{label, "absent"});
    if (!hashed) llvm::consumeError(hashed.takeError());
  }
}

void InputsCollector::add_kernel_files(BuildInputs& inputs, const std::string& srctree) {
  const std::string src = srctree.empty() ? m_kernel.build_dir : srctree;
  auto add = [&](const std::string& root_name, const std::string& root, const std::string& rel) {
    auto f = hash_file(root_name + "/" + rel, root + "/" + rel, 0);
    if (f)
      inputs.kernel_files.push_back(*f);
    else
      llvm::consumeError(f.takeError());
  };
  // The kernel's configuration, modpost and what the link reads (the module linker script; the link flags, set by the
  // top-level and the architecture's Makefile), and whether vmlinux is there (BTF for modules is made from it).
  for (const char* rel : {"Makefile", "include/config/auto.conf", "include/generated/autoconf.h", "scripts/mod/modpost",
                          "scripts/module.lds", "vmlinux"})
    add("$(objtree)", m_kernel.build_dir, rel);
  for (const char* rel : {"Makefile", "scripts/Makefile.build", "scripts/Makefile.modfinal", "scripts/Makefile.modpost",
                          "scripts/Makefile.lib", "scripts/Kbuild.include", "scripts/Makefile.compiler"})
    add("$(srctree)", src, rel);
  std::error_code ec;
  std::vector<std::string> arch_makefiles;
  for (const auto& entry : std::filesystem::directory_iterator(src + "/arch", ec)) {
    if (std::filesystem::exists(entry.path() / "Makefile", ec))
      arch_makefiles.push_back(entry.path().filename().string());
  }
  std::sort(arch_makefiles.begin(), arch_makefiles.end());
  for (const auto& arch : arch_makefiles)
    add("$(srctree)", src, "arch/" + arch + "/Makefile");
}

const std::map<std::string, std::string>& InputsCollector::symvers() {
  if (!m_symvers_read) {
    m_symvers_read = true;
    auto buffer = llvm::MemoryBuffer::getFile(m_kernel.build_dir + "/Module.symvers", /*IsText=*/true);
    if (buffer) {
      llvm::SmallVector<llvm::StringRef, 0> lines;
      (*buffer)->getBuffer().split(lines, '\n', -1, false);
      for (llvm::StringRef l : lines) {
        // <crc> <symbol> <module> <export type> [<namespace>], tab-separated
        llvm::SmallVector<llvm::StringRef, 5> f;
        l.split(f, '\t');
        if (f.size() < 4) continue;
        m_symvers[f[1].str()] = (f[0] + " " + f[2] + " " + f[3] + " " + (f.size() > 4 ? f[4] : "")).str();
      }
    }
  }
  return m_symvers;
}

void InputsCollector::add_symbols(BuildInputs& inputs, const std::vector<std::string>& symbols) {
  const auto& exported = symvers();
  for (const auto& name : symbols) {
    auto it = exported.find(name);
    inputs.symbols.push_back({name, it == exported.end() ? "-" : it->second});
  }
  std::sort(inputs.symbols.begin(), inputs.symbols.end(),
            [](const RecordedSymbol& a, const RecordedSymbol& b) { return a.name < b.name; });
}

namespace {

// Whether Kbuild, make or dkms reads a file of this name as a build file.
bool is_build_file(const std::string& name) {
  return name == "Kbuild" || name == "Makefile" || name == "GNUmakefile" || name == "makefile" || name == "dkms.conf" ||
         llvm::StringRef(name).starts_with("Kbuild.") || llvm::StringRef(name).starts_with("Makefile.") ||
         llvm::StringRef(name).ends_with(".mk");
}

} // namespace

llvm::Error InputsCollector::add_module_files(BuildInputs& inputs, const std::string& module_dir,
                                              std::int64_t not_after_ns) {
  std::error_code ec;
  std::vector<std::string> found;
  for (auto it = std::filesystem::recursive_directory_iterator(module_dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && is_build_file(it->path().filename().string())) {
      found.push_back(it->path().lexically_relative(module_dir).string());
    }
  }
  if (ec) return make_error(ErrorCategory::io, "cannot list the module directory: " + ec.message(), module_dir);
  std::sort(found.begin(), found.end());
  for (const auto& rel : found) {
    auto hashed = hash_file(rel, module_dir + "/" + rel, not_after_ns);
    if (!hashed) return hashed.takeError();
    inputs.module_files.push_back(*hashed);
  }
  return llvm::Error::success();
}

llvm::Expected<BuildInputs> InputsCollector::collect(const std::string& module, const std::string& make_dir,
                                                     const std::vector<Object>& objects,
                                                     const std::vector<std::string>& symbols,
                                                     const std::string& module_dir, std::int64_t module_not_after_ns) {
  BuildInputs inputs;
  inputs.module = module;
  std::string srctree;
  for (const auto& o : objects) {
    const std::string tree = srctree_of(o.command);
    if (srctree.empty()) srctree = tree;
    if (!o.command.empty() && std::none_of(inputs.programs.begin(), inputs.programs.end(),
                                           [&](const RecordedFile& p) { return p.path == o.command[0]; })) {
      add_program(inputs, o.command[0]);
      add_compiler_parts(inputs, o.command[0]);
    }
    RecordedObject& r = inputs.objects.emplace_back();
    r.name = o.name;
    for (const auto& w : o.command)
      r.command.push_back(map_srctree(w, tree));
    std::vector<std::string> files{o.source};
    files.insert(files.end(), o.deps.begin(), o.deps.end());
    for (const auto& f : files) {
      const std::string path = f.empty() || f[0] == '/' ? f : make_dir + "/" + f;
      auto hashed = hash_file(map_srctree(f, tree), path, o.not_after_ns);
      if (!hashed) return hashed.takeError();
      r.files.push_back(*hashed);
    }
  }
  add_program(inputs, "ld");
  add_kernel_files(inputs, srctree);
  if (!module_dir.empty()) {
    if (auto err = add_module_files(inputs, module_dir, module_not_after_ns)) return err;
  }
  add_symbols(inputs, symbols);
  for (const auto& w : m_kernel_flags)
    inputs.kernel_flags.push_back(map_srctree(w, srctree));
  return inputs;
}

} // namespace srcver::tool
