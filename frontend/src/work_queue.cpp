#include "work_queue.hpp"

#include <llvm/Support/FileSystem.h>

#include <algorithm>
#include <cstdint>
#include <thread>

namespace srcver::frontend {

void run_on_threads(std::size_t threads, const std::function<void()>& work) {
  if (threads <= 1) {
    work();
    return;
  }
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back(work);
  for (auto& t : pool)
    t.join();
}

std::vector<std::size_t> largest_first(const std::vector<ScanJob>& jobs) {
  std::vector<std::pair<std::uint64_t, std::size_t>> order;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& source = jobs[i].command.source;
    std::uint64_t size = 0;
    llvm::sys::fs::file_size(source[0] == '/' ? source : jobs[i].cwd + "/" + source, size);
    order.emplace_back(size, i);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::size_t> indices;
  for (const auto& [size, i] : order)
    indices.push_back(i);
  return indices;
}

} // namespace srcver::frontend
