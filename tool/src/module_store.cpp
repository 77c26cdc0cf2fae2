// The module store: entries written whole under a lock, checked before use, evicted least recently used first.

#include "module_store.hpp"

#include <srcver/base/cache_file.hpp>
#include <srcver/base/error.hpp>

#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace srcver::tool {
namespace {

constexpr const char* k_mark = ".srcversion-predict-store";
constexpr const char* k_tmp_prefix = ".tmp.";

// An flock on <dir>/.lock for as long as it lives, taken by whoever writes or removes. Readers take none: an entry
// appears by a rename, whole, and a reader checks the bytes it read.
class StoreLock {
public:
  explicit StoreLock(const std::string& dir) {
    m_fd = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) m_fd = ::open((dir + "/.lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd >= 0) {
      while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock() {
    if (m_fd >= 0) ::close(m_fd);
  }

private:
  int m_fd = -1;
};

std::uint64_t entry_bytes(const fs::path& entry) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const char* f : {"record", "module.ko"}) {
    const auto size = fs::file_size(entry / f, ec);
    if (!ec) total += size;
  }
  return total;
}

std::int64_t last_used_ns(const fs::path& entry) {
  struct stat st {};
  if (::stat((entry / "record").c_str(), &st) != 0) return 0;
  return base::FileStamp::of(st).mtime_ns;
}

llvm::Error copy_file(const std::string& from, const std::string& to) {
  auto buffer = llvm::MemoryBuffer::getFile(from, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return make_error(ErrorCategory::io, "cannot read: " + buffer.getError().message(), from);
  std::error_code ec;
  fs::remove(to, ec);
  const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCategory::io, std::string("cannot write: ") + std::strerror(errno), to);
  llvm::StringRef data = (*buffer)->getBuffer();
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return make_error(ErrorCategory::io, std::string("cannot write: ") + std::strerror(errno), to);
    }
    data = data.drop_front(static_cast<std::size_t>(n));
  }
  ::fsync(fd);
  ::close(fd);
  return llvm::Error::success();
}

} // namespace

ModuleStore::ModuleStore(std::string dir, std::uint64_t max_bytes) : m_dir(std::move(dir)), m_max_bytes(max_bytes) {}

llvm::Error ModuleStore::ensure_dir() const {
  std::error_code ec;
  if (fs::exists(fs::path(m_dir) / k_mark, ec)) return llvm::Error::success();
  if (fs::exists(m_dir, ec) && !fs::is_empty(m_dir, ec)) {
    return make_error(ErrorCategory::input,
                      "is not a module store of srcversion-predict (it has files and no " + std::string(k_mark) +
                          "): give an empty or a new directory",
                      m_dir);
  }
  fs::create_directories(m_dir, ec);
  if (ec) return make_error(ErrorCategory::io, "cannot create the module store: " + ec.message(), m_dir);
  base::write_atomically(fs::path(m_dir) / k_mark, "a module store of srcversion-predict\n");
  if (!fs::exists(fs::path(m_dir) / k_mark, ec)) {
    return make_error(ErrorCategory::io, "cannot write in the module store", m_dir);
  }
  return llvm::Error::success();
}

llvm::Error ModuleStore::put(const BuildRecord& record, const std::string& binary_path) {
  if (auto err = ensure_dir()) return err;
  StoreLock lock(m_dir);
  std::error_code ec;
  // Under the exclusive lock no other writer is running: a temporary directory is what a killed writer left.
  for (const auto& entry : fs::directory_iterator(m_dir, ec)) {
    if (entry.path().filename().string().rfind(k_tmp_prefix, 0) == 0) fs::remove_all(entry.path(), ec);
  }
  std::string tmp = m_dir + "/" + k_tmp_prefix + "XXXXXX";
  if (::mkdtemp(tmp.data()) == nullptr) {
    return make_error(ErrorCategory::io, std::string("cannot write in the module store: ") + std::strerror(errno),
                      m_dir);
  }
  if (auto err = copy_file(binary_path, tmp + "/module.ko")) {
    fs::remove_all(tmp, ec);
    return err;
  }
  base::write_checked(tmp + "/record", record.text());
  const std::string name = fs::path(record.inputs.module).filename().string();
  const fs::path final_dir = fs::path(m_dir) / name / record.inputs.key();
  fs::create_directories(final_dir.parent_path(), ec);
  fs::remove_all(final_dir, ec); // an older entry of the same inputs: the newer build wins
  fs::rename(tmp, final_dir, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return make_error(ErrorCategory::io, "cannot write in the module store: " + ec.message(), final_dir.string());
  }
  evict();
  return llvm::Error::success();
}

std::optional<ModuleStore::Entry> ModuleStore::load(const std::string& entry_dir, std::string* dropped) {
  auto drop = [&](const std::string& why) -> std::optional<Entry> {
    base::report_damaged(entry_dir, why);
    if (dropped) *dropped = entry_dir + ": " + why;
    remove_entry(entry_dir);
    return std::nullopt;
  };
  const base::CheckedRead read = base::read_checked(entry_dir + "/record");
  if (read.state == base::CheckedRead::State::missing) return std::nullopt;
  if (read.state == base::CheckedRead::State::damaged) return drop("its record is damaged");
  auto record = BuildRecord::parse(read.content);
  if (!record) {
    llvm::consumeError(record.takeError());
    return drop("its record cannot be read");
  }
  const std::string binary = entry_dir + "/module.ko";
  auto bytes = llvm::MemoryBuffer::getFile(binary, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!bytes) return drop("its module file is missing");
  if ((*bytes)->getBufferSize() != record->binary_size ||
      base::sha256_hex((*bytes)->getBuffer().str()) != record->binary_sha256) {
    return drop("its module file no longer matches its record (size or SHA-256)");
  }
  ::utimensat(AT_FDCWD, (entry_dir + "/record").c_str(), nullptr, 0); // used now: evicted last
  return Entry{std::move(*record), (*bytes)->getBuffer().str()};
}

void ModuleStore::remove_entry(const std::string& entry_dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(m_dir) / k_mark, ec)) return;
  StoreLock lock(m_dir);
  fs::remove_all(entry_dir, ec);
}

std::optional<ModuleStore::Entry> ModuleStore::find(const std::string& name, const std::string& key,
                                                    std::string* dropped) {
  std::error_code ec;
  if (!fs::exists(fs::path(m_dir) / k_mark, ec)) return std::nullopt;
  return load((fs::path(m_dir) / name / key).string(), dropped);
}

std::optional<ModuleStore::Entry> ModuleStore::find_binary(const std::string& name, const std::string& sha256,
                                                           std::string* dropped) {
  std::error_code ec;
  if (!fs::exists(fs::path(m_dir) / k_mark, ec)) return std::nullopt;
  std::vector<std::string> candidates;
  for (const auto& entry : fs::directory_iterator(fs::path(m_dir) / name, ec)) {
    const base::CheckedRead read = base::read_checked(entry.path() / "record");
    if (read.state == base::CheckedRead::State::ok &&
        read.content.find("\nbinary " + sha256 + " ") != std::string::npos)
      candidates.push_back(entry.path().string());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& c : candidates) {
    if (auto entry = load(c, dropped)) return entry;
  }
  return std::nullopt;
}

std::vector<BuildRecord> ModuleStore::records_of(const std::string& name) const {
  std::vector<std::pair<std::int64_t, BuildRecord>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(m_dir) / name, ec)) {
    const base::CheckedRead read = base::read_checked(entry.path() / "record");
    if (read.state != base::CheckedRead::State::ok) continue;
    auto record = BuildRecord::parse(read.content);
    if (record)
      found.emplace_back(last_used_ns(entry.path()), std::move(*record));
    else
      llvm::consumeError(record.takeError());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<BuildRecord> records;
  for (auto& f : found)
    records.push_back(std::move(f.second));
  return records;
}

std::optional<ModuleStore::Entry> ModuleStore::built_for(const std::string& release) {
  std::error_code ec;
  for (const auto& module : fs::directory_iterator(m_dir, ec)) {
    if (!module.is_directory(ec) || module.path().filename().string()[0] == '.') continue;
    for (const auto& entry : fs::directory_iterator(module.path(), ec)) {
      const base::CheckedRead read = base::read_checked(entry.path() / "record");
      if (read.state != base::CheckedRead::State::ok) continue;
      auto record = BuildRecord::parse(read.content);
      if (!record) {
        llvm::consumeError(record.takeError());
        continue;
      }
      if (record->vermagic.substr(0, record->vermagic.find(' ')) != release) continue;
      if (auto found = load(entry.path().string(), nullptr)) return found;
    }
  }
  return std::nullopt;
}

ModuleStore::Stats ModuleStore::stats() const {
  Stats stats;
  std::error_code ec;
  for (const auto& module : fs::directory_iterator(m_dir, ec)) {
    if (!module.is_directory(ec) || module.path().filename().string()[0] == '.') continue;
    std::uint64_t entries = 0;
    for (const auto& entry : fs::directory_iterator(module.path(), ec)) {
      ++entries;
      stats.bytes += entry_bytes(entry.path());
    }
    stats.entries += entries;
    if (entries > 0) ++stats.modules;
  }
  return stats;
}

void ModuleStore::evict() {
  std::vector<std::pair<std::int64_t, fs::path>> entries;
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& module : fs::directory_iterator(m_dir, ec)) {
    if (!module.is_directory(ec) || module.path().filename().string()[0] == '.') continue;
    for (const auto& entry : fs::directory_iterator(module.path(), ec)) {
      total += entry_bytes(entry.path());
      entries.emplace_back(last_used_ns(entry.path()), entry.path());
    }
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [used, path] : entries) {
    if (total <= m_max_bytes) break;
    total -= std::min(total, entry_bytes(path));
    fs::remove_all(path, ec);
  }
}

} // namespace srcver::tool
