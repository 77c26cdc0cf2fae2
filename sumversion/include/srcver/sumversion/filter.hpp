#pragma once
// modpost's source filter (docs/srcversion-rules.md section 1.3): which bytes of a file enter the MD4 stream.

#include <srcver/sumversion/era.hpp>

#include <string>
#include <string_view>

namespace srcver::sumversion {

// The C-locale isspace set: exactly 0x09-0x0D and 0x20. Bytes >= 0x80 and 0x1C-0x1F are not spaces
// (unlike Python's bytes.isspace).
constexpr bool is_c_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The bytes modpost hashes for a file whose content (as read from disk) is `content`, under `rules`:
// - e5+ (reads_whole_file): the content ends at the first NUL byte;
// - older eras (mmap): NUL bytes are hashed like any other, and the byte after the end reads as 0.
// Then, left to right: `\`+LF is dropped; C-locale spaces are dropped; a `"` opens a string that is hashed raw up to
// and including the first `"` not preceded by `\`; `/*` opens a comment that ends at the first `*/` whose `*` may be
// the opener's own (`/*/` is complete); everything else is hashed. `//` comments are hashed (minus spaces).
std::string filter_source(std::string_view content, const EraRules& rules);

} // namespace srcver::sumversion
