#include <srcver/kbuild_shim/cache_file.hpp>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace srcver::kbuild_shim {

namespace fs = std::filesystem;

FileStamp FileStamp::of(const struct stat& st) {
  FileStamp s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = std::int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

std::string FileStamp::text() const {
  return std::to_string(dev) + ":" + std::to_string(ino) + ":" + std::to_string(size) + ":" + std::to_string(mtime_ns) +
         ":" + std::to_string(ctime_ns);
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sha256_hex(const std::string& data) {
  const auto digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef(data));
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : digest) {
    out.push_back(k_hex[byte >> 4]);
    out.push_back(k_hex[byte & 15]);
  }
  return out;
}

void write_atomically(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::random_device rd;
  const fs::path tmp = path.string() + ".tmp." + std::to_string(getpid()) + "." + std::to_string(rd());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << content;
    if (!out) return;
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
}

} // namespace srcver::kbuild_shim
