// The files modpost would read, written in memory, and sumversion over them (see modpost_inputs.hpp).

#include "modpost_inputs.hpp"
#include "build_tree.hpp"

#include <srcver/sumversion/cmd_file.hpp>

#include <map>

namespace srcver::tool {

namespace {

// The files modpost reads that the build would write (.mod, .cmd), in memory; everything else from disk.
class PredictedTree : public sumversion::FileSource {
public:
  explicit PredictedTree(std::string modpost_dir) : m_disk(std::move(modpost_dir)) {}
  void add(std::string path, std::string text) { m_written[std::move(path)] = std::move(text); }
  llvm::Expected<std::string> read(const std::string& path) override {
    if (auto it = m_written.find(path); it != m_written.end()) return it->second;
    return m_disk.read(path);
  }

private:
  std::map<std::string, std::string> m_written;
  DiskFileSource m_disk;
};

// An object's .cmd file as Kbuild writes it: the command line (cmd_ up to 6.2, savedcmd_ from 6.3), then what fixdep
// writes: source_, a blank line, deps_ with one two-space-indented entry per line. (fixdep's `$(wildcard ...)` lines
// are left out: they hold no '/' before their first space and never pass modpost's directory test.)
std::string cmd_file_text(const KernelVersion& version, const std::string& target,
                          const std::vector<std::string>& command, const std::string& source,
                          const std::vector<std::string>* deps) {
  const bool saved = !(version < KernelVersion{6, 3, 0});
  std::string text = std::string(saved ? "savedcmd_" : "cmd_") + target + " :=";
  for (const auto& word : command)
    text += " " + word;
  text += "\n";
  if (!deps) return text; // an archive (.a): no source_, no deps_
  text += "\nsource_" + target + " := " + source + "\n\ndeps_" + target + " := \\\n";
  for (const auto& d : *deps)
    text += "  " + d + " \\\n";
  text += "\n" + target + ": $(deps_" + target + ")\n\n$(deps_" + target + "):\n";
  return text;
}

// How modpost names things: as the M= build does, or (in_tree) as the kernel's own build names the same directory
// from the tree's top. An in-tree .mod names "net/bluetooth/x.o" where an M= build names "/abs/dir/x.o" (up to 6.12)
// or "x.o" (from 6.13); paths the compiler wrote relative to its working directory are made absolute, which reads
// the same files and keeps the directory in their spelling.
class Spelling {
public:
  Spelling(const kbuild_shim::Plan& plan, std::string in_tree) : m_plan(plan), m_in_tree(std::move(in_tree)) {
    while (m_in_tree.size() > 2 && m_in_tree.compare(0, 2, "./") == 0)
      m_in_tree.erase(0, 2);
    while (!m_in_tree.empty() && m_in_tree.back() == '/')
      m_in_tree.pop_back();
  }
  bool in_tree() const { return !m_in_tree.empty(); }
  // A .mod entry.
  std::string entry(const std::string& e) const {
    if (!in_tree()) return e;
    const std::string prefix = m_plan.module_dir + "/";
    if (e.compare(0, prefix.size(), prefix) == 0) return m_in_tree + "/" + e.substr(prefix.size());
    return m_in_tree + "/" + e;
  }
  // modpost's name for a module (`path` relative to the module directory): its modules.order entry without the
  // suffix, absolute up to 6.12 (M= builds), relative to the module directory, where modpost runs, from 6.13.
  std::string module_name(const kbuild_shim::PlannedModule& m) const {
    if (in_tree()) return m_in_tree + "/" + m.path;
    return absolute_entries(m) ? m_plan.module_dir + "/" + m.path : m.path;
  }
  // A source or dependency path as the compiler wrote it.
  std::string file(const std::string& path) const {
    if (!in_tree() || path.empty() || path[0] == '/') return path;
    return m_plan.make_dir + "/" + path;
  }
  static bool absolute_entries(const kbuild_shim::PlannedModule& m) {
    return !m.mod_entries.empty() && !m.mod_entries.front().empty() && m.mod_entries.front()[0] == '/';
  }

private:
  const kbuild_shim::Plan& m_plan;
  std::string m_in_tree;
};

} // namespace

sumversion::SrcversionResult hash_module(const ModuleHashRequest& request, const kbuild_shim::PlannedModule& module,
                                         const std::vector<frontend::ObjectDeps>& deps) {
  const kbuild_shim::Plan& plan = *request.plan;
  const KernelVersion& version = request.kernel->version;
  const Spelling spelling(plan, request.in_tree);
  PredictedTree tree(spelling.in_tree() || Spelling::absolute_entries(module) ? request.kernel->build_dir
                                                                              : plan.make_dir);
  sumversion::SrcversionRequest hash_request;
  hash_request.module_name = spelling.module_name(module);
  hash_request.keep_hash_input = request.keep_hash_input;
  std::string mod_text;
  for (const auto& e : module.mod_entries)
    mod_text += spelling.entry(e) + "\n";
  tree.add(hash_request.module_name + ".mod", mod_text);
  for (std::size_t oi = 0; oi < module.objects.size(); ++oi) {
    const auto& o = module.objects[oi];
    std::vector<std::string> dep_paths;
    dep_paths.reserve(deps[oi].deps.size());
    for (const auto& d : deps[oi].deps)
      dep_paths.push_back(spelling.file(d));
    const std::string target = spelling.entry(o.object);
    tree.add(sumversion::cmd_file_for_object(target),
             cmd_file_text(version, target, o.command, spelling.file(o.source), &dep_paths));
  }
  for (const auto& e : module.mod_entries) {
    if (e.size() > 2 && e.compare(e.size() - 2, 2, ".a") == 0) {
      const std::string target = spelling.entry(e);
      tree.add(sumversion::cmd_file_for_object(target), cmd_file_text(version, target, {"ar"}, "", nullptr));
    }
  }
  return sumversion::compute_srcversion(tree, hash_request, *request.rules);
}

} // namespace srcver::tool
