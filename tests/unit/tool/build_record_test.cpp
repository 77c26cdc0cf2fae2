// The record of a build and the module store (issue 15): the text reads back as written, its key covers exactly the
// compile part, every kind of difference is named, and the store serves an entry only while its record and binary
// agree, never writes into a directory it did not make, and stays under its size limit.

#include "build_record.hpp" // tool/src
#include "module_store.hpp"

#include <srcver/base/cache_file.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace srcver::tool;
namespace fs = std::filesystem;

namespace {

BuildInputs sample() {
  BuildInputs in;
  in.module = "sub/hello";
  in.programs = {{"gcc-12", std::string(64, 'a')}, {"ld", std::string(64, 'b')}};
  RecordedObject o;
  o.name = "sub/hello.o";
  o.command = {"gcc-12", "-DX=\"a b\"", "-I$(srctree)/include", "it's", "-c", "-o", "/m/sub/hello.o", "/m/sub/hello.c"};
  o.files = {{"/m/sub/hello.c", std::string(64, 'c')},
             {"$(srctree)/include/linux/module.h", std::string(64, 'd')},
             {"/m/dir with space/h.h", "absent"}};
  in.objects.push_back(o);
  in.kernel_files = {{"$(objtree)/include/config/auto.conf", std::string(64, 'e')}};
  in.module_files = {{"Kbuild", std::string(64, '1')}, {"sub/Makefile", std::string(64, '2')}};
  in.symbols = {{"printk", "0x12345678 vmlinux EXPORT_SYMBOL "}, {"own_symbol", "-"}};
  in.kernel_flags = {"-I$(srctree)/include", "-O2", "-DKERNEL_ONLY=\"x y\""};
  return in;
}

BuildRecord sample_record() {
  BuildRecord r;
  r.inputs = sample();
  r.binary_sha256 = std::string(64, 'f');
  r.binary_size = 3;
  r.srcversion = "0123456789ABCDEF0123456";
  r.vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
  return r;
}

class TempDir {
public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "srcver-store-test.XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

} // namespace

TEST(BuildRecord, TextReadsBackAsWritten) {
  const BuildRecord r = sample_record();
  auto back = BuildRecord::parse(r.text());
  ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->text(), r.text());
  EXPECT_EQ(back->inputs.objects.at(0).command, r.inputs.objects.at(0).command);
  EXPECT_EQ(back->inputs.objects.at(0).files.at(2).path, "/m/dir with space/h.h");
  EXPECT_EQ(back->vermagic, r.vermagic);
  EXPECT_EQ(first_difference(r.inputs, back->inputs), "");
}

TEST(BuildRecord, KeyCoversTheCompilesNotTheSymbols) {
  BuildInputs a = sample(), b = sample();
  b.symbols[0].entry = "0x87654321 vmlinux EXPORT_SYMBOL ";
  EXPECT_EQ(a.key(), b.key());
  b.objects[0].files[1].sha256 = std::string(64, '0');
  EXPECT_NE(a.key(), b.key());
}

TEST(BuildRecord, EveryDifferenceIsNamed) {
  const BuildInputs r = sample();
  auto differ = [&](auto change) {
    BuildInputs t = sample();
    change(t);
    return first_difference(r, t);
  };
  EXPECT_NE(differ([](BuildInputs& t) { t.objects[0].command[1] = "-DX=1"; }).find("differs at word 2: '-DX=1'"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) {
              t.objects[0].files[1].sha256 = "x";
            }).find("$(srctree)/include/linux/module.h differs from what the build compiled"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.objects[0].files.pop_back(); }).find("2 dependencies where the build had 3"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.programs[0].sha256 = "x"; }).find("program gcc-12 differs"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.kernel_files[0].sha256 = "x"; }).find("kernel file $(objtree)/include"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.module_files[0].sha256 = "x"; }).find("build file Kbuild differs"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.module_files.pop_back(); }).find("build file sub/Makefile is gone"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.symbols[0].entry = "0x0 vmlinux EXPORT_SYMBOL "; }).find("symbol printk"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.objects.push_back(t.objects[0]); }).find("is new"), std::string::npos);
}

TEST(BuildRecord, KernelFlagsReadBackAndStayOutOfTheKey) {
  const BuildInputs a = sample();
  auto back = BuildInputs::parse(a.text());
  ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->kernel_flags, a.kernel_flags);
  BuildInputs b = sample();
  b.kernel_flags.clear();
  EXPECT_EQ(a.key(), b.key());
  EXPECT_EQ(b.text().find("kernel-flags"), std::string::npos); // a record made before them reads as before
}

TEST(BuildRecord, KernelFlagWordsComeFromTheFlagVariablesOnly) {
  const std::vector<std::string> env{
      "PATH=/usr/bin:/bin", "KBUILD_CFLAGS=-O2  -Wall",      "LINUXINCLUDE=-I/k/include -include /k/kconfig.h",
      "KBUILD_EXTMOD=/m",   "KBUILD_CFLAGS_MODULE=-DMODULE", "CFLAGS_KASAN=-fsanitize=kernel-address",
      "EXTRA_CFLAGS=-DUSER"};
  EXPECT_EQ(kernel_flag_words(env),
            (std::vector<std::string>{"-O2", "-Wall", "-I/k/include", "-include", "/k/kconfig.h", "-DMODULE",
                                      "-fsanitize=kernel-address"}));
}

TEST(BuildRecord, ModuleWordsTakeEachKernelFlagOutOnce) {
  const std::vector<std::string> kernel{"-O2", "-Wall", "-DMODULE"};
  const ModuleWords plain = module_words({"gcc-12", "-O2", "-Wall", "-DMODULE", "-DOWN", "-c", "a.c"}, kernel);
  EXPECT_EQ(plain.own, (std::vector<std::string>{"-DOWN", "-c", "a.c"}));
  EXPECT_EQ(plain.left_out.at("-Wall"), 0);
  // The module adds a flag the kernel also has: it stays, once.
  EXPECT_EQ(module_words({"gcc-12", "-O2", "-Wall", "-DMODULE", "-O2", "-c", "a.c"}, kernel).own,
            (std::vector<std::string>{"-O2", "-c", "a.c"}));
  // The module removes one (CFLAGS_REMOVE_a.o): it is counted as left out.
  const ModuleWords removed = module_words({"gcc-12", "-O2", "-DMODULE", "-c", "a.c"}, kernel);
  EXPECT_EQ(removed.own, (std::vector<std::string>{"-c", "a.c"}));
  EXPECT_EQ(removed.left_out.at("-Wall"), 1);
}

TEST(BuildRecord, ModuleDifferenceSeesTheModulesPartOnly) {
  const BuildInputs r = sample();
  auto differ = [&](auto change) {
    BuildInputs t = sample();
    change(t);
    return first_module_difference(r, t, "/k", "/m");
  };
  // What the kernel decides may differ: its headers, its flags, the compiler, its files, its symbols.
  EXPECT_EQ(differ([](BuildInputs& t) { t.objects[0].files[1].sha256 = "x"; }), "");
  EXPECT_EQ(differ([](BuildInputs& t) {
              t.kernel_flags[1] = "-O3";
              t.objects[0].command.insert(t.objects[0].command.begin() + 1, "-O3");
            }),
            "");
  EXPECT_EQ(differ([](BuildInputs& t) { t.programs[0].sha256 = "x"; }), "");
  EXPECT_EQ(differ([](BuildInputs& t) { t.kernel_files[0].sha256 = "x"; }), "");
  EXPECT_EQ(differ([](BuildInputs& t) { t.symbols[0].entry = "0x0 vmlinux EXPORT_SYMBOL "; }), "");
  // What the module decides may not.
  EXPECT_NE(differ([](BuildInputs& t) { t.objects[0].files[0].sha256 = "x"; }).find("/m/sub/hello.c differs"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.objects[0].files[2].sha256 = "x"; }).find("/m/dir with space/h.h"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) {
              t.objects[0].command.insert(t.objects[0].command.begin() + 1, "-DDEBUG");
            }).find("the command's own words"),
            std::string::npos);
  // A kernel flag the build's compile left out (the sample's -O2) that the target's holds: removed for one only.
  EXPECT_NE(differ([](BuildInputs& t) {
              t.objects[0].command.insert(t.objects[0].command.begin() + 1, "-O2");
            }).find("the kernel's flag '-O2' is left out of the compile 0 time(s) where the build left it out 1"),
            std::string::npos);
  EXPECT_NE(differ([](BuildInputs& t) { t.module_files[1].sha256 = "x"; }).find("build file sub/Makefile"),
            std::string::npos);
  // A record without the kernel's flags cannot tell the module's own words.
  BuildInputs old = sample();
  old.kernel_flags.clear();
  EXPECT_NE(first_module_difference(old, sample(), "/k", "/m").find("record the build again"), std::string::npos);
}

TEST(BuildRecord, DamagedOrForeignTextIsRefused) {
  const std::string text = sample_record().text();
  EXPECT_FALSE(static_cast<bool>(BuildRecord::parse("hello\n" + text)));
  std::string changed = text;
  changed.replace(changed.find("/m/sub/hello.c"), 14, "/m/sub/other.c"); // the key no longer matches
  auto r = BuildRecord::parse(changed);
  ASSERT_FALSE(static_cast<bool>(r));
  EXPECT_NE(llvm::toString(r.takeError()).find("do not match their key"), std::string::npos);
}

TEST(ModuleStore, ServesAnEntryOnlyWhileItsBinaryMatches) {
  TempDir tmp;
  const std::string dir = tmp.path + "/store";
  BuildRecord r = sample_record();
  write(tmp.path + "/hello.ko", "abc");
  r.binary_sha256 = srcver::base::sha256_hex("abc");
  ModuleStore store(dir, 1 << 20);
  ASSERT_FALSE(static_cast<bool>(store.put(r, tmp.path + "/hello.ko")));
  auto found = store.find("hello", r.inputs.key());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->binary, "abc");
  EXPECT_TRUE(store.find_binary("hello", r.binary_sha256).has_value());
  EXPECT_EQ(store.stats().entries, 1u);
  // The stored file changed behind the store's back: dropped, and gone.
  write(dir + "/hello/" + r.inputs.key() + "/module.ko", "abd");
  std::string dropped;
  EXPECT_FALSE(store.find("hello", r.inputs.key(), &dropped).has_value());
  EXPECT_NE(dropped.find("no longer matches its record"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir + "/hello/" + r.inputs.key()));
}

TEST(ModuleStore, NeverWritesIntoADirectoryItDidNotMake) {
  TempDir tmp;
  write(tmp.path + "/precious", "keep");
  write(tmp.path + "/hello.ko", "abc");
  ModuleStore store(tmp.path, 1 << 20);
  auto err = store.put(sample_record(), tmp.path + "/hello.ko");
  ASSERT_TRUE(static_cast<bool>(err));
  llvm::consumeError(std::move(err));
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()), 2);
}

TEST(ModuleStore, StaysUnderItsLimitDroppingTheLeastRecentlyUsed) {
  TempDir tmp;
  const std::string dir = tmp.path + "/store";
  std::vector<BuildRecord> records;
  for (int i = 0; i < 3; ++i) {
    BuildRecord r = sample_record();
    r.inputs.objects[0].command.push_back("-DN=" + std::to_string(i));
    const std::string bytes(2000, static_cast<char>('a' + i));
    r.binary_sha256 = srcver::base::sha256_hex(bytes);
    r.binary_size = bytes.size();
    records.push_back(r);
  }
  auto put = [&](ModuleStore& store, int i) {
    write(tmp.path + "/m.ko", std::string(2000, static_cast<char>('a' + i)));
    ASSERT_FALSE(static_cast<bool>(store.put(records[i], tmp.path + "/m.ko")));
  };
  ModuleStore unbounded(dir, 1 << 30);
  put(unbounded, 0);
  const std::uint64_t entry = unbounded.stats().bytes; // one entry: its binary and its record
  ModuleStore store(dir, 2 * entry + entry / 2);       // room for two
  put(store, 1);
  ASSERT_TRUE(store.find("hello", records[0].inputs.key()).has_value()); // the first used: the second is now oldest
  put(store, 2);
  EXPECT_EQ(store.stats().entries, 2u);
  EXPECT_LE(store.stats().bytes, 2 * entry + entry / 2);
  EXPECT_TRUE(store.find("hello", records[0].inputs.key()).has_value());
  EXPECT_FALSE(store.find("hello", records[1].inputs.key()).has_value());
  EXPECT_TRUE(store.find("hello", records[2].inputs.key()).has_value());
}
