#include <srcver/base/cache_file.hpp>
#include <srcver/frontend/directive_store.hpp>

#include <llvm/ADT/StringSet.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/Support/Chrono.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sys/stat.h>

namespace srcver::frontend {

namespace dds = clang::dependency_directives_scan;

namespace {

// Changes with the format and with Clang (token kinds are Clang's enumeration).
// Format 3: the index's checksum after the magic, each entry's data checksum in its index record.
constexpr llvm::StringLiteral k_magic = "srcversion-predict directive store 3, LLVM " LLVM_VERSION_STRING "\n";
constexpr std::size_t k_index_at = k_magic.size() + 8; // after the index checksum: the count, then the records

void put32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

// Reads the serialised fields in order; any read past the end fails the whole store.
struct Reader {
  llvm::StringRef data;
  std::size_t at = 0;
  bool ok = true;
  bool take(void* out, std::size_t n) {
    if (!ok || data.size() - at < n) return ok = false;
    std::memcpy(out, data.data() + at, n);
    at += n;
    return true;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    take(&v, sizeof v);
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    take(&v, sizeof v);
    return v;
  }
  llvm::StringRef bytes(std::size_t n) {
    if (!ok || data.size() - at < n) {
      ok = false;
      return {};
    }
    const llvm::StringRef s = data.substr(at, n);
    at += n;
    return s;
  }
};

constexpr std::size_t k_token_bytes = 12;    // offset, length (u32), kind, flags (u16)
constexpr std::size_t k_directive_bytes = 8; // kind, token count (u32)

// An entry's directives follow its tokens.
std::size_t directives_at(const DirectiveStore::Entry& e) {
  return e.tokens_at + std::size_t(e.token_count) * k_token_bytes;
}

// Where an entry's data ends.
std::size_t data_end(const DirectiveStore::Entry& e) {
  return directives_at(e) + std::size_t(e.directive_count) * k_directive_bytes;
}

std::uint64_t checksum(llvm::StringRef bytes) { return llvm::xxh3_64bits(bytes); }

llvm::vfs::Status status_of(const llvm::Twine& name, const struct stat& st) {
  return llvm::vfs::Status(name, llvm::sys::fs::UniqueID(st.st_dev, st.st_ino),
                           llvm::sys::toTimePoint(st.st_mtim.tv_sec, static_cast<std::uint32_t>(st.st_mtim.tv_nsec)),
                           st.st_uid, st.st_gid, static_cast<std::uint64_t>(st.st_size),
                           llvm::sys::fs::file_type::regular_file,
                           static_cast<llvm::sys::fs::perms>(st.st_mode & llvm::sys::fs::all_perms));
}

// A store's file: its directive lines.
class StoredFile : public llvm::vfs::File {
public:
  StoredFile(llvm::vfs::Status status, llvm::StringRef text) : m_status(std::move(status)), m_text(text) {}
  llvm::ErrorOr<llvm::vfs::Status> status() override { return m_status; }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> getBuffer(const llvm::Twine& name, std::int64_t, bool,
                                                               bool) override {
    return llvm::MemoryBuffer::getMemBuffer(m_text, name.str(), /*RequiresNullTerminator=*/true);
  }
  std::error_code close() override { return {}; }

private:
  llvm::vfs::Status m_status;
  llvm::StringRef m_text;
};

// A file read from disk (as the physical file system reads it, without asking the kernel for its real path, which
// the scanner's cache does not use).
class DiskFile : public llvm::vfs::File {
public:
  DiskFile(int fd, llvm::vfs::Status status) : m_fd(fd), m_status(std::move(status)) {}
  ~DiskFile() override { close(); }
  llvm::ErrorOr<llvm::vfs::Status> status() override { return m_status; }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> getBuffer(const llvm::Twine& name, std::int64_t size,
                                                               bool null_terminated, bool is_volatile) override {
    return llvm::MemoryBuffer::getOpenFile(llvm::sys::fs::convertFDToNativeFile(m_fd), name, size, null_terminated,
                                           is_volatile);
  }
  std::error_code close() override {
    if (m_fd < 0) return {};
    const int fd = m_fd;
    m_fd = -1;
    return llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  }

private:
  int m_fd;
  llvm::vfs::Status m_status;
};

} // namespace

std::string store_key(llvm::StringRef cwd, llvm::StringRef name) {
  llvm::SmallString<256> path;
  if (!llvm::sys::path::is_absolute(name)) path = cwd;
  llvm::sys::path::append(path, name);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/false);
  return path.str().str();
}

DirectiveStore::DirectiveStore(std::string path, std::chrono::nanoseconds settle)
    : m_path(std::move(path)), m_settle(settle) {
  if (m_path.empty()) return;
  auto buffer = llvm::MemoryBuffer::getFile(m_path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return;
  if (!(*buffer)->getBuffer().starts_with(k_magic)) {
    base::report_damaged(m_path, "not a directive store of this format");
    return;
  }
  m_buffer = std::move(*buffer);
  // The index only (each file's data is checked when it is served: see intact()).
  Reader r{m_buffer->getBuffer(), k_magic.size()};
  const std::uint64_t index_hash = r.u64();
  const std::uint32_t count = r.u32();
  std::vector<Entry> entries;
  const auto damaged = [&] { base::report_damaged(m_path, "its index does not match its checksum"); };
  for (std::uint32_t i = 0; i < count && r.ok; ++i) {
    Entry e;
    e.key = r.bytes(r.u32());
    e.stamp.dev = r.u64();
    e.stamp.ino = r.u64();
    e.stamp.size = r.u64();
    e.stamp.mtime_ns = static_cast<std::int64_t>(r.u64());
    e.stamp.ctime_ns = static_cast<std::int64_t>(r.u64());
    e.has_error = (r.u32() & 1) != 0;
    const std::uint64_t text_size = r.u32();
    e.token_count = r.u32();
    e.directive_count = r.u32();
    const std::uint64_t at = r.u64();
    e.data_hash = r.u64();
    const std::uint64_t end =
        at + text_size + 1 + std::uint64_t(e.token_count) * k_token_bytes + e.directive_count * k_directive_bytes;
    if (!r.ok || end > r.data.size() || end < at) {
      damaged(); // an empty store
      return;
    }
    e.text = r.data.substr(at, text_size);
    e.tokens_at = at + text_size + 1;
    entries.push_back(e);
  }
  if (!r.ok || checksum(r.data.slice(k_index_at, r.at)) != index_hash) {
    damaged();
    return;
  }
  m_entries = std::move(entries);
  m_checked = std::make_unique<std::atomic<std::uint8_t>[]>(m_entries.size());
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    m_by_key[m_entries[i].key] = i;
    m_by_text[m_entries[i].text.data()] = i;
  }
}

bool DirectiveStore::intact(const Entry& e) const {
  std::atomic<std::uint8_t>& checked = m_checked[static_cast<std::size_t>(&e - m_entries.data())];
  if (const std::uint8_t known = checked.load(std::memory_order_relaxed); known != 0) return known == 1;
  const bool whole = whole_entry(e);
  checked.store(whole ? 1 : 2, std::memory_order_relaxed);
  if (!whole) base::report_damaged(m_path, "the entry of " + e.key.str() + " does not match its checksum");
  return whole;
}

bool DirectiveStore::whole_entry(const Entry& e) const {
  const std::size_t begin = static_cast<std::size_t>(e.text.data() - m_buffer->getBufferStart());
  if (checksum(m_buffer->getBuffer().slice(begin, data_end(e))) != e.data_hash) return false;
  if (e.text.data()[e.text.size()] != '\0') return false;
  Reader d{m_buffer->getBuffer(), directives_at(e)};
  std::uint64_t tokens = 0;
  for (std::uint32_t i = 0; i < e.directive_count; ++i) {
    d.u32();
    tokens += d.u32();
  }
  if (tokens != e.token_count) return false;
  Reader t{m_buffer->getBuffer(), e.tokens_at};
  for (std::uint32_t i = 0; i < e.token_count; ++i) {
    const std::uint64_t offset = t.u32();
    const std::uint64_t length = t.u32();
    t.u32();
    if (offset + length > e.text.size()) return false;
  }
  return d.ok && t.ok;
}

const DirectiveStore::Entry* DirectiveStore::find(llvm::StringRef key) const {
  const auto it = m_by_key.find(key);
  return it == m_by_key.end() ? nullptr : &m_entries[it->second];
}

const DirectiveStore::Entry* DirectiveStore::by_text(const char* text) const {
  const auto it = m_by_text.find(text);
  return it == m_by_text.end() ? nullptr : &m_entries[it->second];
}

void DirectiveStore::directives(const Entry& entry, std::vector<dds::Token>& tokens,
                                std::vector<dds::Directive>& out) const {
  tokens.clear();
  out.clear();
  tokens.reserve(entry.token_count);
  Reader t{m_buffer->getBuffer(), entry.tokens_at};
  for (std::uint32_t i = 0; i < entry.token_count; ++i) {
    const std::uint32_t offset = t.u32();
    const std::uint32_t length = t.u32();
    const std::uint32_t kind_flags = t.u32();
    tokens.emplace_back(offset, length, static_cast<clang::tok::TokenKind>(kind_flags & 0xffff),
                        static_cast<unsigned short>(kind_flags >> 16));
  }
  Reader d{m_buffer->getBuffer(), directives_at(entry)};
  std::size_t next = 0;
  for (std::uint32_t i = 0; i < entry.directive_count; ++i) {
    const auto kind = static_cast<dds::DirectiveKind>(d.u32());
    const std::uint32_t count = d.u32();
    out.emplace_back(kind, llvm::ArrayRef(tokens).slice(next, count));
    next += count;
  }
}

bool DirectiveStore::add(const std::string& key, const FileStamp& stamp, llvm::StringRef text,
                         llvm::ArrayRef<dds::Directive> directives, bool has_error) {
  if (m_path.empty()) return false; // never saved
  if (stamp.young(base::now_ns(), m_settle)) return false;
  // The directive lines, each where it was: from the start of its line (or the end of the previous directive on
  // that line) to the end of its last token, the lines between them left empty.
  std::string lines;
  std::string tokens;
  std::string kinds;
  std::uint32_t token_count = 0;
  std::size_t done = 0; // in `text`: copied or replaced up to here
  for (const auto& d : directives) {
    put32(kinds, d.Kind);
    put32(kinds, static_cast<std::uint32_t>(d.Tokens.size()));
    if (d.Tokens.empty()) continue;
    const std::size_t first = d.Tokens.front().Offset;
    const std::size_t end = d.Tokens.back().getEnd();
    if (first < done || end > text.size()) return false;
    std::size_t start = first;
    while (start > done && text[start - 1] != '\n')
      --start;
    lines.append(static_cast<std::size_t>(std::count(text.begin() + done, text.begin() + start, '\n')), '\n');
    const std::size_t base = lines.size();
    lines.append(text.data() + start, end - start);
    for (const auto& t : d.Tokens) {
      if (t.Offset < start || t.getEnd() > end) return false;
      put32(tokens, static_cast<std::uint32_t>(base + (t.Offset - start)));
      put32(tokens, t.Length);
      put32(tokens, static_cast<std::uint32_t>(t.Kind) | (static_cast<std::uint32_t>(t.Flags) << 16));
      ++token_count;
    }
    done = end;
  }
  Fresh fresh;
  fresh.key = key;
  fresh.stamp = stamp;
  fresh.has_error = has_error;
  fresh.text_size = static_cast<std::uint32_t>(lines.size());
  fresh.token_count = token_count;
  fresh.directive_count = static_cast<std::uint32_t>(directives.size());
  fresh.data = std::move(lines);
  fresh.data += '\0';
  fresh.data += tokens;
  fresh.data += kinds;
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_fresh_keys.insert(key).second) return true;
  m_fresh.push_back(std::move(fresh));
  return true;
}

std::size_t DirectiveStore::added() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_fresh.size();
}

void DirectiveStore::save() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_path.empty() || m_fresh.empty()) return;
  // The entries read, but those stored again, then the new ones: the index, then each one's data.
  struct Item {
    llvm::StringRef key;
    FileStamp stamp;
    bool has_error;
    std::uint32_t text_size, token_count, directive_count;
    llvm::StringRef data;
    std::uint64_t data_hash;
  };
  std::vector<Item> items;
  for (const auto& [key, i] : m_by_key) {
    // Stored again, or found damaged in this run: left out.
    if (m_fresh_keys.contains(key) || m_checked[i].load(std::memory_order_relaxed) == 2) continue;
    const Entry& e = m_entries[i];
    items.push_back(
        {key, e.stamp, e.has_error, static_cast<std::uint32_t>(e.text.size()), e.token_count, e.directive_count,
         m_buffer->getBuffer().slice(e.text.data() - m_buffer->getBufferStart(), data_end(e)), e.data_hash});
  }
  for (const Fresh& f : m_fresh) {
    items.push_back(
        {f.key, f.stamp, f.has_error, f.text_size, f.token_count, f.directive_count, f.data, checksum(f.data)});
  }
  std::size_t index_size = k_index_at + 4;
  for (const Item& item : items)
    index_size += 4 + item.key.size() + 5 * 8 + 4 * 4 + 8 + 8;
  std::string out(k_magic);
  put64(out, 0); // the index checksum, set below
  put32(out, static_cast<std::uint32_t>(items.size()));
  std::uint64_t at = index_size;
  for (const Item& item : items) {
    put32(out, static_cast<std::uint32_t>(item.key.size()));
    out += item.key;
    for (std::uint64_t v :
         {item.stamp.dev, item.stamp.ino, item.stamp.size, static_cast<std::uint64_t>(item.stamp.mtime_ns),
          static_cast<std::uint64_t>(item.stamp.ctime_ns)})
      put64(out, v);
    put32(out, item.has_error ? 1 : 0);
    put32(out, item.text_size);
    put32(out, item.token_count);
    put32(out, item.directive_count);
    put64(out, at);
    put64(out, item.data_hash);
    at += item.data.size();
  }
  const std::uint64_t index_hash = checksum(llvm::StringRef(out).substr(k_index_at));
  std::memcpy(out.data() + k_magic.size(), &index_hash, sizeof index_hash);
  for (const Item& item : items)
    out += item.data;
  base::write_atomically(m_path, out);
}

StoreFileSystem::StoreFileSystem(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> disk, const DirectiveStore* store,
                                 std::vector<std::string> own_roots)
    : ProxyFileSystem(std::move(disk)), m_store(store), m_own_roots(std::move(own_roots)) {
  for (auto& r : m_own_roots) {
    if (r.empty() || r.back() != '/') r += '/';
  }
  if (auto cwd = getUnderlyingFS().getCurrentWorkingDirectory()) m_cwd = *cwd;
}

bool StoreFileSystem::own(llvm::StringRef key) const {
  for (const auto& r : m_own_roots) {
    if (key.starts_with(r)) return true;
  }
  return false;
}

const DirectiveStore::Entry* StoreFileSystem::served(const std::string& key, struct stat& st) const {
  if (!m_store || own(key)) return nullptr;
  const DirectiveStore::Entry* entry = m_store->find(key);
  if (!entry) return nullptr;
  if (::stat(key.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !(FileStamp::of(st) == entry->stamp)) return nullptr;
  return m_store->intact(*entry) ? entry : nullptr;
}

llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>> StoreFileSystem::openFileForRead(const llvm::Twine& path) {
  const std::string name = path.str();
  const std::string key = store_key(m_cwd, name);
  struct stat st {};
  if (const DirectiveStore::Entry* entry = served(key, st)) {
    return std::make_unique<StoredFile>(status_of(name, st), entry->text);
  }
  int fd = -1;
  if (auto ec = llvm::sys::fs::openFileForRead(key, fd, llvm::sys::fs::OF_None)) return ec;
  if (::fstat(fd, &st) != 0) {
    const std::error_code ec(errno, std::generic_category());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    return ec;
  }
  m_read[key] = FileStamp::of(st);
  return std::make_unique<DiskFile>(fd, status_of(name, st));
}

std::error_code StoreFileSystem::setCurrentWorkingDirectory(const llvm::Twine& path) {
  if (auto ec = ProxyFileSystem::setCurrentWorkingDirectory(path)) return ec;
  if (auto cwd = getUnderlyingFS().getCurrentWorkingDirectory()) m_cwd = *cwd;
  return {};
}

std::optional<FileStamp> StoreFileSystem::stamp_read(llvm::StringRef key) const {
  const auto it = m_read.find(key);
  if (it == m_read.end()) return std::nullopt;
  return it->second;
}

} // namespace srcver::frontend
