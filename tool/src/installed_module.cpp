#include "installed_module.hpp"

#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>
#include <srcver/tool/module_file.hpp>

#include <cstdint>
#include <fstream>
#include <string_view>

namespace srcver::tool {

namespace {

constexpr std::string_view k_marker = "~Module signature appended~\n";
constexpr std::size_t k_signature_record = 12; // algo, hash, id_type, signer_len, key_id_len, 3 pad, be32 sig_len

} // namespace

std::string without_signature(const std::string& bytes) {
  if (bytes.size() < k_marker.size() + k_signature_record ||
      std::string_view(bytes).substr(bytes.size() - k_marker.size()) != k_marker)
    return bytes;
  const std::size_t record = bytes.size() - k_marker.size() - k_signature_record;
  const auto* r = reinterpret_cast<const unsigned char*>(bytes.data() + record);
  const std::uint64_t signer = r[3], key_id = r[4];
  const std::uint64_t sig =
      (std::uint64_t{r[8]} << 24) | (std::uint64_t{r[9]} << 16) | (std::uint64_t{r[10]} << 8) | std::uint64_t{r[11]};
  const std::uint64_t appended = signer + key_id + sig;
  if (appended > record) return bytes;
  return bytes.substr(0, record - appended);
}

llvm::Expected<bool> is_installed_form(const std::string& installed, const std::string& binary) {
  const std::string module = without_signature(installed);
  if (module == binary) return true;
  if (module.size() > binary.size()) return false; // strip -g never makes a module larger
  const std::vector<std::string> env = base::current_environment();
  const std::string strip = base::find_program("strip", base::env_value(env, "PATH"));
  if (strip.empty()) {
    return make_error(ErrorCategory::input,
                      "strip is not on PATH: an installed (stripped) module file cannot be traced to its build");
  }
  auto scratch = base::ScratchDir::create("strip");
  if (!scratch) return scratch.takeError();
  const std::string in = (scratch->path() / "module.ko").string();
  const std::string out = (scratch->path() / "stripped.ko").string();
  {
    std::ofstream f(in, std::ios::binary);
    f << binary;
    if (!f.flush()) return make_error(ErrorCategory::io, "cannot write a scratch file", in);
  }
  auto run = base::run_process({strip, "-g", "-o", out, in}, env, scratch->path().string());
  if (!run) return run.takeError();
  if (run->exit_status != 0) {
    return make_error(ErrorCategory::io, "strip -g failed: " + run->err, in);
  }
  auto stripped = read_module_file(out);
  if (!stripped) return stripped.takeError();
  return module == *stripped;
}

} // namespace srcver::tool
