// `licit run FILE... --records R [--out O]`: screen a file of records. One decision per input
// record, in input order (with --threads too); bad records become `error` decisions; the output
// file appears only when complete (written to a temporary file, renamed at the end).

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/io/record_reader.h"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"
#include "tools/licit/policy.h"

namespace licit::cli {
namespace {

enum class OutFormat { kJsonLines, kCsv };
enum class SummaryMode { kFull, kCounts, kNone };

// The temporary output file, removed if the run is interrupted (a signal handler may only use
// async-signal-safe calls, hence the fixed buffer).
char g_temp_path[4096];

void RemoveTempAndDie(int sig) {
  if (g_temp_path[0]) unlink(g_temp_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Writes decisions to stdout, or to a temporary file beside --out that Commit() renames.
class Output {
 public:
  bool Open(const std::string& path, std::string* error) {
    if (path.empty() || path == "-") {
      file_ = stdout;
      Buffer();
      return true;
    }
    path_ = path;
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    temp_ = dir + "." + base + ".tmp-XXXXXX";
    if (temp_.size() >= sizeof g_temp_path) {
      *error = "the output path is too long";
      return false;
    }
    int fd = mkstemp(temp_.data());
    if (fd < 0) {
      *error = fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
      return false;
    }
    fchmod(fd, 0644);
    std::memcpy(g_temp_path, temp_.c_str(), temp_.size() + 1);
    std::signal(SIGINT, RemoveTempAndDie);
    std::signal(SIGTERM, RemoveTempAndDie);
    std::signal(SIGHUP, RemoveTempAndDie);
    file_ = fdopen(fd, "w");
    if (file_) Buffer();
    return file_ != nullptr;
  }
  // Decisions are small and many: one write per MiB instead of per 4 KiB.
  void Buffer() { std::setvbuf(file_, nullptr, _IOFBF, size_t{1} << 20); }
  void Write(std::string_view text) { std::fwrite(text.data(), 1, text.size(), file_); }
  bool Commit(std::string* error) {
    if (file_ == stdout) {
      std::fflush(stdout);
      return true;
    }
    bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (ok && std::rename(temp_.c_str(), path_.c_str()) != 0) ok = false;
    if (!ok) {
      *error = fmt::format("cannot write `{}`: {}", path_, std::strerror(errno));
      unlink(temp_.c_str());
    }
    g_temp_path[0] = '\0';
    return ok;
  }
  void Abandon() {
    if (file_ && file_ != stdout) {
      std::fclose(file_);
      unlink(temp_.c_str());
      g_temp_path[0] = '\0';
    }
    file_ = nullptr;
  }

 private:
  std::FILE* file_ = nullptr;
  std::string path_, temp_;
};

// One record in flight: its slots, how reading went, and its rendered decision.
struct Slot {
  explicit Slot(const rt::RecordLayout* layout) : record(layout) {}
  rt::Record record;
  io::ReadResult read;
  std::string line;  // the decision, rendered, with its newline
  rt::DecisionEffect effect = rt::DecisionEffect::Allow;
  bool tripped = false;
};

struct Counts {
  uint64_t by_effect[6] = {};
  uint64_t total = 0;
  bool tripped = false;
};

class Screener {
 public:
  Screener(const Engine& engine, const JudgeOptions& options, OutFormat format)
      : engine_(engine), options_(options), format_(format) {}

  // Decides (or turns into an error decision) and renders one slot.
  void Process(Slot& s) const {
    rt::Decision d;
    if (!s.read.ok) {
      d.effect = rt::DecisionEffect::Error;
      d.line = s.read.line;
      d.id = s.read.id;
      d.error = fmt::format("line {}: {}", s.read.line, s.read.error);
    } else {
      d = engine_.Decide(s.record, options_.decide);
      d.line = s.read.line;
      if (d.effect == rt::DecisionEffect::Error && !d.error.starts_with("line ")) {
        d.error = fmt::format("line {}: {}", s.read.line, d.error);
        if (!d.id) d.id = s.read.id;
      }
    }
    s.effect = d.effect;
    s.tripped = TripsFailOn(d, options_);
    // Rendered into the slot's reused buffer: no allocation per decision once it has grown.
    s.line.clear();
    if (format_ == OutFormat::kCsv) {
      s.line += rt::DecisionToCsv(d);
    } else {
      rt::AppendDecisionJson(d, s.line);
    }
    if (s.line.empty() || s.line.back() != '\n') s.line += '\n';
  }

 private:
  const Engine& engine_;
  const JudgeOptions& options_;
  OutFormat format_;
};

// The progress line on a terminal: records so far and, for a regular file, how far through.
class Progress {
 public:
  Progress(bool enabled, std::istream* file, uint64_t size)
      : enabled_(enabled), file_(file), size_(size), start_(Clock::now()), last_(start_) {}
  void Update(uint64_t records) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    std::string text = fmt::format("\rscreening: {} records", Thousands(records));
    if (file_ && size_ > 0) {
      auto pos = file_->tellg();
      if (pos >= 0) {
        int pct = static_cast<int>(100.0 * static_cast<double>(pos) / static_cast<double>(size_));
        int filled = pct / 5;
        text = fmt::format("\r[{}{}] {:3}% {} records", std::string(filled, '#'),
                           std::string(20 - filled, ' '), pct, Thousands(records));
      }
    }
    WriteStderr(text);
    shown_ = true;
  }
  void Clear() {
    if (shown_) WriteStderr("\r\033[K");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::istream* file_;
  uint64_t size_;
  Clock::time_point start_, last_;
  bool shown_ = false;
};

void Tally(const Slot& s, Counts& counts) {
  ++counts.by_effect[static_cast<int>(s.effect)];
  ++counts.total;
  counts.tripped = counts.tripped || s.tripped;
}

std::string Summary(const Counts& c, SummaryMode mode, double seconds, const std::string& out) {
  using E = rt::DecisionEffect;
  std::string text = fmt::format("licit: screened {} record{}", Thousands(c.total),
                                 c.total == 1 ? "" : "s");
  if (mode == SummaryMode::kFull) {
    double rate = seconds > 0 ? static_cast<double>(c.total) / seconds : 0;
    text += fmt::format(" in {:.3f} s ({} records/s)", seconds,
                        Thousands(static_cast<uint64_t>(rate)));
  }
  if (!out.empty() && out != "-") text += fmt::format("; decisions in {}", out);
  text += "\n  ";
  const E order[] = {E::Deny, E::License, E::Review, E::Exempt, E::Allow, E::Error};
  for (size_t i = 0; i < 6; ++i) {
    text += fmt::format("{}{} {}", i ? ", " : "", rt::DecisionEffectName(order[i]),
                        Thousands(c.by_effect[static_cast<int>(order[i])]));
  }
  text += "\n";
  return text;
}

int RunRun(std::span<const std::string> args) {
  CommonOptions options;
  JudgeOptionText judge_text;
  std::string records, out, format, out_format, threads_text, summary_text;
  std::string error;
  std::vector<OptionSpec> specs = {
      {"records", &records},       {"out", &out},
      {"format", &format},         {"out-format", &out_format},
      {"threads", &threads_text},  {"summary", &summary_text},
      {"engine", &judge_text.engine}, {"as-of", &judge_text.as_of},
      {"fail-on", &judge_text.fail_on},
  };
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("run", error);
  if (options.help) {
    WriteStdout(kRunCommand.help);
    return kExitOk;
  }
  JudgeOptions judge;
  if (!ParseJudgeOptions(judge_text, &judge, &error)) return UsageError("run", error);
  if (options.positional.empty()) return UsageError("run", "`run` needs at least one policy FILE");
  if (records.empty()) return UsageError("run", "`run` needs `--records FILE` (or `--records -` for stdin)");

  io::Format in_format = io::Format::JsonLines;
  if (format == "csv") {
    in_format = io::Format::Csv;
  } else if (format == "jsonl" || format == "json") {
    in_format = io::Format::JsonLines;
  } else if (!format.empty()) {
    return UsageError("run", fmt::format("`--format` must be `jsonl` or `csv`, not `{}`", format));
  } else if (EndsWith(records, ".csv")) {
    in_format = io::Format::Csv;
  } else if (records != "-" && !EndsWith(records, ".jsonl") && !EndsWith(records, ".json") &&
             !EndsWith(records, ".ndjson")) {
    return UsageError("run", fmt::format("cannot tell the format of `{}` from its name; add "
                                         "`--format jsonl` or `--format csv`",
                                         records));
  }
  OutFormat output_format = EndsWith(out, ".csv") ? OutFormat::kCsv : OutFormat::kJsonLines;
  if (out_format == "csv") {
    output_format = OutFormat::kCsv;
  } else if (out_format == "jsonl" || out_format == "json") {
    output_format = OutFormat::kJsonLines;
  } else if (!out_format.empty()) {
    return UsageError("run", fmt::format("`--out-format` must be `jsonl` or `csv`, not `{}`",
                                         out_format));
  }
  unsigned threads = 1;
  if (!threads_text.empty()) {
    char* end = nullptr;
    long n = std::strtol(threads_text.c_str(), &end, 10);
    if (*end != '\0' || n < 0 || n > 256) {
      return UsageError("run", fmt::format("`--threads` takes a count from 0 (all cores) to 256, "
                                           "not `{}`",
                                           threads_text));
    }
    threads = n == 0 ? std::max(1u, std::thread::hardware_concurrency()) : static_cast<unsigned>(n);
  }
  SummaryMode summary = SummaryMode::kFull;
  if (summary_text == "counts") {
    summary = SummaryMode::kCounts;
  } else if (summary_text == "none") {
    summary = SummaryMode::kNone;
  } else if (!summary_text.empty() && summary_text != "full") {
    return UsageError("run", fmt::format("`--summary` must be `full`, `counts` or `none`, not `{}`",
                                         summary_text));
  }

  LoadedPolicy policy;
  if (int code = LoadPolicy(options, judge.engine, &policy); code != kExitOk) return code;

  // Input: a file, or stdin for `-`.
  std::ifstream file;
  std::istream* input = &std::cin;
  uint64_t input_size = 0;
  if (records == "-") {
    std::ios::sync_with_stdio(false);
  } else {
    struct stat st;
    if (stat(records.c_str(), &st) != 0) {
      return UsageError("run", fmt::format("cannot read records `{}`: {}", records,
                                           std::strerror(errno)));
    }
    if (S_ISDIR(st.st_mode)) {
      return UsageError("run", fmt::format("cannot read records `{}`: {}", records,
                                           std::strerror(EISDIR)));
    }
    if (S_ISREG(st.st_mode)) input_size = static_cast<uint64_t>(st.st_size);
    file.open(records, std::ios::binary);
    if (!file) {
      return UsageError("run", fmt::format("cannot read records `{}`: {}", records,
                                           std::strerror(errno)));
    }
    input = &file;
  }

  Output output;
  if (!output.Open(out, &error)) {
    WriteStderr(fmt::format("licit: {}\n", error));
    return kExitUsage;
  }
  if (output_format == OutFormat::kCsv) output.Write(rt::DecisionCsvHeader() + "\n");

  const rt::RecordLayout& layout = policy.program->input;
  auto reader = io::MakeReader(in_format, *input, layout);
  Screener screener(*policy.engine, judge, output_format);
  Progress progress(summary != SummaryMode::kNone && isatty(STDERR_FILENO),
                    records == "-" ? nullptr : input, input_size);
  Counts counts;
  auto start = std::chrono::steady_clock::now();

  if (threads > 1 && in_format == io::Format::JsonLines) {
    // JSON Lines on several threads: this thread only splits lines and writes decisions; the
    // workers decode, decide and render. Two batches alternate, so the next batch is split
    // while the workers are busy with the current one, and batches are written in order.
    const size_t batch = 2048 * threads;
    std::vector<io::RawLine> slots[2];  // the lines of two batches
    for (auto& b : slots) b.resize(batch);
    std::vector<std::unique_ptr<io::JsonLineDecoder>> decoders;
    for (unsigned t = 0; t < threads; ++t)
      decoders.push_back(std::make_unique<io::JsonLineDecoder>(layout));
    io::JsonLineSplitter splitter(*input);
    auto split = [&](std::vector<io::RawLine>& b) {
      size_t n = 0;
      while (n < batch && splitter.Next(b[n])) ++n;
      return n;
    };
    // A persistent pool: each batch wakes the workers (no thread is started per batch). Each
    // decodes, decides and renders its share into its own buffer and writes it when its turn
    // comes (shares in order, batch after batch), so the rendered decisions never move to
    // another core; the last to finish wakes this thread.
    std::mutex mutex;
    std::condition_variable wake, done, turn_cv;
    uint64_t generation = 0;
    uint64_t turn = 0;  // the share whose output is written next, counted over all batches
    unsigned pending = 0;
    bool quit = false;
    std::vector<io::RawLine>* current = nullptr;
    size_t current_n = 0;
    std::vector<Counts> worker_counts(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        uint64_t seen = 0;
        std::string rendered;
        // One record, result and rendering per worker, reused for every line: they stay in this
        // core's cache (a slot per line would stream the whole batch's state through memory).
        Slot local(&layout);
        for (;;) {
          std::vector<io::RawLine>* b = nullptr;
          size_t n = 0;
          {
            std::unique_lock<std::mutex> lock(mutex);
            wake.wait(lock, [&] { return quit || generation != seen; });
            if (quit) return;
            seen = generation;
            b = current;
            n = current_n;
          }
          const size_t per = (n + threads - 1) / threads;
          const size_t begin = std::min(n, t * per), end = std::min(n, begin + per);
          rendered.clear();
          for (size_t i = begin; i < end; ++i) {
            decoders[t]->Decode((*b)[i], local.record, local.read);
            screener.Process(local);
            rendered += local.line;
            Tally(local, worker_counts[t]);
          }
          const uint64_t my_turn = (seen - 1) * threads + t;
          std::unique_lock<std::mutex> lock(mutex);
          turn_cv.wait(lock, [&] { return turn == my_turn; });
          output.Write(rendered);
          ++turn;
          turn_cv.notify_all();
          if (--pending == 0) done.notify_one();
        }
      });
    }
    auto start_batch = [&](std::vector<io::RawLine>& b, size_t n) {
      std::lock_guard<std::mutex> lock(mutex);
      current = &b;
      current_n = n;
      pending = threads;
      ++generation;
      wake.notify_all();
    };
    auto wait_batch = [&] {
      std::unique_lock<std::mutex> lock(mutex);
      done.wait(lock, [&] { return pending == 0; });
    };
    int cur = 0;
    uint64_t split_total = 0;
    size_t n = split(slots[cur]);
    while (n > 0) {
      start_batch(slots[cur], n);
      split_total += n;
      const size_t next_n = n < batch ? 0 : split(slots[1 - cur]);
      wait_batch();
      progress.Update(split_total);
      cur = 1 - cur;
      n = next_n;
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      quit = true;
      wake.notify_all();
    }
    for (auto& w : pool) w.join();
    for (const Counts& c : worker_counts) {
      for (size_t e = 0; e < std::size(c.by_effect); ++e) counts.by_effect[e] += c.by_effect[e];
      counts.total += c.total;
      counts.tripped = counts.tripped || c.tripped;
    }
  } else if (threads <= 1) {
    Slot s(&layout);
    while (reader->Next(s.record, s.read)) {
      screener.Process(s);
      output.Write(s.line);
      Tally(s, counts);
      if ((counts.total & 1023) == 0) progress.Update(counts.total);
    }
  } else {
    // CSV: read a batch (CSV records may span lines, so reading stays on this thread), decide its
    // records on `threads` threads, write it in order.
    const size_t batch = 1024 * threads;
    std::vector<Slot> slots;
    slots.reserve(batch);
    for (size_t i = 0; i < batch; ++i) slots.emplace_back(&layout);
    for (;;) {
      size_t n = 0;
      while (n < batch && reader->Next(slots[n].record, slots[n].read)) ++n;
      if (n == 0) break;
      std::vector<std::thread> workers;
      size_t per = (n + threads - 1) / threads;
      for (unsigned t = 0; t < threads; ++t) {
        size_t begin = t * per, end = std::min(n, begin + per);
        if (begin >= end) break;
        workers.emplace_back([&, begin, end] {
          for (size_t i = begin; i < end; ++i) screener.Process(slots[i]);
        });
      }
      for (auto& w : workers) w.join();
      for (size_t i = 0; i < n; ++i) {
        output.Write(slots[i].line);
        Tally(slots[i], counts);
      }
      progress.Update(counts.total);
      if (n < batch) break;
    }
  }
  progress.Clear();
  if (input->bad()) {
    output.Abandon();
    WriteStderr(fmt::format("licit: error reading records `{}`\n", records));
    return kExitInputErrors;
  }
  if (!output.Commit(&error)) {
    WriteStderr(fmt::format("licit: {}\n", error));
    return kExitInternal;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (summary != SummaryMode::kNone) WriteStderr(Summary(counts, summary, seconds, out));
  // An incomplete screen (records not judged) outranks a tripped --fail-on: the unjudged
  // records might have tripped it too.
  if (counts.by_effect[static_cast<int>(rt::DecisionEffect::Error)] > 0) return kExitInputErrors;
  if (counts.tripped) return kExitFailOn;
  return kExitOk;
}

}  // namespace

const Command kRunCommand = {
    "run",
    "screen a file of records (JSON Lines or CSV) and write one decision per record",
    R"(Usage: licit run [OPTIONS] FILE... --records R [--out O]

Compiles the policy files, then judges every record of R and writes one decision per input
record, in input order: JSON Lines (default) or CSV. A record that cannot be read or judged gets
an `error` decision naming its line and the reason; the run goes on. A summary (counts per
effect, records/s) goes to stderr, and a progress bar when stderr is a terminal.

Options:
  --records R            the records: a .jsonl/.json/.ndjson or .csv file, or `-` for stdin
  --format jsonl|csv     the format of R (default: from its extension; stdin: jsonl)
  --out O                write the decisions to O instead of stdout; O appears only when the
                         run is complete (written to a temporary file beside it, then renamed)
  --out-format jsonl|csv the decisions' format (default: csv when O ends in .csv, else jsonl)
  --as-of DATE           judge every record at DATE instead of its `date` (what-if)
  --fail-on deny|license|review
                         exit 3 when any decision is at least that strong
  --threads N            decide on N threads (0: one per core; default 1); output order is
                         always the input order
  --engine jit|interp    the evaluation engine (default: jit, the LLVM JIT; interp is the
                         reference interpreter, which decides the same)
  --summary full|counts|none
                         the summary on stderr: with timing (default), counts only, or none
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help             show this help

CSV records: the header names fields by path (`item.cn`); an empty cell is a missing field;
the elements of a set or list cell are separated by `;`.

Exit status: 0 ok, 1 policy errors, 2 usage error, 3 --fail-on tripped, 4 some records could
not be read or judged (wins over 3), 70 internal error.

Example:
  licit run examples/cn-japan-2026.licit --records examples/shipments.jsonl --out decisions.jsonl
  licit run policy.licit --records - --fail-on deny < shipments.jsonl
)",
    RunRun,
};

}  // namespace licit::cli
