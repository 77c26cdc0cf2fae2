#pragma once
// The prediction cache: a module directory predicted before for the same kernel, options, environment and binary, whose
// every input is unchanged, gets the stored answer without planning or scanning (DKMS asking again at the next boot).
// "Every input": each file and directory under the module directory (a new file may change the plan or shadow a
// header), each object's source and dependency with its directory, each include directory and -include file of the
// commands, the compiler, the kernel's fixdep; each compared by device, inode, size, mtime and ctime (ns). A change
// anywhere is a miss, never a stale answer; an entry is not written while an input is younger than 2 s (a change within
// the clock's resolution could otherwise go unseen).

#include "predict.hpp"

#include <srcver/kbuild_shim/kernel.hpp>

#include <optional>
#include <string>
#include <vector>

namespace srcver::tool {

class PredictionCache {
public:
  // The entry for this question; `module_dir` absolute, `profile_key` the kernel's profile key
  // (kbuild_shim::kernel_profile_key for this environment).
  PredictionCache(const std::string& cache_dir, const std::string& module_dir, const kbuild_shim::KernelBuild& kernel,
                  const std::string& profile_key, const PredictOptions& options);

  // The stored prediction, when there is one and none of its inputs changed.
  std::optional<Prediction> load() const;

  // Stores `prediction` with its inputs: absolute paths of the files and directories it read outside the module
  // directory (the directory itself is walked here), each dependency's directory is added here.
  void store(const Prediction& prediction, std::vector<std::string> inputs) const;

private:
  std::string m_entry; // the entry's file, "" when there is no cache
  std::string m_module_dir;
};

} // namespace srcver::tool
