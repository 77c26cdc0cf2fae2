#pragma once
// The directive store: the directives of the files a kernel's units include (its headers, the compiler's own), kept on
// disk between runs so that a module new to a known kernel does not read and scan again the hundreds of headers every
// module includes. Per file: its stamp (device, inode, size, modification and change times), the text of its
// directive lines (every other line left empty, so that each token keeps its line and column) and the directives'
// tokens. A file is served from the store only while its stamp is unchanged; one younger than two seconds is never
// stored (a change within the clock's resolution would keep the stamp). The module's own files are never stored nor
// served (they may be lexed in full). A speed matter only: a store that is missing, damaged or of another format is
// empty, and one that cannot be written is not written. Integrity: the index carries a checksum (xxh3-64) of itself
// and each entry one of its data; a damaged index makes the store empty, a damaged entry is never served (its file is
// read from disk and stored again), and either is reported (base::report_damaged).

#include <srcver/base/cache_file.hpp>

#include <clang/Lex/DependencyDirectivesScanner.h>
#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringMap.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/ADT/StringSet.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace srcver::frontend {

using base::FileStamp;

// The name a file is stored under: absolute (from `cwd` when relative), without "." components ("..", which a
// symbolic link may change the meaning of, is kept).
std::string store_key(llvm::StringRef cwd, llvm::StringRef name);

class DirectiveStore {
public:
  // Reads `path` ("" = a store that is never saved). Files changed less than `settle` ago are not added.
  explicit DirectiveStore(std::string path, std::chrono::nanoseconds settle = std::chrono::seconds(2));

  struct Entry {
    llvm::StringRef key;
    FileStamp stamp;
    llvm::StringRef text; // the directive lines, NUL after them
    bool has_error = false;
    std::size_t tokens_at = 0; // in the file: the serialised tokens, then the directives
    std::uint32_t token_count = 0;
    std::uint32_t directive_count = 0;
    std::uint64_t data_hash = 0; // xxh3-64 of the data: the text, NUL, the tokens, the directives
  };
  const Entry* find(llvm::StringRef key) const;
  // Whether an entry's data is whole (its checksum agrees; its text ends with NUL, its tokens lie in it): checked,
  // once per run, before it is served. A damaged entry is reported and left out when the store is saved again.
  bool intact(const Entry& entry) const;
  // The entry whose text this is (a file served from the store), or none.
  const Entry* by_text(const char* text) const;
  // An entry's directives, their tokens in `tokens`.
  void directives(const Entry& entry, std::vector<clang::dependency_directives_scan::Token>& tokens,
                  std::vector<clang::dependency_directives_scan::Directive>& out) const;

  // A file scanned in this run, to be stored (thread-safe). False: not storable (its directives' lines overlap).
  bool add(const std::string& key, const FileStamp& stamp, llvm::StringRef text,
           llvm::ArrayRef<clang::dependency_directives_scan::Directive> directives, bool has_error);
  std::size_t size() const { return m_entries.size(); }
  // Files added in this run.
  std::size_t added() const;
  // Writes the store with the files added, when there are any.
  void save();

private:
  bool whole_entry(const Entry& entry) const;
  std::string m_path;
  std::chrono::nanoseconds m_settle;
  std::unique_ptr<llvm::MemoryBuffer> m_buffer;
  std::vector<Entry> m_entries;
  // Per entry: 0 not checked yet, 1 intact, 2 damaged (entries are checked by the scan's threads).
  std::unique_ptr<std::atomic<std::uint8_t>[]> m_checked;
  llvm::StringMap<std::size_t> m_by_key;
  llvm::DenseMap<const char*, std::size_t> m_by_text;
  // Files added in this run: their index fields and their data (the lines, NUL, the tokens, the directives).
  struct Fresh {
    std::string key;
    FileStamp stamp;
    bool has_error = false;
    std::uint32_t text_size = 0;
    std::uint32_t token_count = 0;
    std::uint32_t directive_count = 0;
    std::string data;
  };
  mutable std::mutex m_mutex;
  std::vector<Fresh> m_fresh;
  llvm::StringSet<> m_fresh_keys;
};

// The file system the scanner reads through: the disk, with the store's files (outside `own_roots`, stamp unchanged)
// given as their directive lines, and the stamp of every file read from disk remembered for the store. One per
// worker thread.
class StoreFileSystem : public llvm::vfs::ProxyFileSystem {
public:
  StoreFileSystem(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> disk, const DirectiveStore* store,
                  std::vector<std::string> own_roots);

  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>> openFileForRead(const llvm::Twine& path) override;
  std::error_code setCurrentWorkingDirectory(const llvm::Twine& path) override;

  // The stamp of a file read from disk (by its store_key), as it was opened.
  std::optional<FileStamp> stamp_read(llvm::StringRef key) const;
  bool own(llvm::StringRef key) const;

private:
  // The store's entry for `key` when it is to be served (`st`: the file's status).
  const DirectiveStore::Entry* served(const std::string& key, struct stat& st) const;
  const DirectiveStore* m_store;
  std::vector<std::string> m_own_roots; // each with a trailing '/'
  std::string m_cwd;
  llvm::StringMap<FileStamp> m_read;
};

} // namespace srcver::frontend
