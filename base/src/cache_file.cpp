#include <srcver/base/cache_file.hpp>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include <fstream>
#include <iterator>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace srcver::base {

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

namespace {

constexpr std::string_view k_trailer = "srcversion-predict checksum sha256=";
DamageObserver g_damage_observer = nullptr;

} // namespace

std::string with_checksum(const std::string& content) {
  return content + "\n" + std::string(k_trailer) + sha256_hex(content) + " size=" + std::to_string(content.size()) +
         "\n";
}

std::optional<std::string> verify_checksum(std::string_view bytes) {
  // The content, a newline, the trailer line.
  if (bytes.size() < 2 || bytes.back() != '\n') return std::nullopt;
  const std::size_t start = bytes.rfind('\n', bytes.size() - 2);
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view trailer = bytes.substr(start + 1, bytes.size() - 2 - start);
  if (trailer.substr(0, k_trailer.size()) != k_trailer) return std::nullopt;
  trailer.remove_prefix(k_trailer.size());
  if (trailer.size() < 64 + 6 || trailer.substr(64, 6) != " size=") return std::nullopt;
  const std::string content(bytes.substr(0, start));
  if (trailer.substr(70) != std::to_string(content.size())) return std::nullopt;
  if (trailer.substr(0, 64) != sha256_hex(content)) return std::nullopt;
  return content;
}

void write_checked(const fs::path& path, const std::string& content) { write_atomically(path, with_checksum(content)); }

CheckedRead read_checked(const fs::path& path) {
  CheckedRead result;
  std::ifstream in(path, std::ios::binary);
  if (!in) return result;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return result;
  if (auto content = verify_checksum(bytes)) {
    result.state = CheckedRead::State::ok;
    result.content = std::move(*content);
  } else {
    result.state = CheckedRead::State::damaged;
    report_damaged(path.string(), "its checksum does not match its content");
  }
  return result;
}

void set_damage_observer(DamageObserver observer) { g_damage_observer = observer; }

void report_damaged(const std::string& path, const std::string& what) {
  if (g_damage_observer != nullptr) g_damage_observer(path, what);
}

} // namespace srcver::base
