// The policy set a `licit serve` process serves (docs/server.md): the files named on its command
// line (a directory means every *.licit under it, sorted), compiled together as `licit run FILE...`
// compiles them, held in a licit::PolicySlot so a reload swaps the new policy in atomically while
// requests decide on the one they loaded. A reload that does not compile leaves the old policy
// serving and is remembered, with its diagnostics, for /v1/policy.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "licit/licit.hpp"

namespace licit::server {

// The outcome of one load or reload.
struct ReloadResult {
  bool ok = false;
  std::string at;  // when it finished, RFC 3339 UTC with milliseconds
  // The compiler's diagnostics as `licit check --diagnostics=json` prints them (one JSON
  // document: {"diagnostics":[...],"errors":N,"warnings":N}); also a policy set that compiled
  // may carry warnings.
  std::string diagnostics_json;
  std::string diagnostics_text;  // the same, rendered for a log (rustc-style)
};

class PolicyStore {
 public:
  // `arguments`: files and directories as given on the command line. Nothing is read until
  // Reload().
  PolicyStore(std::vector<std::string> arguments, licit::EngineOptions options);

  // Re-reads the files (directories expanded again, so a new file is picked up) and compiles
  // them; on success the new policy replaces the old one. Serialised: concurrent calls run one
  // after the other (each compiles what is on disk when it runs).
  ReloadResult Reload();

  // The policy in force (empty before the first successful load). Cheap: take one per request and
  // judge the whole request with it.
  licit::Policy Current() const { return slot_.load(); }
  bool Ready() const { return slot_.load().valid(); }

  // GET /v1/policy's document: {"digest","loaded_at","files","policies","rules","engine",
  // "last_reload":{"at","ok","diagnostics"}}.
  std::string DescribeJson() const;

  // Every file the current policy was read from (roots and imports, not the embedded standard
  // library), and the directories named on the command line: what --watch watches.
  std::vector<std::string> WatchedPaths() const;

  // The files a reload compiles now: the arguments with directories expanded (every *.licit under
  // a directory, recursively, sorted); anything else is kept as given, so that compiling reports
  // a missing file with the compiler's own diagnostic.
  static std::vector<std::string> ExpandArguments(const std::vector<std::string>& arguments);

  uint64_t reloads_ok() const;
  uint64_t reloads_failed() const;

 private:
  const std::vector<std::string> arguments_;
  const licit::Engine engine_;
  licit::PolicySlot slot_;

  std::mutex reload_mutex_;  // one reload at a time
  mutable std::mutex info_mutex_;
  std::string loaded_at_;           // when the current policy was loaded
  std::vector<std::string> files_;  // the root files it was compiled from
  ReloadResult last_reload_;
  bool any_reload_ = false;
  uint64_t reloads_ok_ = 0, reloads_failed_ = 0;
};

// Now as RFC 3339 UTC with milliseconds: "2026-02-01T09:30:12.123Z".
std::string TimestampUtc(
    std::chrono::system_clock::time_point t = std::chrono::system_clock::now());

}  // namespace licit::server
