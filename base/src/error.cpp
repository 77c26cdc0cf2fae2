#include <srcver/base/error.hpp>

#include <llvm/Support/raw_ostream.h>

namespace srcver {

char Error::ID = 0;

void Error::log(llvm::raw_ostream& os) const {
  if (!m_path.empty()) os << printable(m_path) << ": ";
  os << printable(m_message, /*keep_newlines=*/true);
}

ErrorReport take_error(llvm::Error err) {
  ErrorReport report{ErrorCategory::io, {}};
  llvm::handleAllErrors(
      std::move(err),
      [&](const Error& e) {
        report.category = e.category();
        if (!report.message.empty()) report.message += "; ";
        llvm::raw_string_ostream os(report.message);
        e.log(os);
      },
      [&](const llvm::ErrorInfoBase& e) {
        if (!report.message.empty()) report.message += "; ";
        report.message += e.message();
      });
  return report;
}

namespace {

// The length of the UTF-8 sequence of a printable character at text[i] (1 for printable ASCII), or 0: a control
// character, DEL, a C1 control (U+0080..U+009F), or bytes that are not a valid, shortest UTF-8 sequence.
std::size_t printable_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return lead >= 0x20 && lead != 0x7f ? 1 : 0;
  std::size_t length = 0;
  char32_t code = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  const bool surrogate = code >= 0xd800 && code <= 0xdfff;
  if (overlong || surrogate || code > 0x10ffff || (code >= 0x80 && code <= 0x9f)) return 0;
  return length;
}

} // namespace

std::string printable(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t length = printable_length(text, i); length != 0) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i++]);
    switch (c) {
    case '\n': out += keep_newlines ? "\n" : "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: {
      constexpr char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    }
    }
  }
  return out;
}

} // namespace srcver
