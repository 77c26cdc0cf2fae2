#pragma once
// The module store: built modules kept with the record of what each was compiled from (build_record.hpp), so that a
// later build with the same inputs takes the binary instead of compiling (docs/reuse.md).
//
// Layout: <dir>/.srcversion-predict-store (the mark that the tool made the directory: nothing is ever removed from a
// directory without it), <dir>/.lock, and per entry <dir>/<module name>/<inputs key>/{record,module.ko}. An entry is
// written in a temporary directory of the store and renamed into place under the store's lock (taken by writers and
// removers), so that a reader, which takes none, sees an entry whole or not at all; a temporary directory left by a
// killed writer is removed by the next writer. An entry is served only when its record's checksum, its binary's size
// and SHA-256 agree; otherwise it is removed (and the damage reported). The store is kept under its size limit by
// removing the entries used least recently.

#include "build_record.hpp"

#include <llvm/Support/Error.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace srcver::tool {

class ModuleStore {
public:
  ModuleStore(std::string dir, std::uint64_t max_bytes);

  // Adds `record` with its binary (the module file the build left, `binary_path`). Errors: io (the store cannot be
  // written), input (a directory that the tool did not make).
  llvm::Error put(const BuildRecord& record, const std::string& binary_path);

  struct Entry {
    BuildRecord record;
    std::string binary; // the stored module file's bytes, checked against the record
  };
  // The entry of module `name` (a .ko's base name) whose inputs have `key`; nullopt when there is none or it was
  // damaged (then removed; `dropped` says why).
  std::optional<Entry> find(const std::string& name, const std::string& key, std::string* dropped = nullptr);
  // The entry of module `name` whose binary has this SHA-256 (the record of a given module file).
  std::optional<Entry> find_binary(const std::string& name, const std::string& sha256, std::string* dropped = nullptr);

  // The records of module `name` (unchecked binaries: for saying how a build differs from them), newest first.
  std::vector<BuildRecord> records_of(const std::string& name) const;

  // An entry of any module built for kernel `release` (its vermagic's first word), checked: a real build's word on
  // what that kernel's modules carry. nullopt when there is none.
  std::optional<Entry> built_for(const std::string& release);

  struct Stats {
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;
    std::uint64_t modules = 0; // distinct module names
  };
  Stats stats() const;
  const std::string& dir() const { return m_dir; }

private:
  std::optional<Entry> load(const std::string& entry_dir, std::string* dropped);
  void remove_entry(const std::string& entry_dir);
  void evict();
  llvm::Error ensure_dir() const;

  std::string m_dir;
  std::uint64_t m_max_bytes;
};

} // namespace srcver::tool
