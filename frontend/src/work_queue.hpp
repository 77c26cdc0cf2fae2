#pragma once
// The front end's scheduling: a queue of indices that threads take work from, the pool that runs them, and the order
// the scanner hands its translation units out in.

#include <srcver/frontend/scanner.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace srcver::frontend {

// Hands out the indices 0 .. size-1, each once and in order, to whichever thread asks (thread-safe).
class WorkQueue {
public:
  explicit WorkQueue(std::size_t size) : m_size(size) {}

  // The next index, or none when every one has been handed out.
  std::optional<std::size_t> next() {
    const std::size_t n = m_next++;
    if (n >= m_size) return std::nullopt;
    return n;
  }

private:
  std::size_t m_size;
  std::atomic<std::size_t> m_next{0};
};

// Runs `work` on `threads` threads at once and waits for them all; on the calling thread alone when `threads` is 0 or
// 1. Each call of `work` is expected to take its items from a WorkQueue it shares with the others.
void run_on_threads(std::size_t threads, const std::function<void()>& work);

// The jobs' indices, larger sources first (a rough measure of a unit's cost), so that no long unit starts last on its
// own; jobs of equal size keep their order (a source that cannot be measured counts as empty).
std::vector<std::size_t> largest_first(const std::vector<ScanJob>& jobs);

} // namespace srcver::frontend
