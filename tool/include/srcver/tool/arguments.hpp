#pragma once
// The CLI's arguments checked before any work starts (a kernel profile's capture takes seconds): each error names the
// argument or path and says what to give instead.

#include <llvm/Support/Error.h>

#include <string>

namespace srcver::tool {

// A <module-dir> of predict, check, verify and plan: it must name a directory that holds a Kbuild, Makefile,
// makefile or dkms.conf. An empty argument is a usage error; a missing path, a file, a symlink loop or a directory
// without any of those files an input error naming the path.
llvm::Error check_module_dir(const std::string& dir);

// The cache directory about to be used (`option` says where it came from, for the message: "--cache-dir" or
// "the default cache directory"; the message is "<option> <dir>: ..."): it must be a directory the tool can write, made
// when missing. "" (no cache) passes. A regular file, or a directory that cannot be made or written, is a usage error
// naming the path.
llvm::Error check_cache_dir(const std::string& dir, const std::string& option);

// A module directory about to be planned as an M= build: real Kbuild passes its path through make and sh unquoted,
// and `make M=<dir>` fails (or runs a piece of the path as a command) when it holds whitespace or one of
// $ ` ; ' " : \ ( ) & | < > * ? % , (each seen failing on 6.1 and 6.12), or [ (a glob class such as [b] fails;
// refused alone too, as a path with [ is rare and the answer must be certain). Such a path is "cannot predict"
// (cannot_predict), before any make runs on it. A DKMS source passes: dkms builds a copy under its own tree.
// ('#' fails on 6.1 only; the front end refuses it anyway, as gcc escapes it in a dependency file.)
llvm::Error check_make_path(const std::string& module_dir);

// The default cache directory: $XDG_CACHE_HOME/srcversion-predict, else ~/.cache/srcversion-predict ("" when
// neither HOME nor XDG_CACHE_HOME is set).
std::string default_cache_dir();

// The module store's default: /var/cache/srcversion-predict/modules for root, else <default cache dir>/modules.
std::string default_store_dir();

} // namespace srcver::tool
