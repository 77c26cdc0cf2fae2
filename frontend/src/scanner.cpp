#include <srcver/base/error.hpp>
#include <srcver/frontend/directive_store.hpp>
#include <srcver/frontend/include_model.hpp>
#include <srcver/frontend/scanner.hpp>

#include "clang_preprocessor.hpp"
#include "define_filter.hpp"
#include "work_queue.hpp"

#include <clang/Basic/CharInfo.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <clang/Tooling/DependencyScanning/DependencyScanningFilesystem.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/Support/Threading.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

namespace srcver::frontend {

namespace deps = clang::tooling::dependencies;
namespace dds = clang::dependency_directives_scan;

namespace {

// What the front end needs to know of a file's text beyond its directives (the directives scanner drops both).
struct FileFacts {
  // #pragma GCC system_header (the rest of the file is a system header) or a _Pragma at the start of a line
  // (_Pragma("once")): always lexed in full.
  bool changes_listing = false;
  // An #error directive: lexed in full when the file is the module's own, so that an #error that is reached stops
  // the prediction as it stops gcc (the scanner also drops an #if block left empty without it, so a directives-mode
  // run cannot tell whether it is reached). The kernel's headers are not lexed for this: their #error lines guard
  // against misuse, like the C errors a prediction does not see either.
  bool has_error = false;
};

// Whether `word` (of `length`) at `pos` is a directive name: only spaces or tabs, '#', spaces or tabs before it on
// its line, and no identifier character right after it.
bool is_directive_at(llvm::StringRef text, std::size_t pos, std::size_t length) {
  if (pos + length < text.size() && clang::isAsciiIdentifierContinue(text[pos + length])) return false;
  std::size_t i = pos;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    --i;
  if (i == 0 || text[i - 1] != '#') return false;
  --i;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    --i;
  return i == 0 || text[i - 1] == '\n';
}

// `text.find(word, from)` through glibc's memmem (two-way search; StringRef::find compares at every occurrence of the
// first character, which for "error" is most of a header).
std::size_t find_word(llvm::StringRef text, llvm::StringRef word, std::size_t from = 0) {
  if (from >= text.size()) return llvm::StringRef::npos;
  const void* at = memmem(text.data() + from, text.size() - from, word.data(), word.size());
  return at ? static_cast<std::size_t>(static_cast<const char*>(at) - text.data()) : llvm::StringRef::npos;
}

FileFacts facts_of(llvm::StringRef text) {
  FileFacts facts;
  facts.changes_listing = find_word(text, "system_header") != llvm::StringRef::npos;
  for (std::size_t pos = find_word(text, "_Pragma"); !facts.changes_listing && pos != llvm::StringRef::npos;
       pos = find_word(text, "_Pragma", pos + 1)) {
    // At the start of a line that does not continue a previous one (a #define's body is not run by the scan).
    std::size_t i = pos;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
      --i;
    if (i == 0) {
      facts.changes_listing = true;
    } else if (text[i - 1] == '\n') {
      const bool continued = i >= 2 && (text[i - 2] == '\\' || (text[i - 2] == '\r' && i >= 3 && text[i - 3] == '\\'));
      facts.changes_listing = !continued;
    }
  }
  for (std::size_t pos = find_word(text, "error"); !facts.has_error && pos != llvm::StringRef::npos;
       pos = find_word(text, "error", pos + 1)) {
    facts.has_error = is_directive_at(text, pos, 5);
  }
  return facts;
}

} // namespace

// One thread's scanning state, kept across translation units: its view of the shared cache, and per working
// directory a FileManager (which caches relative names as given: "b.c" of one directory is not "b.c" of another)
// with what the directives lookup decided for each of its files.
struct Worker {
  struct Directives {
    std::optional<llvm::ArrayRef<clang::dependency_directives_scan::Directive>> tokens; // none: lex in full
    FileFacts facts;
    std::string absolute; // the file's absolute path, as first named, without "." components (store_key)
    llvm::StringRef text; // in the shared cache, alive for the whole run
    // The directives without the #defines the filter drops (see define_filter.hpp), as of the kept names' generation
    // `filtered_for`, and the names of the dropped ones (texts in the shared cache, alive for the whole run).
    std::vector<clang::dependency_directives_scan::Directive> filtered;
    std::vector<llvm::StringRef> dropped;
    unsigned filtered_for = ~0u;
    // Served from the directive store: its directives, decoded (`text` is then its directive lines).
    bool stored = false;
    std::vector<clang::dependency_directives_scan::Token> stored_tokens;
    std::vector<clang::dependency_directives_scan::Directive> stored_directives;
  };
  struct Files {
    llvm::IntrusiveRefCntPtr<clang::FileManager> manager;
    llvm::DenseMap<const clang::FileEntry*, Directives> directives; // FileEntry objects live as long as `manager`
  };
  llvm::IntrusiveRefCntPtr<deps::DependencyScanningWorkerFilesystem> fs;
  llvm::IntrusiveRefCntPtr<StoreFileSystem> disk; // beneath `fs`
  std::map<std::string, Files> by_cwd;

  Files& files_for(const std::string& cwd) {
    auto [it, inserted] = by_cwd.try_emplace(cwd);
    if (inserted) {
      clang::FileSystemOptions options;
      options.WorkingDir = cwd;
      it->second.manager = llvm::makeIntrusiveRefCnt<clang::FileManager>(options, fs);
    }
    return it->second;
  }
};

// Whether a unit's run leaves out the defines the filter drops (filtered) or gives every define (full).
enum class Run { filtered, full };

// One unit's run, as its directives lookup sees it.
struct UnitLookup {
  Worker& worker;
  Worker::Files& files; // the worker's, for the unit's working directory
  std::string cwd;
  std::string module_prefix; // the module root and '/' ("" = none)
  bool detect_version = false;
  Run run = Run::full;
  bool filtering = false;  // the define filter is on for this run
  unsigned generation = 0; // of the filter's kept names, as the run starts
  // The files the filter saw (also with nothing left out: their bodies count in the check).
  llvm::DenseSet<const clang::FileEntry*> filtered_files;
};

// The check after a run with the filter on (see check_dropped): the names left out that the unit looked up after
// all, in `looked_up`. Filtered: every name left out that is in the table. Full: every name the filter would leave
// out that was expanded or tested (the table also holds every name of every define body read).
void check_filtered(const UnitLookup& unit, const clang::Preprocessor& pp, const llvm::StringSet<>& used,
                    std::vector<std::string>& looked_up) {
  std::vector<FilteredFile> files;
  for (const clang::FileEntry* f : unit.filtered_files) {
    const Worker::Directives& d = unit.files.directives.find(f)->second;
    files.push_back(FilteredFile{d.text, *d.tokens, d.dropped});
  }
  const clang::IdentifierTable& table = pp.getIdentifierTable();
  check_dropped(
      files,
      [&](llvm::StringRef name) {
        return unit.run == Run::filtered ? table.find(name) != table.end() : used.contains(name);
      },
      looked_up);
}

struct DepScanner::Impl {
  unsigned threads = 1;
  // The files' texts, shared by the workers and by every scan with the same module roots. A scan with other roots
  // takes a new cache: a text the store gave (a file's directive lines, served because it was not a module's own)
  // must never be lexed in full as the own file of another root. Earlier caches are kept, not freed: their texts
  // stay alive (and `facts` knows texts by address).
  std::vector<std::unique_ptr<deps::DependencyScanningFilesystemSharedCache>> caches;
  std::vector<std::string> cache_roots; // the module roots of the last cache
  DirectiveStore* store = nullptr;      // during scan(): the kernel's directive store, if any
  std::atomic<unsigned> served{0};      // files given by a store (once per worker and working directory)
  std::mutex facts_mutex;
  // By the text's address and size: texts live in the shared cache for the whole run.
  std::map<std::pair<const char*, std::size_t>, FileFacts> facts;
  DefineFilter filter;

  FileFacts facts_for(llvm::StringRef text) {
    const std::pair<const char*, std::size_t> key(text.data(), text.size());
    {
      std::lock_guard<std::mutex> lock(facts_mutex);
      if (auto it = facts.find(key); it != facts.end()) return it->second;
    }
    const FileFacts computed = facts_of(text);
    std::lock_guard<std::mutex> lock(facts_mutex);
    facts.emplace(key, computed);
    return computed;
  }

  // The unit, run with the filter when it is on. With `looked_up` (see check_filtered), the runs fill it.
  ScanOutcome scan_one(const ScanJob& job, Worker& worker) {
    if (!filter.on()) return run_unit(job, worker, Run::full, nullptr);
    std::vector<std::string> looked_up; // dropped names the unit looked up after all
    ScanOutcome outcome = run_unit(job, worker, Run::filtered, &looked_up);
    if (looked_up.empty()) return outcome;
    // Kept from now on, and the unit runs again in full, which also keeps the names the filter would leave out that
    // it expands or tests (the filtered run may have taken other branches), with the names of their bodies: the
    // next filtered run of this unit then passes its check.
    filter.keep(looked_up);
    looked_up.clear();
    outcome = run_unit(job, worker, Run::full, &looked_up);
    if (!looked_up.empty()) filter.keep(looked_up);
    outcome.runs = 2;
    return outcome;
  }
  ScanOutcome run_unit(const ScanJob& job, Worker& worker, Run run, std::vector<std::string>* looked_up);

  // Clang's question for each file it enters: the directives to lex it from, or none (lex it in full).
  std::optional<llvm::ArrayRef<dds::Directive>> directives_for(clang::FileEntryRef file, UnitLookup& unit);
  // A file's text and directives, first met in this worker and working directory: from the store, or read from
  // disk and scanned. False: it cannot be read.
  bool read_directives(clang::FileEntryRef file, const UnitLookup& unit, Worker::Directives& d);

  // Gives the store the files this worker read from disk and scanned, but the module's own.
  void store_scanned(const Worker& worker) {
    for (const auto& by_cwd : worker.by_cwd) {
      for (const auto& [file, d] : by_cwd.second.directives) {
        if (d.stored || !d.tokens || d.facts.changes_listing) continue;
        if (worker.disk->own(d.absolute)) continue;
        if (auto stamp = worker.disk->stamp_read(d.absolute)) {
          store->add(d.absolute, *stamp, d.text, *d.tokens, d.facts.has_error);
        }
      }
    }
  }

  // The shared cache for a scan with these (sorted) module roots: the last one, or a new one for other roots.
  deps::DependencyScanningFilesystemSharedCache& shared_cache(const std::vector<std::string>& roots) {
    if (caches.empty() || roots != cache_roots) {
      caches.push_back(std::make_unique<deps::DependencyScanningFilesystemSharedCache>());
      cache_roots = roots;
    }
    return *caches.back();
  }
};

bool DepScanner::Impl::read_directives(clang::FileEntryRef file, const UnitLookup& unit, Worker::Directives& d) {
  auto entry = unit.worker.fs->getOrCreateFileSystemEntry(file.getName());
  if (!entry) return false;
  d.text = entry->getContents();
  d.absolute = store_key(unit.cwd, file.getName()); // the name the store knows it by: the same files are own
  if (const DirectiveStore::Entry* stored = store ? store->by_text(d.text.data()) : nullptr) {
    store->directives(*stored, d.stored_tokens, d.stored_directives);
    d.tokens = llvm::ArrayRef(d.stored_directives);
    d.facts.has_error = stored->has_error;
    d.stored = true;
    ++served;
  } else {
    d.facts = facts_for(d.text);
    if (!d.facts.changes_listing && unit.worker.fs->ensureDirectiveTokensArePopulated(*entry)) {
      d.tokens = entry->getDirectiveTokens();
    }
  }
  return true;
}

std::optional<llvm::ArrayRef<dds::Directive>> DepScanner::Impl::directives_for(clang::FileEntryRef file,
                                                                               UnitLookup& unit) {
  auto [it, inserted] = unit.files.directives.try_emplace(&file.getFileEntry());
  Worker::Directives& d = it->second;
  if (inserted && !read_directives(file, unit, d)) return std::nullopt;
  const bool own = !unit.module_prefix.empty() && llvm::StringRef(d.absolute).starts_with(unit.module_prefix);
  if ((d.facts.has_error || unit.detect_version) && own) return std::nullopt;
  if (!unit.filtering || !d.tokens || own) return d.tokens;
  if (d.filtered_for != unit.generation) { // never while this unit lexes the file: its first entry in this unit
    filter.filter(d.text, *d.tokens, d.filtered, d.dropped);
    d.filtered_for = unit.generation;
  }
  unit.filtered_files.insert(&file.getFileEntry()); // also with nothing left out: its bodies count in the check
  if (d.dropped.empty()) return d.tokens;
  return unit.run == Run::full ? *d.tokens : llvm::ArrayRef(d.filtered);
}

ScanOutcome DepScanner::Impl::run_unit(const ScanJob& job, Worker& worker, Run run,
                                       std::vector<std::string>* looked_up) {
  ScanOutcome outcome;
  if (auto ec = worker.fs->setCurrentWorkingDirectory(job.cwd)) {
    outcome.error = "cannot use '" + job.cwd + "' as the working directory: " + ec.message();
    return outcome;
  }
  Worker::Files& files = worker.files_for(job.cwd);
  ManagerProbe probe(*files.manager);
  auto model = IncludeModel::create(job.command, probe);
  if (!model) {
    outcome.error = llvm::toString(model.takeError());
    return outcome;
  }
  FirstError errors;
  auto invocation = preprocessor_invocation(job, errors);
  if (!invocation) {
    outcome.error = "Clang refused the preprocessor options: " + errors.text();
    return outcome;
  }

  UnitLookup unit{worker,
                  files,
                  job.cwd,
                  job.module_root.empty() ? std::string() : job.module_root + "/",
                  job.detect_version,
                  run,
                  looked_up != nullptr,
                  filter.generation(),
                  {}};
  invocation->getPreprocessorOpts().DependencyDirectivesForFile = [this, &unit](clang::FileEntryRef file) {
    return directives_for(file, unit);
  };
  llvm::StringSet<> used; // a full run's expanded and tested names
  std::function<void(clang::Preprocessor&)> check;
  if (looked_up) check = [&](clang::Preprocessor& pp) { check_filtered(unit, pp, used, *looked_up); };
  std::string model_error;
  bool has_version = false;
  RecordingAction action(*model, model_error, has_version, looked_up && run == Run::full ? &used : nullptr,
                         std::move(check));
  const bool ran = preprocess(std::move(invocation), *files.manager, errors, action);

  if (!model_error.empty()) {
    outcome.error = model_error;
  } else if (!errors.text().empty()) {
    outcome.error = "the preprocessor stops (so would gcc): " + errors.text();
  } else if (!ran) {
    outcome.error = "the preprocessor failed on " + job.command.source;
  } else {
    outcome.dependencies = model->dependencies();
    outcome.has_version = has_version;
  }
  return outcome;
}

DepScanner::DepScanner(unsigned threads) : m_impl(std::make_unique<Impl>()) {
  m_impl->threads = threads != 0 ? threads : std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

DepScanner::~DepScanner() = default;

unsigned DepScanner::threads() const { return m_impl->threads; }

unsigned DepScanner::files_from_store() const { return m_impl->served.load(); }

void DepScanner::set_define_filter(bool on) { m_impl->filter.set_on(on); }

void DepScanner::keep_defines(const std::vector<std::string>& names) { m_impl->filter.seed(names); }

std::vector<std::string> DepScanner::learned_defines() const { return m_impl->filter.learned(); }

std::vector<ScanOutcome> DepScanner::scan(const std::vector<ScanJob>& jobs, DirectiveStore* store) {
  std::vector<ScanOutcome> outcomes(jobs.size());
  m_impl->filter.add_module_names(jobs);
  const std::vector<std::size_t> order = largest_first(jobs);
  std::vector<std::string> roots;
  for (const auto& job : jobs) {
    if (!job.module_root.empty()) roots.push_back(job.module_root);
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  deps::DependencyScanningFilesystemSharedCache& shared = m_impl->shared_cache(roots);
  m_impl->store = store;
  WorkQueue queue(jobs.size());
  run_on_threads(std::min<std::size_t>(m_impl->threads, jobs.size()), [&] {
    llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> real(llvm::vfs::createPhysicalFileSystem().release());
    Worker worker;
    worker.disk = llvm::makeIntrusiveRefCnt<StoreFileSystem>(real, store, roots);
    worker.fs = llvm::makeIntrusiveRefCnt<deps::DependencyScanningWorkerFilesystem>(shared, worker.disk);
    while (const auto n = queue.next())
      outcomes[order[*n]] = m_impl->scan_one(jobs[order[*n]], worker);
    if (store) m_impl->store_scanned(worker);
  });
  return outcomes;
}

} // namespace srcver::frontend
