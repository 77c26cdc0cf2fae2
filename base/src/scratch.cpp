#include <srcver/base/error.hpp>
#include <srcver/base/scratch.hpp>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace srcver::base {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_prefix = "srcversion-predict-";
constexpr const char* k_owner = ".srcversion-predict-owner";
constexpr int k_slots = 64;
constexpr std::size_t k_path_max = 4096;

// The signal handler's tables: fixed arrays, so that the handler reads them without allocating or locking.
struct DirSlot {
  std::atomic<int> state{0}; // 0 free, 1 being written, 2 registered
  char path[k_path_max] = {};
};
DirSlot g_dirs[k_slots];
std::atomic<pid_t> g_children[k_slots];

int register_dir(const std::string& path) {
  if (path.size() >= k_path_max) return -1;
  for (int i = 0; i < k_slots; ++i) {
    int expected = 0;
    if (!g_dirs[i].state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_dirs[i].path, path.c_str(), path.size() + 1);
    g_dirs[i].state.store(2);
    return i;
  }
  return -1;
}

void unregister_dir(int slot) {
  if (slot >= 0) g_dirs[slot].state.store(0);
}

// Removes `name` (relative to `dir_fd`) and, for a directory, everything in it, with async-signal-safe calls only
// (no allocation: getdents64 into a buffer on the stack). Symbolic links are removed, never followed.
void remove_tree_at(int dir_fd, const char* name, int depth) {
  if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT) return;
  if (depth > 0) {
    const int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      alignas(8) char buffer[2048];
      for (;;) {
        const long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (n <= 0) break;
        for (long at = 0; at < n;) {
          // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
          unsigned short reclen = 0;
          std::memcpy(&reclen, buffer + at + 16, sizeof reclen);
          const char* entry = buffer + at + 19;
          at += reclen;
          if (reclen == 0) break;
          if (std::strcmp(entry, ".") == 0 || std::strcmp(entry, "..") == 0) continue;
          remove_tree_at(fd, entry, depth - 1);
        }
      }
      close(fd);
    }
  }
  unlinkat(dir_fd, name, AT_REMOVEDIR);
}

void on_signal(int signal_number) {
  const int saved_errno = errno;
  for (auto& child : g_children) {
    const pid_t pgid = child.load();
    if (pgid > 0) kill(-pgid, SIGKILL);
  }
  for (auto& dir : g_dirs) {
    if (dir.state.load() == 2) remove_tree_at(AT_FDCWD, dir.path, 64);
  }
  errno = saved_errno;
  // The handler was installed with SA_RESETHAND: the signal, pending until the handler returns, ends the process
  // as it would have without the tool's handler.
  raise(signal_number);
}

// Removes the directories of `parent` that a process of this user created with ScratchDir and that no living
// process owns any more (killed outright before it could clean up). A directory without the owner file, or whose
// owner file's lock is held, is left alone.
void sweep(const std::string& parent) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(k_prefix, 0) != 0) continue;
    struct stat st {};
    if (lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) continue;
    const int fd = open((it->path() / k_owner).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat owner {};
    if (fstat(fd, &owner) == 0 && S_ISREG(owner.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::error_code remove_error;
      fs::remove_all(it->path(), remove_error);
    }
    close(fd);
  }
}

void sweep_once(const std::string& parent) {
  static std::mutex mutex;
  static std::set<std::string> swept;
  std::lock_guard<std::mutex> lock(mutex);
  if (swept.insert(parent).second) sweep(parent);
}

} // namespace

std::string temp_root() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? std::string(tmp) : std::string("/tmp");
}

llvm::Expected<ScratchDir> ScratchDir::create(const std::string& what, const std::string& parent_arg) {
  const std::string parent = parent_arg.empty() ? temp_root() : parent_arg;
  sweep_once(parent);
  std::string path = parent + "/" + k_prefix + what + ".XXXXXX";
  if (mkdtemp(path.data()) == nullptr) {
    return make_error(ErrorCategory::io, std::string("cannot create a temporary directory: ") + std::strerror(errno),
                      parent);
  }
  // The owner file appears under its name only once locked, so that a sweep never takes a directory being made.
  const std::string pending = path + "/" + k_owner + ".new";
  const int fd = open(pending.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || flock(fd, LOCK_EX) != 0 || rename(pending.c_str(), (path + "/" + k_owner).c_str()) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    std::error_code ec;
    fs::remove_all(path, ec);
    return make_error(ErrorCategory::io, "cannot lock a temporary directory: " + why, path);
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (write(fd, pid.data(), pid.size()) < 0) {
    // Informational only: the lock is what counts.
  }
  return ScratchDir(path, fd, register_dir(path));
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept
    : m_path(std::move(other.m_path)), m_lock_fd(other.m_lock_fd), m_slot(other.m_slot) {
  other.m_path.clear();
  other.m_lock_fd = -1;
  other.m_slot = -1;
}

ScratchDir::~ScratchDir() {
  if (m_lock_fd < 0) return; // moved from, or kept
  std::error_code ec;
  fs::remove_all(m_path, ec);
  unregister_dir(m_slot);
  close(m_lock_fd);
}

void ScratchDir::keep() {
  if (m_lock_fd < 0) return;
  unlink((m_path / k_owner).c_str());
  unregister_dir(m_slot);
  close(m_lock_fd);
  m_lock_fd = -1;
  m_slot = -1;
}

void install_signal_cleanup() {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue; // nohup
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
}

int register_child(pid_t pgid) {
  for (int i = 0; i < k_slots; ++i) {
    pid_t expected = 0;
    if (g_children[i].compare_exchange_strong(expected, pgid)) return i;
  }
  return -1;
}

void unregister_child(int slot) {
  if (slot >= 0) g_children[slot].store(0);
}

} // namespace srcver::base
