#pragma once
// Records of a build that really happened: every module of a tree real Kbuild has just built (make M=, a DKMS build
// directory), with what each object was compiled from, read from the files the build wrote (the .mod lists, each
// object's .cmd: its command, source_ and deps_), and checked: the binary's srcversion must be the one its sources
// give (from-build's computation), and no input may be newer than the object compiled from it.

#include "build_record.hpp"

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace srcver::tool {

struct Harvested {
  std::string module;      // relative to the build directory, no .ko
  std::string module_file; // the built module file ("" when not built)
  BuildRecord record;      // when error is empty
  std::string error;       // why this module has no record
};

// `kernel`: the kernel the tree was built for ("" = from the first module's vermagic). `cache_dir`: where its
// profile is cached (the records hold the kernel's flags from it; "" = captured afresh).
llvm::Expected<std::vector<Harvested>> harvest_build(const std::string& build_dir, const std::string& kernel,
                                                     const std::string& cache_dir);

// An object's .cmd file (cmd_/savedcmd_, source_, deps_ as Kbuild and fixdep write them): the compile command's
// words (up to its first ';', make's $$ and $(pound) undone), the source and the deps_ entries without fixdep's
// $(wildcard include/config/...) lines. Errors (input): no command line.
struct CmdFile {
  std::vector<std::string> command;
  std::string source;
  std::vector<std::string> deps;
};
llvm::Expected<CmdFile> read_object_cmd(const std::string& path);

} // namespace srcver::tool
