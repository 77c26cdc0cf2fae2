#include <srcver/base/error.hpp>
#include <srcver/base/process.hpp>
#include <srcver/base/scratch.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace srcver::base {

std::string find_program(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return name;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string candidate = (end > start ? path.substr(start, end - start) : std::string(".")) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e)
    env.emplace_back(*e);
  return env;
}

std::string env_value(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& e : env) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=') {
      return e.substr(name.size() + 1);
    }
  }
  return {};
}

bool is_make_state(const std::string& entry) {
  for (const char* prefix : {"MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=", "MAKE_TERM", "MAKEOVERRIDES="}) {
    if (entry.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> split_nul(const std::string& data) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\0', start);
    if (end == std::string::npos) end = data.size();
    out.push_back(data.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

llvm::Error timed_out_error(const std::string& what, std::chrono::milliseconds timeout, const std::string& path) {
  const auto seconds = std::chrono::duration_cast<std::chrono::duration<double>>(timeout).count();
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return make_error(ErrorCategory::cannot_predict,
                    what + " did not finish within " + text + " s (killed; --make-timeout sets the limit)", path);
}

namespace {

// Strings as the NULL-terminated array execve takes (pointing into `strings`, which must outlive it).
std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// A started program: its pid (also its process group) and its slot in the signal cleanup's table.
struct Child {
  pid_t pid;
  int slot;
};

// The child's side of fork: its own process group, the caller's signal mask, stdin from /dev/null, stdout and stderr
// to the pipes, `cwd`, then the program. Async-signal-safe calls only. Exits 126 when `cwd` cannot be entered, 127
// when the program cannot be run.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* env, const char* cwd, int out_fd,
                             int err_fd, const sigset_t& previous) {
  setpgid(0, 0);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  const int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (chdir(cwd) != 0) _exit(126);
  execve(program, argv, env);
  _exit(127);
}

// Forks and runs the program in a process group of its own, registered for the signal cleanup. The cleanup signals
// are held until the child is registered, so that none can leave it running.
llvm::Expected<Child> start_child(const std::string& program, const std::vector<char*>& argv,
                                  const std::vector<char*>& env, const std::string& cwd, int out_fd, int err_fd) {
  sigset_t held, previous;
  sigemptyset(&held);
  for (int s : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&held, s);
  pthread_sigmask(SIG_BLOCK, &held, &previous);
  const pid_t pid = fork();
  if (pid < 0) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return make_error(ErrorCategory::io, std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) exec_child(program.c_str(), argv.data(), env.data(), cwd.c_str(), out_fd, err_fd, previous);
  setpgid(pid, pid); // also here: whichever runs first
  const int slot = register_child(pid);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return Child{pid, slot};
}

// Reads what is ready on `fds` into `sinks`; closes (and counts down in `open_fds`) each that reached its end.
void read_ready(pollfd (&fds)[2], std::string* const (&sinks)[2], int& open_fds) {
  char buffer[65536];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
    if (n > 0) {
      sinks[i]->append(buffer, static_cast<std::size_t>(n));
    } else {
      close(fds[i].fd);
      fds[i].fd = -1;
      --open_fds;
    }
  }
}

// Reads the child's stdout and stderr (the pipes' read ends, closed here) until both close. With a `timeout`, the
// child's process group is killed when it passes (`timed_out`), and what it wrote is read for 2 s more.
void collect_output(pid_t pid, int out_fd, int err_fd, std::chrono::milliseconds timeout, ProcessResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* const sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  using Clock = std::chrono::steady_clock;
  auto deadline = timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point::max();
  while (open_fds > 0) {
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
    }
    const int ready = poll(fds, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready == 0 && Clock::now() >= deadline) {
      if (result.timed_out) break; // killed, and its output still not closed after the grace: a process escaped
      kill(-pid, SIGKILL);
      result.timed_out = true;
      deadline = Clock::now() + std::chrono::seconds(2); // time to read what the killed group wrote
      continue;
    }
    read_ready(fds, sinks, open_fds);
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
}

} // namespace

llvm::Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                          const std::string& cwd, std::chrono::milliseconds timeout) {
  if (argv.empty()) return make_error(ErrorCategory::input, "empty command");
  const std::string program = find_program(argv[0], env_value(env, "PATH"));
  if (program.empty()) return make_error(ErrorCategory::input, "'" + argv[0] + "' not found in PATH");
  const std::vector<char*> c_argv = c_strings(argv);
  const std::vector<char*> c_env = c_strings(env);

  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return make_error(ErrorCategory::io, std::string("pipe: ") + std::strerror(errno));
  }
  auto child = start_child(program, c_argv, c_env, cwd, out_pipe[1], err_pipe[1]);
  if (!child) return child.takeError();
  close(out_pipe[1]);
  close(err_pipe[1]);

  ProcessResult result;
  collect_output(child->pid, out_pipe[0], err_pipe[0], timeout, result);
  int status = 0;
  while (waitpid(child->pid, &status, 0) < 0 && errno == EINTR) {
  }
  unregister_child(child->slot);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (result.exit_status == 126 && result.out.empty() && result.err.empty()) {
    return make_error(ErrorCategory::io, "cannot enter the directory (missing, not a directory, or not permitted)",
                      cwd);
  }
  return result;
}

} // namespace srcver::base
