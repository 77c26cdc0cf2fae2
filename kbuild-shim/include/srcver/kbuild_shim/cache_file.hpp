#pragma once
// The on-disk cache's two primitives, shared by every cache the tool keeps (kernel profiles, gcc's macros).

#include <filesystem>
#include <string>

namespace srcver::kbuild_shim {

// The SHA-256 of `data` in lower-case hex (LLVM's SHA-256, already linked: OpenSSL reads its configuration at start).
std::string sha256_hex(const std::string& data);

// Writes `content` to `path` so that a concurrent reader sees the old file or the new one, never a part. A cache that
// cannot be written is only slower: failures are ignored.
void write_atomically(const std::filesystem::path& path, const std::string& content);

} // namespace srcver::kbuild_shim
