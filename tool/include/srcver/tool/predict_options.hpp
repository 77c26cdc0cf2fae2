#pragma once
// The options of a prediction (predict, check, verify), as the CLI sets them.

#include <srcver/base/process.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace srcver::tool {

struct PredictOptions {
  std::string cache_dir;            // "" = no cache
  unsigned jobs = 0;                // scanning threads, 0 = the number of cores
  std::optional<bool> all_versions; // whether modpost runs with -a; default: the kernel's CONFIG_MODULE_SRCVERSION_ALL
  // The directory's place in a kernel source tree ("net/bluetooth"): predict the kernel's own (in-tree) build of it
  // instead of an M= build. modpost then names objects from the tree's top, which changes which headers pass its
  // same-directory test (docs/srcversion-rules.md section 7). "" = an M= build.
  std::string in_tree;
  bool keep_hash_input = false; // fill each module's result.hash_input
  // Answer from the prediction cache when nothing changed (prediction_cache.hpp), and store there. Its entries hold no
  // hash input and no list of the dependencies that were not hashed: callers that show those do not use it.
  bool prediction_cache = false;
  // Keep each object's compile and deps_ list in the prediction (reuse compares them with a build's record); never
  // answered from the prediction cache, whose entries hold neither.
  bool keep_compiles = false;
  bool filter_defines = false; // the front end's define filter (DepScanner::set_define_filter); same answers
  // How long each make may run (kernel profile, the module's makefiles, a DKMS MAKE line) before the directory is
  // "cannot predict" (--make-timeout).
  std::chrono::milliseconds make_timeout = base::k_default_make_timeout;
};

} // namespace srcver::tool
