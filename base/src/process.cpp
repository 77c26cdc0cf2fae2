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

llvm::Expected<ProcessResult> run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                          const std::string& cwd, std::chrono::milliseconds timeout) {
  if (argv.empty()) return make_error(ErrorCategory::input, "empty command");
  const std::string program = find_program(argv[0], env_value(env, "PATH"));
  if (program.empty()) return make_error(ErrorCategory::input, "'" + argv[0] + "' not found in PATH");

  std::vector<char*> c_argv;
  for (const auto& a : argv)
    c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const auto& e : env)
    c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return make_error(ErrorCategory::io, std::string("pipe: ") + std::strerror(errno));
  }
  // The cleanup signals are held until the child is registered, so that none can leave it running.
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
  if (pid == 0) {
    setpgid(0, 0);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(program.c_str(), c_argv.data(), c_env.data());
    _exit(127);
  }
  setpgid(pid, pid); // also here: whichever runs first
  const int slot = register_child(pid);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  close(out_pipe[1]);
  close(err_pipe[1]);

  ProcessResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buffer[65536];
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
  for (auto& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  unregister_child(slot);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (result.exit_status == 126 && result.out.empty() && result.err.empty()) {
    return make_error(ErrorCategory::io, "cannot enter the directory (missing, not a directory, or not permitted)",
                      cwd);
  }
  return result;
}

} // namespace srcver::base
