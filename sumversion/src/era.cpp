#include <srcver/base/error.hpp>
#include <srcver/sumversion/era.hpp>

#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringRef.h>

namespace srcver::sumversion {
namespace {

// First stable release of each branch that carries the backport of the trim fix 5d9a16b2a4d9 (mainline v6.8-rc5),
// from the stable announcements' shortlogs. Branches between 5.8 and 6.7 that are not listed ended before the fix
// and stay e5; 5.4 and 4.19 never had the regression (their modpost predates 5.8).
struct TrimFixPoint {
  unsigned major, minor, first_fixed_patch;
};
constexpr TrimFixPoint k_trim_fix_points[] = {
    {5, 10, 210}, {5, 15, 149}, {6, 1, 79}, {6, 6, 18}, {6, 7, 6},
};

ModFormat mod_format_for_version(KernelVersion v) {
  if (v < KernelVersion{5, 3, 0}) return ModFormat::f1;
  if (v < KernelVersion{5, 19, 0}) return ModFormat::f2;
  return ModFormat::f3;
}

} // namespace

EraRules rules_for(EraSetting setting, std::optional<KernelVersion> version) {
  const Era era = setting.era;
  EraRules rules{};
  rules.setting = setting;
  rules.mod_format = setting.mod_format;
  rules.has_source_line = era >= Era::e3;
  rules.skips_static_libs = era >= Era::e2;
  rules.old_line_reader = era <= Era::e4;
  rules.trims_lines = era != Era::e5;
  rules.reads_whole_file = era >= Era::e5;
  rules.missing_is_fatal = era >= Era::e5;
  if (version) {
    rules.malformed_source_aborts = !(*version < KernelVersion{5, 19, 0}) && *version < KernelVersion{6, 12, 0};
    rules.crc_cmd_from_stem = !(*version < KernelVersion{6, 13, 0});
  } else {
    rules.malformed_source_aborts = era == Era::e5 && setting.mod_format == ModFormat::f3;
    rules.crc_cmd_from_stem = era == Era::e7;
  }
  return rules;
}

llvm::Expected<EraSetting> era_for_version(KernelVersion v) {
  const ModFormat format = mod_format_for_version(v);
  // .a entries skipped from 2.6.28 (absent in 2.6.27, present in 2.6.28.6 and 2.6.29 trees); source_ lines from
  // 2.6.38 (fixdep stopped listing the source in deps_ during its -rc cycle, and sumversion learnt source_ before
  // the release; 2.6.37 has deps_ only).
  if (v < KernelVersion{2, 6, 28}) return EraSetting{Era::e1, format};
  if (v < KernelVersion{2, 6, 38}) return EraSetting{Era::e2, format};
  if (v < KernelVersion{5, 3, 0}) return EraSetting{Era::e3, format};
  if (v < KernelVersion{5, 8, 0}) return EraSetting{Era::e4, format};
  if (v < KernelVersion{6, 8, 0}) {
    for (const auto& fix : k_trim_fix_points) {
      if (v.major == fix.major && v.minor == fix.minor && v.patch >= fix.first_fixed_patch) {
        return EraSetting{Era::e6, format};
      }
    }
    return EraSetting{Era::e5, format};
  }
  if (v < KernelVersion{6, 13, 0}) return EraSetting{Era::e6, format};
  return EraSetting{Era::e7, format};
}

llvm::Expected<EraSetting> parse_era(std::string_view text) {
  const llvm::StringRef all(text.data(), text.size());
  auto [era_text, format_text] = all.split('/');
  auto bad = [&]() {
    return make_error(ErrorCategory::usage,
                      "era '" + all.str() + "' is not one of E1, E2, E3, E4, E5/F2, E5/F3, E6, E6/F2, E7");
  };
  if (era_text.size() != 2 || llvm::toLower(era_text[0]) != 'e' || era_text[1] < '1' || era_text[1] > '7') {
    return bad();
  }
  const auto era = static_cast<Era>(era_text[1] - '1');
  std::optional<ModFormat> format;
  if (!format_text.empty()) {
    if (format_text.size() != 2 || llvm::toLower(format_text[0]) != 'f' || format_text[1] < '1' ||
        format_text[1] > '3') {
      return bad();
    }
    format = static_cast<ModFormat>(format_text[1] - '1');
    const bool had = era <= Era::e3   ? *format == ModFormat::f1
                     : era == Era::e4 ? *format == ModFormat::f2
                     : era == Era::e7 ? *format == ModFormat::f3
                                      : *format != ModFormat::f1; // e5, e6: F2 or F3
    if (!had) return bad();
  } else {
    switch (era) {
    case Era::e1:
    case Era::e2:
    case Era::e3: format = ModFormat::f1; break;
    case Era::e4: format = ModFormat::f2; break;
    case Era::e5:
      return make_error(ErrorCategory::usage,
                        "era E5 spans two .mod formats: say E5/F2 (5.8-5.18) or E5/F3 (5.19 up to the trim fix)");
    case Era::e6:
    case Era::e7: format = ModFormat::f3; break;
    }
  }
  return EraSetting{era, *format};
}

std::string era_name(EraSetting setting) {
  std::string name = "E" + std::to_string(static_cast<int>(setting.era) + 1);
  const bool usual = (setting.era <= Era::e3 && setting.mod_format == ModFormat::f1) ||
                     (setting.era == Era::e4 && setting.mod_format == ModFormat::f2) ||
                     (setting.era >= Era::e6 && setting.mod_format == ModFormat::f3);
  if (!usual) name += "/F" + std::to_string(static_cast<int>(setting.mod_format) + 1);
  return name;
}

} // namespace srcver::sumversion
