// The checked cache entry (kbuild-shim/cache_file.hpp): what write_checked writes, read_checked gives back; any
// damage (every single flipped bit, every cut, bytes appended) is `damaged`, never content.
#include <srcver/base/cache_file.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using srcver::base::CheckedRead;
using srcver::base::verify_checksum;
using srcver::base::with_checksum;

TEST(CheckedEntry, GivesBackWhatWasWritten) {
  for (const std::string& content :
       std::vector<std::string>{"", "\n", "one line\n", "no newline at the end", std::string("nul\0inside", 10)}) {
    const auto back = verify_checksum(with_checksum(content));
    ASSERT_TRUE(back.has_value()) << content;
    EXPECT_EQ(*back, content);
  }
}

TEST(CheckedEntry, EveryFlippedBitIsDamage) {
  const std::string entry = with_checksum("hello 9\nkernel 6.1\n");
  for (std::size_t at = 0; at < entry.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = entry;
      bytes[at] = static_cast<char>(bytes[at] ^ (1 << bit));
      EXPECT_FALSE(verify_checksum(bytes).has_value()) << "byte " << at << " bit " << bit;
    }
  }
}

TEST(CheckedEntry, EveryCutAndAnythingAppendedIsDamage) {
  const std::string entry = with_checksum("a\nb\n");
  for (std::size_t size = 0; size < entry.size(); ++size)
    EXPECT_FALSE(verify_checksum(entry.substr(0, size)).has_value()) << size;
  EXPECT_FALSE(verify_checksum(entry + "x\n").has_value());
  EXPECT_FALSE(verify_checksum(entry + entry).has_value());
}

TEST(CheckedEntry, FilesMissingDamagedAndWhole) {
  char tmpl[] = "/tmp/srcver-cache-file-test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  const auto path = dir / "sub" / "entry.txt";
  EXPECT_EQ(srcver::base::read_checked(path).state, CheckedRead::State::missing);
  srcver::base::write_checked(path, "content\n");
  auto read = srcver::base::read_checked(path);
  EXPECT_EQ(read.state, CheckedRead::State::ok);
  EXPECT_EQ(read.content, "content\n");
  std::ofstream(path, std::ios::app) << " ";
  read = srcver::base::read_checked(path);
  EXPECT_EQ(read.state, CheckedRead::State::damaged);
  EXPECT_EQ(read.content, "");
  std::filesystem::remove_all(dir);
}

} // namespace
