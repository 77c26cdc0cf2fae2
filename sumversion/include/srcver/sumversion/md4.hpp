#pragma once
// The MD4 variant modpost uses for srcversion (docs/srcversion-rules.md section 1.4):
// RFC 1320's rounds, constants and initial state, but the
// message words of each 64-byte block are loaded big-endian, while the two length words (bit count low, high) are
// stored as plain integers. Standard MD4 (little-endian words) is available for testing the shared block transform.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace srcver::sumversion {

using Md4State = std::array<std::uint32_t, 4>;

// The RFC 1320 compression function on one block of 16 message words.
void md4_transform(Md4State& state, const std::array<std::uint32_t, 16>& words);

// Incremental MD4 over a byte stream; WordOrder chooses the kernel variant (big-endian message words) or standard MD4.
class Md4 {
public:
  enum class WordOrder { kernel_big_endian, standard_little_endian };

  explicit Md4(WordOrder order = WordOrder::kernel_big_endian);

  void update(std::string_view bytes);
  void update(char byte) { update(std::string_view(&byte, 1)); }

  // Pads, appends the length and returns the state words. The object must not be updated afterwards.
  Md4State finish();

  std::uint64_t byte_count() const { return m_byte_count; }

private:
  void process_block(const unsigned char* block);

  WordOrder m_order;
  Md4State m_state;
  std::array<unsigned char, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_byte_count = 0;
};

// The state as modpost prints it on a little-endian host: each word byte-swapped, "%08X", 32 characters.
std::string format_state(const Md4State& state);

// modpost keeps the first 23 of those 32 characters (snprintf into 24 bytes): the srcversion.
std::string format_srcversion(const Md4State& state);

// srcversion of a whole hashed byte stream (kernel variant).
std::string srcversion_of_stream(std::string_view hashed_bytes);

} // namespace srcver::sumversion
