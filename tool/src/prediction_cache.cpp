#include "prediction_cache.hpp"

#include <srcver/base/cache_file.hpp>
#include <srcver/base/process.hpp>
#include <srcver/tool/log.hpp>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sys/stat.h>

namespace srcver::tool {

namespace {

namespace fs = std::filesystem;
constexpr int k_format = 2; // 2: the checksum trailer

// Variables that differ between two calls of the same question without changing its answer.
bool volatile_env(llvm::StringRef entry) {
  static const char* const names[] = {
      "PWD=",     "OLDPWD=",         "SHLVL=",   "_=",        "TERM=",      "COLUMNS=",        "LINES=", "SSH_CLIENT=",
      "SSH_TTY=", "SSH_CONNECTION=", "DISPLAY=", "WINDOWID=", "LS_COLORS=", "XDG_SESSION_ID=", "MAIL="};
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return entry.starts_with(n); });
}

// "dev:ino:size:mtime:ctime" (nanoseconds), "-" when the path does not exist; `young` set when it changed less than
// 2 s before `now_ns`.
std::string identity(const std::string& path, std::int64_t now_ns = 0, bool* young = nullptr) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return "-";
  const auto stamp = base::FileStamp::of(st);
  if (young && stamp.young(now_ns)) *young = true;
  return stamp.text();
}

// Every entry under `dir`, sorted, as "relative-path\tidentity" lines (symlinks not followed).
std::string walk(const std::string& dir, std::int64_t now_ns = 0, bool* young = nullptr) {
  std::vector<std::string> lines;
  lines.push_back(".\t" + identity(dir, now_ns, young));
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string path = it->path().string();
    lines.push_back(path.substr(dir.size() + 1) + "\t" + identity(path, now_ns, young));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines)
    out += "walk " + l + "\n";
  return out;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string unescape(llvm::StringRef s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
  }
  return out;
}

std::vector<std::string> fields(llvm::StringRef line) {
  llvm::SmallVector<llvm::StringRef> parts;
  line.split(parts, '\t');
  std::vector<std::string> out;
  for (auto p : parts)
    out.push_back(unescape(p));
  return out;
}

} // namespace

PredictionCache::PredictionCache(const std::string& cache_dir, const std::string& module_dir,
                                 const kbuild_shim::KernelBuild& kernel, const std::string& profile_key,
                                 const PredictOptions& options)
    : m_module_dir(module_dir) {
  if (cache_dir.empty()) return;
  const auto env = base::current_environment();
  std::string key = "srcversion-predict prediction " + std::to_string(k_format) + " " SRCVER_VERSION "\n";
  std::error_code exe_error;
  key += "binary " + identity(fs::read_symlink("/proc/self/exe", exe_error).string()) + "\n";
  key += "module_dir " + module_dir + "\n";
  key += "kernel " + kernel.build_dir + " " + profile_key + "\n";
  key += "all_versions " + std::string(!options.all_versions ? "default" : *options.all_versions ? "yes" : "no") + "\n";
  key += "in_tree " + options.in_tree + "\n";
  std::vector<std::string> sorted_env;
  for (const auto& e : env) {
    if (!volatile_env(e)) sorted_env.push_back(e);
  }
  std::sort(sorted_env.begin(), sorted_env.end());
  for (const auto& e : sorted_env)
    key += "env " + e + "\n";
  m_entry = (fs::path(cache_dir) / "predictions" / (base::sha256_hex(key) + ".txt")).string();
}

std::optional<Prediction> PredictionCache::load() const {
  if (m_entry.empty()) return std::nullopt;
  const auto entry = base::read_checked(m_entry);
  if (entry.state != base::CheckedRead::State::ok) return std::nullopt; // missing, or damaged (reported)
  llvm::StringRef text = entry.content;
  if (!text.consume_front("srcversion-predict prediction " + std::to_string(k_format) + "\n")) return std::nullopt;
  Prediction prediction;
  std::string walked;
  PredictedModule* module = nullptr;
  bool complete = false;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    auto [tag, body] = line.split(' ');
    if (tag == "file") {
      auto f = fields(body);
      if (f.size() != 2 || identity(f[0]) != f[1]) return std::nullopt; // an input changed
    } else if (tag == "walk") {
      walked += line.str() + "\n";
    } else if (tag == "kernel") {
      auto f = fields(body);
      if (f.size() != 3) return std::nullopt;
      prediction.release = f[0];
      prediction.build_dir = f[1];
      prediction.all_versions = f[2] == "1";
    } else if (tag == "module") {
      auto f = fields(body);
      if (f.size() != 8) return std::nullopt;
      module = &prediction.modules.emplace_back();
      module->path = f[0];
      unsigned status = 0, outcome = 0;
      if (llvm::StringRef(f[1]).getAsInteger(10, status) || status > 3 ||
          llvm::StringRef(f[4]).getAsInteger(10, outcome) || outcome > 2) {
        return std::nullopt; // a damaged entry: predicted afresh
      }
      module->status = static_cast<PredictedModule::Status>(status);
      module->reason = f[2];
      module->has_version = f[3] == "1";
      module->result.outcome = static_cast<sumversion::SrcversionResult::Outcome>(outcome);
      module->result.srcversion = f[5];
      module->result.reason = f[6];
      module->result.mod_file = f[7];
    } else if (tag == "object" && module) {
      module->result.objects.push_back(unescape(body));
    } else if (tag == "hashed" && module) {
      auto f = fields(body);
      std::size_t bytes = 0;
      if (f.size() != 4 || llvm::StringRef(f[3]).getAsInteger(10, bytes)) return std::nullopt;
      module->result.hashed.push_back(
          {f[0], f[1], f[2] == "source" ? sumversion::CmdFileWalk::Role::source : sumversion::CmdFileWalk::Role::dep,
           bytes});
    } else if (tag == "end") {
      complete = true;
    }
  }
  // The module directory as it was: no file added, removed or changed.
  if (!complete || walk(m_module_dir) != walked) return std::nullopt;
  SRCVER_LOG("prediction from the cache ({})", m_entry);
  return prediction;
}

void PredictionCache::store(const Prediction& prediction, std::vector<std::string> inputs) const {
  if (m_entry.empty()) return;
  const std::int64_t now = base::now_ns();
  const std::size_t n = inputs.size();
  for (std::size_t i = 0; i < n; ++i)
    inputs.push_back(fs::path(inputs[i]).parent_path().string());
  std::sort(inputs.begin(), inputs.end());
  inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  bool young = false;
  std::string text = "srcversion-predict prediction " + std::to_string(k_format) + "\n";
  text += "kernel " + escape(prediction.release) + "\t" + escape(prediction.build_dir) + "\t" +
          (prediction.all_versions ? "1" : "0") + "\n";
  for (const auto& path : inputs) {
    if (path.empty()) continue;
    text += "file " + escape(path) + "\t" + identity(path, now, &young) + "\n";
  }
  text += walk(m_module_dir, now, &young);
  for (const auto& m : prediction.modules) {
    const auto& r = m.result;
    text += "module " + escape(m.path) + "\t" + std::to_string(static_cast<int>(m.status)) + "\t" + escape(m.reason) +
            "\t" + (m.has_version ? "1" : "0") + "\t" + std::to_string(static_cast<int>(r.outcome)) + "\t" +
            escape(r.srcversion) + "\t" + escape(r.reason) + "\t" + escape(r.mod_file) + "\n";
    for (const auto& o : r.objects)
      text += "object " + escape(o) + "\n";
    for (const auto& h : r.hashed) {
      text += "hashed " + escape(h.object) + "\t" + escape(h.path) + "\t" +
              (h.role == sumversion::CmdFileWalk::Role::source ? "source" : "dep") + "\t" +
              std::to_string(h.hashed_bytes) + "\n";
    }
  }
  text += "end\n";
  if (young) {
    SRCVER_LOG("prediction not cached: an input changed less than 2 s ago");
    return;
  }
  base::write_checked(m_entry, text);
}

} // namespace srcver::tool
