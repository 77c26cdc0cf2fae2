#pragma once
// The on-disk cache's primitives, shared by every cache the tool keeps (kernel profiles, gcc's macros, the directive
// store, the prediction cache).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct stat;

namespace srcver::base {

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

// A cache entry proves its own integrity: `write_checked` writes `content`, a newline, and one trailer line,
// "srcversion-predict checksum sha256=<64 hex digits of content> size=<bytes of content>", and `read_checked` gives the
// content back only when the trailer is there, whole, and agrees with it. A power loss, a flipped bit or a hand edit
// makes the entry `damaged`: the caller computes afresh and writes the entry again; the damage is reported (see
// set_damage_observer). Nothing that a damaged entry says is ever used.
void write_checked(const std::filesystem::path& path, const std::string& content);

struct CheckedRead {
  enum class State { missing, damaged, ok };
  State state = State::missing;
  std::string content; // when ok
};
CheckedRead read_checked(const std::filesystem::path& path);

// The content with its trailer, as write_checked writes it (for a caller that writes the bytes itself), and the
// check of such bytes (the content when the trailer agrees).
std::string with_checksum(const std::string& content);
std::optional<std::string> verify_checksum(std::string_view bytes);

// Who hears of a damaged cache entry: the tool logs it under -v. The libraries never print; they call
// report_damaged, which does nothing until an observer is set (once, at start, before any thread runs).
using DamageObserver = void (*)(const std::string& path, const std::string& what);
void set_damage_observer(DamageObserver observer);
void report_damaged(const std::string& path, const std::string& what);

} // namespace srcver::base
