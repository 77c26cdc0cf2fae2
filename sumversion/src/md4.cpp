#include <srcver/sumversion/md4.hpp>

#include <cstring>

namespace srcver::sumversion {
namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned s) { return (x << s) | (x >> (32 - s)); }
constexpr std::uint32_t f(std::uint32_t x, std::uint32_t y, std::uint32_t z) { return (x & y) | (~x & z); }
constexpr std::uint32_t g(std::uint32_t x, std::uint32_t y, std::uint32_t z) { return (x & y) | (x & z) | (y & z); }
constexpr std::uint32_t h(std::uint32_t x, std::uint32_t y, std::uint32_t z) { return x ^ y ^ z; }

constexpr Md4State k_initial_state = {0x67452301U, 0xefcdab89U, 0x98badcfeU, 0x10325476U};

// The order in which each round takes the message words X[k].
constexpr std::array<unsigned, 16> k_r1_index = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
constexpr std::array<unsigned, 16> k_r2_index = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
constexpr std::array<unsigned, 16> k_r3_index = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

using RoundFunction = std::uint32_t (*)(std::uint32_t, std::uint32_t, std::uint32_t);

// One round of RFC 1320 (section 3.4): sixteen steps [abcd k s] a = (a + Fn(b,c,d) + X[k] + constant) <<< s, where k
// runs through `index` and s through `shift` (repeating every four steps). The RFC writes each step with the roles of
// a, b, c, d rotated ([ABCD 0 3] [DABC 1 7] ...); here the variables rotate instead: a step's result becomes b, and
// the old b, c, d become c, d, a.
template <RoundFunction Fn>
inline void md4_round(Md4State& v, const std::array<std::uint32_t, 16>& x, std::uint32_t constant,
                      const std::array<unsigned, 16>& index, const std::array<unsigned, 4>& shift) {
  std::uint32_t a = v[0];
  std::uint32_t b = v[1];
  std::uint32_t c = v[2];
  std::uint32_t d = v[3];
  for (unsigned i = 0; i < 16; ++i) {
    const std::uint32_t t = rotl(a + Fn(b, c, d) + x[index[i]] + constant, shift[i % 4]);
    a = d;
    d = c;
    c = b;
    b = t;
  }
  v = {a, b, c, d};
}

std::uint32_t load_be(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint32_t load_le(const unsigned char* p) {
  return (std::uint32_t{p[3]} << 24) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[1]} << 8) | p[0];
}

} // namespace

void md4_transform(Md4State& state, const std::array<std::uint32_t, 16>& x) {
  Md4State v = state;
  // Round 1: [abcd k s] a = (a + F(b,c,d) + X[k]) <<< s, k in order.
  md4_round<f>(v, x, 0, k_r1_index, {3, 7, 11, 19});
  // Round 2: [abcd k s] a = (a + G(b,c,d) + X[k] + 5A827999) <<< s, k in column order.
  md4_round<g>(v, x, 0x5a827999U, k_r2_index, {3, 5, 9, 13});
  // Round 3: [abcd k s] a = (a + H(b,c,d) + X[k] + 6ED9EBA1) <<< s, k in bit-reversed order.
  md4_round<h>(v, x, 0x6ed9eba1U, k_r3_index, {3, 9, 11, 15});
  for (unsigned i = 0; i < 4; ++i)
    state[i] += v[i];
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
