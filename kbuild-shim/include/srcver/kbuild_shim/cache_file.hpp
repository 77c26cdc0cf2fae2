#pragma once
// The on-disk cache's primitives, shared by every cache the tool keeps (kernel profiles, gcc's macros, the directive
// store, the prediction cache).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

struct stat;

namespace srcver::kbuild_shim {

// Which version of a file is on disk: device, inode, size, modification and change times (nanoseconds).
struct FileStamp {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp& o) const {
    return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
  }
  static FileStamp of(const struct stat& st);
  // "dev:ino:size:mtime:ctime"
  std::string text() const;
  // Changed less than `settle` before `now_ns`: a change within the clock's resolution would keep the stamp, so
  // nothing is cached from such a file.
  bool young(std::int64_t now_ns, std::chrono::nanoseconds settle = std::chrono::seconds(2)) const {
    return std::max(mtime_ns, ctime_ns) > now_ns - settle.count();
  }
};

// The wall clock, in nanoseconds since the epoch (the time stamps' clock).
std::int64_t now_ns();

// The SHA-256 of `data` in lower-case hex (LLVM's SHA-256, already linked: OpenSSL reads its configuration at start).
std::string sha256_hex(const std::string& data);

// Writes `content` to `path` so that a concurrent reader sees the old file or the new one, never a part. A cache that
// cannot be written is only slower: failures are ignored.
void write_atomically(const std::filesystem::path& path, const std::string& content);

} // namespace srcver::kbuild_shim
