#pragma once
// What a module's build compiled and linked, as evidence that another build would produce the same code
// (docs/reuse.md). A record is made from a build that really happened (`record`, after make) and compared with what a
// build for another kernel, or of a new copy of the sources, would run (`reuse`, from the prediction's plan and
// dependency lists): the same inputs mean the same binary, and the recorded binary can be used instead of a build.
//
// The inputs, per module: the compilers (the content hash of each driver, of the cc1 and assembler it runs, and of
// the linker); per object its compile command and the content
// hash of its source and of every file of its deps_ list (the module's files and the kernel headers it reaches); the
// kernel-wide files the link and modpost read (configuration, linker script, modpost, the makefiles that hold the
// link flags); and, for every symbol the module leaves undefined, its Module.symvers entry (CRC, exporter, export
// type, namespace). Paths under the kernel's source tree are written `$(srctree)/...` when the command maps that
// tree away with -fmacro-prefix-map (then the path never reaches the code); nothing else is rewritten, so a module
// built in another directory (its path is in __FILE__) is never taken for the same.

#include <srcver/base/kernel_build.hpp>

#include <llvm/Support/Error.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace srcver::tool {

struct RecordedFile {
  std::string path;   // as the command or the deps_ list names it, $(srctree) mapped
  std::string sha256; // of its content; "absent" when there is no such file
  bool operator==(const RecordedFile& o) const { return path == o.path && sha256 == o.sha256; }
};

struct RecordedObject {
  std::string name;                 // relative to the module directory when under it
  std::vector<std::string> command; // the compile's words, $(srctree) mapped
  std::vector<RecordedFile> files;  // its source, then its deps_ entries in order
};

struct RecordedSymbol {
  std::string name;
  std::string entry; // "<crc> <exporter> <export type> <namespace>" from Module.symvers, "-" when not exported there
  bool operator==(const RecordedSymbol& o) const { return name == o.name && entry == o.entry; }
};

struct BuildInputs {
  std::string module;                     // the module's path relative to the module directory, no .ko
  std::vector<RecordedFile> programs;     // the compilers and the linker, by name
  std::vector<RecordedObject> objects;    // in .mod order
  std::vector<RecordedFile> kernel_files; // "$(objtree)/..." or "$(srctree)/..."
  // The module directory's build files (every Kbuild, Makefile, *.mk and dkms.conf below it, by path relative to
  // it): what decides the link (ldflags-y, LDFLAGS_<object>) and a DKMS MAKE line's arguments, none of which a
  // compile command shows.
  std::vector<RecordedFile> module_files;
  std::vector<RecordedSymbol> symbols; // sorted by name
  // The kernel's own compile flags (the words of the flag variables its top-level Makefile hands to Kbuild's
  // per-directory pass, $(srctree) mapped as in the commands): what a command holds besides the module's own words.
  // Only --policy=kabi reads them; empty in a record made before they were recorded.
  std::vector<std::string> kernel_flags;

  // The canonical text (a line per fact, words shell-quoted where needed); the part without the symbols, which a
  // build for a kernel decides before anything is linked; and that part's SHA-256, the key the store finds a
  // record by (the symbols are compared after, for the names the record lists).
  std::string text() const;
  std::string compile_text() const;
  std::string key() const;
  static llvm::Expected<BuildInputs> parse(const std::string& text);
};

// The first way in which `target` differs from `recorded`, in words ("" when they are the same).
std::string first_difference(const BuildInputs& recorded, const BuildInputs& target);

// --policy=kabi: the first way in which the module's own part of `target` differs from `recorded`'s ("" when it is
// the same): the objects, each compile's words once the kernel's flags are taken out (module_words), the content of
// every dependency under `module_dir` (the kernel's headers may differ: that is what a kABI promise is about), and the
// module directory's build files. Paths are read as `target` spells them: relative ones against `make_dir`.
std::string first_module_difference(const BuildInputs& recorded, const BuildInputs& target, const std::string& make_dir,
                                    const std::string& module_dir);

// `command` split into the module's part and the kernel's: each word of `kernel_flags` taken out once (the first
// occurrence not taken yet), the compiler word too; `own` is the rest in order (a word the module adds that the kernel
// also has stays once more than the kernel has it, so adding it is seen), `left_out` counts the kernel's words the
// command does not hold (what the module removed, CFLAGS_REMOVE_*, or what this kind of compile does not use).
struct ModuleWords {
  std::vector<std::string> own;
  std::map<std::string, int> left_out;
};
ModuleWords module_words(const std::vector<std::string>& command, const std::vector<std::string>& kernel_flags);

// The words of the kernel's compile flag variables in a Kbuild sub-make environment (KBUILD_*FLAGS*, NOSTDINC_FLAGS,
// LINUXINCLUDE, CFLAGS_*/AFLAGS_* of the sanitizers, CC), in the environment's order.
std::vector<std::string> kernel_flag_words(const std::vector<std::string>& env);

struct BuildRecord {
  BuildInputs inputs;
  std::string binary_sha256; // the module file as the build left it (uncompressed, unstripped)
  std::uint64_t binary_size = 0;
  std::string srcversion; // "" when the module carries none
  std::string vermagic;

  std::string text() const;
  // Errors (input): not a record of this format.
  static llvm::Expected<BuildRecord> parse(const std::string& text);
};

// Collects a module's inputs for one kernel: hashes every file once, looks compilers up on PATH, reads the kernel's
// Module.symvers once.
class InputsCollector {
public:
  // `env`: the environment the build runs in (its PATH finds the compilers).
  InputsCollector(KernelBuild kernel, std::vector<std::string> env);

  // One module's inputs. `objects`: per object its name, command words, source and deps_ list, paths relative to
  // `make_dir`; `symbols`: the names the module leaves undefined. With `not_after_ns` (> 0), a file changed after
  // that time is an error: the build did not compile what is on disk now.
  struct Object {
    std::string name;
    std::vector<std::string> command;
    std::string source;
    std::vector<std::string> deps;
    std::int64_t not_after_ns = 0;
  };
  // `module_dir`: the module directory (its build files are recorded; none with ""); `module_not_after_ns`, for
  // them, as an object's not_after_ns.
  llvm::Expected<BuildInputs> collect(const std::string& module, const std::string& make_dir,
                                      const std::vector<Object>& objects, const std::vector<std::string>& symbols,
                                      const std::string& module_dir, std::int64_t module_not_after_ns = 0);

  // The kernel's flag words (kernel_flag_words of its profile's environment): every collect() then records them.
  void set_kernel_flags(std::vector<std::string> words) { m_kernel_flags = std::move(words); }

  // The kernel's Module.symvers: symbol -> "<crc> <exporter> <export type> <namespace>" (read once).
  const std::map<std::string, std::string>& symvers();
  const KernelBuild& kernel() const { return m_kernel; }

  // Whether the kernel loads a module whose vermagic names another release (CONFIG_MODVERSIONS: the loader compares
  // vermagic after its first word).
  bool modversions() const;

private:
  llvm::Expected<RecordedFile> hash_file(const std::string& shown, const std::string& path, std::int64_t not_after_ns);
  std::string srctree_of(const std::vector<std::string>& command) const;
  void add_program(BuildInputs& inputs, const std::string& name);
  void add_compiler_parts(BuildInputs& inputs, const std::string& driver);
  void add_kernel_files(BuildInputs& inputs, const std::string& srctree);
  void add_symbols(BuildInputs& inputs, const std::vector<std::string>& symbols);
  llvm::Error add_module_files(BuildInputs& inputs, const std::string& module_dir, std::int64_t not_after_ns);

  KernelBuild m_kernel;
  std::vector<std::string> m_env;
  std::map<std::string, std::string> m_hashes; // absolute path -> sha256 or "absent"
  std::map<std::string, std::string> m_parts;  // "<driver>:cc1" -> its path
  std::map<std::string, std::string> m_symvers;
  bool m_symvers_read = false;
  std::vector<std::string> m_kernel_flags;
};

} // namespace srcver::tool
