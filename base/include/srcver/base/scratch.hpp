#pragma once
// What the tool leaves behind on every exit: nothing. Its temporary directories (a module's scratch copy, the kernel
// probe, a DKMS package's copy, verify's build) and the programs it runs (make, the DKMS MAKE line) are registered
// here, so that SIGINT, SIGTERM and SIGHUP stop those programs and remove those directories before the tool dies of
// the signal, and so that a directory left by a process killed outright (SIGKILL, a power loss) is removed by the
// next run. The tool deletes only what it created: a directory is swept only when it holds the owner file the tool
// put there and no living process holds that file's lock.

#include <llvm/Support/Error.h>

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace srcver::base {

// Where temporary directories go: $TMPDIR when it is set and not empty, else /tmp.
std::string temp_root();

// A directory the tool creates for its own work and removes when done.
class ScratchDir {
public:
  // Creates `<parent>/srcversion-predict-<what>.XXXXXX` ("" = temp_root()), with an owner file whose lock this
  // process holds until the directory is removed or kept. Sweeps, once per parent and process, the directories of
  // that form whose owner is gone.
  static llvm::Expected<ScratchDir> create(const std::string& what, const std::string& parent = {});
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&& other) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  // Removes the directory and everything in it, unless kept.
  ~ScratchDir();

  const std::filesystem::path& path() const { return m_path; }
  // Leaves the directory for the user (verify --keep, a failed build): no longer removed, on exit or by a sweep.
  void keep();

private:
  ScratchDir(std::filesystem::path path, int lock_fd, int slot)
      : m_path(std::move(path)), m_lock_fd(lock_fd), m_slot(slot) {}
  std::filesystem::path m_path;
  int m_lock_fd = -1;
  int m_slot = -1; // in the signal handler's table, -1 when not registered
};

// Installs the handlers of SIGINT, SIGTERM and SIGHUP: they kill the registered children's process groups, remove the
// registered directories (with async-signal-safe calls only), then let the signal end the process as it would have.
// Called once by the CLI at start.
void install_signal_cleanup();

// A child process group the signal handler must stop (run_process registers each program it starts, in a process
// group of its own). Returns a slot for unregister_child; -1 when the table is full (the child is then only waited
// for).
int register_child(pid_t pgid);
void unregister_child(int slot);

} // namespace srcver::base
