#include <srcver/sumversion/md4.hpp>

#include <cstring>

namespace srcver::sumversion {
namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned s) { return (x << s) | (x >> (32 - s)); }
constexpr std::uint32_t f(std::uint32_t x, std::uint32_t y, std::uint32_t z) { return (x & y) | (~x & z); }
constexpr std::uint32_t g(std::uint32_t x, std::uint32_t y, std::uint32_t z) { return (x & y) | (x & z) | (y & z); }
constexpr std::uint32_t h(std::uint32_t x, std::uint32_t y, std::uint32_t z) { return x ^ y ^ z; }

constexpr Md4State k_initial_state = {0x67452301U, 0xefcdab89U, 0x98badcfeU, 0x10325476U};

std::uint32_t load_be(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint32_t load_le(const unsigned char* p) {
  return (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) | p[0];
}

} // namespace

void md4_transform(Md4State& state, const std::array<std::uint32_t, 16>& x) {
  std::uint32_t a = state[0];
  std::uint32_t b = state[1];
  std::uint32_t c = state[2];
  std::uint32_t d = state[3];

  // Round 1: [abcd k s] a = (a + F(b,c,d) + X[k]) <<< s
  static constexpr unsigned k_r1_shift[4] = {3, 7, 11, 19};
  for (unsigned i = 0; i < 16; ++i) {
    const std::uint32_t t = rotl(a + f(b, c, d) + x[i], k_r1_shift[i % 4]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  // Round 2: [abcd k s] a = (a + G(b,c,d) + X[k] + 5A827999) <<< s, k in column order.
  static constexpr unsigned k_r2_index[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
  static constexpr unsigned k_r2_shift[4] = {3, 5, 9, 13};
  for (unsigned i = 0; i < 16; ++i) {
    const std::uint32_t t = rotl(a + g(b, c, d) + x[k_r2_index[i]] + 0x5a827999U, k_r2_shift[i % 4]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  // Round 3: [abcd k s] a = (a + H(b,c,d) + X[k] + 6ED9EBA1) <<< s, k in bit-reversed order.
  static constexpr unsigned k_r3_index[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
  static constexpr unsigned k_r3_shift[4] = {3, 9, 11, 15};
  for (unsigned i = 0; i < 16; ++i) {
    const std::uint32_t t = rotl(a + h(b, c, d) + x[k_r3_index[i]] + 0x6ed9eba1U, k_r3_shift[i % 4]);
    a = d;
    d = c;
    c = b;
    b = t;
  }

  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

Md4::Md4(WordOrder order) : m_order(order), m_state(k_initial_state) {}

void Md4::process_block(const unsigned char* block) {
  std::array<std::uint32_t, 16> words{};
  for (unsigned i = 0; i < 16; ++i) {
    words[i] = m_order == WordOrder::kernel_big_endian ? load_be(block + 4 * i) : load_le(block + 4 * i);
  }
  md4_transform(m_state, words);
}

void Md4::update(std::string_view bytes) {
  m_byte_count += bytes.size();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  if (m_buffered > 0) {
    const std::size_t take = std::min(n, m_buffer.size() - m_buffered);
    std::memcpy(m_buffer.data() + m_buffered, p, take);
    m_buffered += take;
    p += take;
    n -= take;
    if (m_buffered < m_buffer.size()) return;
    process_block(m_buffer.data());
    m_buffered = 0;
  }
  for (; n >= 64; p += 64, n -= 64)
    process_block(p);
  std::memcpy(m_buffer.data(), p, n);
  m_buffered = n;
}

Md4State Md4::finish() {
  // 0x80, zeros up to 56 mod 64 (a second block when 56 or more bytes are pending), then the two length words.
  // The kernel variant loads the padding bytes big-endian like the message, but stores the length words as plain
  // integers; standard MD4 stores them little-endian. Either way word 14 = bits mod 2^32, word 15 = bytes >> 29.
  std::array<unsigned char, 64> block{};
  std::memcpy(block.data(), m_buffer.data(), m_buffered);
  block[m_buffered] = 0x80;
  if (m_buffered >= 56) {
    process_block(block.data());
    block.fill(0);
  }
  std::array<std::uint32_t, 16> words{};
  for (unsigned i = 0; i < 14; ++i) {
    words[i] = m_order == WordOrder::kernel_big_endian ? load_be(block.data() + 4 * i) : load_le(block.data() + 4 * i);
  }
  words[14] = static_cast<std::uint32_t>(m_byte_count << 3);
  words[15] = static_cast<std::uint32_t>(m_byte_count >> 29);
  md4_transform(m_state, words);
  return m_state;
}

std::string format_state(const Md4State& state) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(32);
  for (std::uint32_t word : state) {
    // modpost prints htonl(word) with %08X: on a little-endian host, the word's bytes in memory order.
    for (unsigned byte = 0; byte < 4; ++byte) {
      const unsigned v = (word >> (8 * byte)) & 0xffU;
      out.push_back(k_hex[v >> 4]);
      out.push_back(k_hex[v & 0xfU]);
    }
  }
  return out;
}

std::string format_srcversion(const Md4State& state) { return format_state(state).substr(0, 23); }

std::string srcversion_of_stream(std::string_view hashed_bytes) {
  Md4 md4;
  md4.update(hashed_bytes);
  return format_srcversion(md4.finish());
}

} // namespace srcver::sumversion
