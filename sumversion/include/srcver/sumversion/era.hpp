#pragma once
// Kernel eras of modpost's srcversion behaviour (docs/srcversion-rules.md, section 2), as one explicit setting.
//
// The era decides every rule that differs between kernels: where the object list is read from and in which format,
// how `.cmd` lines are read and trimmed, whether `source_` lines exist, whether `.a` entries are skipped, how files
// are read (mmap with NUL bytes hashed, or read and cut at the first NUL), and whether a missing file kills only the
// srcversion or the whole modpost run.

#include <srcver/base/kernel_version.hpp>

#include <llvm/Support/Error.h>

#include <optional>
#include <string_view>

namespace srcver::sumversion {

enum class Era {
  e1, // <= 2.6.27: no source_ line, no .a skip; old line reader; files mmapped
  e2, // 2.6.28..2.6.37: as e1, but `.a` entries are skipped
  e3, // 2.6.38..5.2: as e2, with `source_` lines
  e4, // 5.3..5.7: as e3; the object list moved to <modpath>.mod
  e5, // 5.8..trim fix (trim regression): indented deps are never hashed; files read and cut at the first NUL;
      // a missing file makes modpost fail
  e6, // v6.8+ and stable backports of the trim fix (5.10.210+, 5.15.149+, 6.1.79+, 6.6.18+, 6.7.6+)
  e7, // v6.13+ (7.x): modpost as e6; for M= builds Kbuild writes `./x.o` entries and relative deps
};

// How the object list of a module is found and split (docs/srcversion-rules.md section 3).
// It changes at 5.3 and 5.19, inside eras e5 and e6,
// so it is the second half of the era setting.
enum class ModFormat {
  f1, // $MODVERDIR/<basename>.mod, objects on line 2, separated by spaces (<= 5.2)
  f2, // <modpath>.mod, objects on line 1, separated by spaces (5.3..5.18)
  f3, // <modpath>.mod, one object per line, empty lines skipped (5.19+)
};

// The one explicit setting that selects modpost's behaviour: an era and the object-list format.
// Spelled "E6" when the format is the era's only or usual one, "E5/F2" otherwise.
struct EraSetting {
  Era era;
  ModFormat mod_format;
  friend bool operator==(const EraSetting& a, const EraSetting& b) {
    return a.era == b.era && a.mod_format == b.mod_format;
  }
};

// The concrete rules of one era. Derived from Era by rules_for(); kept as data so tests can state them.
struct EraRules {
  EraSetting setting;
  ModFormat mod_format;
  bool has_source_line;   // `source_<target> := <file>` lines are hashed (e3+)
  bool skips_static_libs; // `.mod` entries ending in ".a" are skipped (e2+)
  bool old_line_reader;   // get_next_line: trims, drops blank lines, 4095-byte limit, drops last line without LF
  bool trims_lines;       // leading isspace bytes removed before the prefix tests (all but e5)
  bool reads_whole_file;  // read + NUL-terminate: content ends at the first NUL, empty file fine (e5+);
                          // otherwise mmap: NULs hashed, an empty file cannot be mapped (no srcversion)
  bool missing_is_fatal;  // a missing file makes modpost itself fail (e5+); else only this module has none

  // Rules of particular releases inside an era (known only with the kernel version; from the era alone, the
  // era's usual release is assumed):
  bool malformed_source_aborts; // 5.19..6.11: after a malformed source_ line modpost frees a moved pointer and
                                // aborts, unless the entry was the .mod's last, unterminated line (fixed in 6.12)
  bool crc_cmd_from_stem;       // the -m CRC pass (5.19+) opens "<dir>.<base minus 2 chars>.o.cmd" for each .mod
                                // entry (seen on 7.2.12) instead of the entry's own .cmd (6.1, 6.12); taken from
                                // 6.13 on, the exact release is not pinned
};

// The rules of an era; `version`, when known, refines the per-release rules above.
EraRules rules_for(EraSetting setting, std::optional<KernelVersion> version = std::nullopt);

// The era of a kernel version, with the stable-branch fix points of the 5.8 trim regression. Distribution kernels
// that carry backports against their version (RHEL 9's 5.14) need --era.
llvm::Expected<EraSetting> era_for_version(KernelVersion version);

// "E1".."E7", optionally with "/F1".."/F3" (case-insensitive): the settings some kernel had, E1, E2, E3 (F1), E4
// (F2), E5/F2, E5/F3, E6 (F3), E6/F2 (5.10/5.15 stable with the trim fix), E7 (F3). The format defaults to the
// era's usual one; "E5" alone is refused because 5.8-5.18 and 5.19+ differ, and a format no kernel of the era had
// (E6/F1, E7/F2) is refused rather than hashed by rules no modpost ever combined.
llvm::Expected<EraSetting> parse_era(std::string_view text);
std::string era_name(EraSetting setting);

} // namespace srcver::sumversion
