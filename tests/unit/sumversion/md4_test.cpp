// The MD4 block transform and padding, checked against OpenSSL's standard MD4; the kernel variant's known answers
// come from real modpost runs (testdata/modpost/kat-n*, see modpost_fixtures_test.cpp).

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md4.h>

#include <srcver/sumversion/md4.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace srcver::sumversion;

namespace {

std::string openssl_md4_hex(const std::string& data) {
  unsigned char digest[MD4_DIGEST_LENGTH];
  MD4(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(k_hex[b >> 4]);
    out.push_back(k_hex[b & 15]);
  }
  return out;
}

std::string alphabet_bytes(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s.push_back(static_cast<char>('A' + i % 26));
  return s;
}

} // namespace

// Standard MD4 through our transform and padding equals OpenSSL for every length across several block boundaries.
TEST(Md4, StandardVariantMatchesOpenSslAtEveryLength) {
  std::mt19937 rng(1320);
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string data(n, '\0');
    for (char& c : data)
      c = static_cast<char>(rng());
    Md4 md4(Md4::WordOrder::standard_little_endian);
    md4.update(data);
    EXPECT_EQ(format_state(md4.finish()), openssl_md4_hex(data)) << "length " << n;
  }
}

// Feeding bytes in pieces of any size gives the same state as feeding them at once.
TEST(Md4, ChunkedUpdatesEqualOneShot) {
  const std::string data = alphabet_bytes(1000);
  const std::string whole = srcversion_of_stream(data);
  for (std::size_t chunk : {1U, 3U, 55U, 63U, 64U, 65U, 128U, 999U}) {
    Md4 md4;
    for (std::size_t i = 0; i < data.size(); i += chunk)
      md4.update(std::string_view(data).substr(i, chunk));
    EXPECT_EQ(format_srcversion(md4.finish()), whole) << "chunk " << chunk;
    EXPECT_EQ(md4.byte_count(), data.size());
  }
}

// The kernel variant is not standard MD4 (docs/srcversion-rules.md section 1.4): it loads message words big-endian.
TEST(Md4, KernelVariantDiffersFromStandard) {
  for (std::size_t n : {0U, 1U, 55U, 56U, 64U}) {
    const std::string data = alphabet_bytes(n);
    EXPECT_NE(format_state([&] {
                Md4 m;
                m.update(data);
                return m.finish();
              }()),
              openssl_md4_hex(data));
  }
}

// Loading big-endian is the same as loading little-endian from each 4-byte group reversed, for the message words;
// only the two length words are stored as integers. So for a message of whole blocks, the kernel variant over M
// equals the standard transform over M with every word byte-reversed, when both are padded the kernel's way.
// (Derived from docs/srcversion-rules.md section 1.4, not from a real modpost run.)
TEST(Md4, KernelVariantIsBigEndianWordLoad) {
  const std::string data = alphabet_bytes(64);
  std::array<std::uint32_t, 16> words{};
  for (unsigned i = 0; i < 16; ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + 4 * i;
    words[i] = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  }
  Md4State state = {0x67452301U, 0xefcdab89U, 0x98badcfeU, 0x10325476U};
  md4_transform(state, words);
  std::array<std::uint32_t, 16> pad{};
  pad[0] = 0x80000000U; // 0x80 as the first byte of a big-endian word
  pad[14] = 64 * 8;
  md4_transform(state, pad);

  Md4 md4;
  md4.update(data);
  EXPECT_EQ(format_state(md4.finish()), format_state(state));
}

// modpost keeps 23 of the 32 printed hex digits, upper case.
TEST(Md4, SrcversionIsFirst23UppercaseDigits) {
  Md4 md4;
  md4.update("ABC");
  const Md4State state = md4.finish();
  const std::string full = format_state(state);
  ASSERT_EQ(full.size(), 32U);
  EXPECT_EQ(format_srcversion(state), full.substr(0, 23));
  EXPECT_EQ(full.find_first_not_of("0123456789ABCDEF"), std::string::npos);
}
