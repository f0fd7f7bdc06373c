// The native half of the Python package `licit` (docs/python.md): a thin pybind11 layer over the
// public C++ API (api/include/licit/licit.hpp). Decisions cross into Python as the JSON text
// `licit eval` prints, which python/licit/__init__.py turns into objects; so Python sees exactly
// what the CLI prints, and this file stays free of per-field conversions.
//
// The GIL is released while the engine works; one Policy is used by many threads at once, as
// the C++ API allows.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <sys/stat.h>

#include "licit/licit.hpp"

namespace py = pybind11;

namespace {

// One engine per process (the JIT), shared by every compile.
const licit::Engine& SharedEngine() {
  static const licit::Engine engine;
  return engine;
}

// What a compile gives Python: the policy (empty when it did not compile) and the diagnostics as
// text (for the exception's message) and as JSON (for CompileError.diagnostics).
struct CompileResult {
  std::optional<licit::Policy> policy;
  std::string diagnostics_text;
  std::string diagnostics_json;
  size_t warnings = 0;
};

CompileResult FromCompilation(const licit::Compilation& c) {
  CompileResult r;
  if (c.ok()) r.policy = c.policy();
  r.diagnostics_text = c.diagnostics_text();
  r.diagnostics_json = c.diagnostics_json();
  r.warnings = c.warning_count();
  return r;
}

licit::DecideOptions Options(const std::optional<std::string>& as_of) {
  licit::DecideOptions options;
  options.as_of = as_of;
  return options;
}

// Decides every line on `threads` threads (0: every core), in order: one JSON decision each.
std::vector<std::string> DecideMany(const licit::Policy& policy, std::vector<std::string> lines,
                                    const std::optional<std::string>& as_of, unsigned threads) {
  std::vector<std::string> out(lines.size());
  const licit::DecideOptions options = Options(as_of);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Below a few hundred records a thread costs more than it saves.
  threads = static_cast<unsigned>(std::min<size_t>(threads, 1 + lines.size() / 256));
  auto run = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = policy.decide_json(lines[i], options).to_json();
  };
  if (threads <= 1) {
    run(0, lines.size());
    return out;
  }
  std::vector<std::thread> pool;
  const size_t per = (lines.size() + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const size_t begin = std::min(lines.size(), t * per);
    const size_t end = std::min(lines.size(), begin + per);
    if (begin < end) pool.emplace_back(run, begin, end);
  }
  for (std::thread& th : pool) th.join();
  return out;
}

// What screen_file reports: the records, the counts by effect name, the error that stopped it
// ("" when every record was screened), and the seconds it took.
struct ScreenResult {
  uint64_t records = 0;
  std::vector<std::pair<std::string, uint64_t>> counts;
  std::string error;
  bool file_error = false;  // `error` is about opening or writing the files (an OSError)
  double seconds = 0;
};

licit::RecordFormat Format(const std::string& name) {
  if (name == "csv") return licit::RecordFormat::Csv;
  if (name == "jsonl") return licit::RecordFormat::JsonLines;
  throw py::value_error("a format is \"jsonl\" or \"csv\", not \"" + name + "\"");
}

// A byte range of a records file: all of it by default, or [start, stop) (a cluster's partition;
// ScreenOptions::first_line numbers its first line).
struct ByteRange {
  uint64_t start = 0;
  std::optional<uint64_t> stop;
};

// At most `limit` bytes of another stream buffer, from where it stands: a partition of a file
// read in place. Bulk reads (the screen reads blocks of about 1 MiB) go straight to the source.
class BoundedStreambuf : public std::streambuf {
 public:
  BoundedStreambuf(std::streambuf* source, uint64_t limit) : source_(source), left_(limit) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::streamsize got = Fill(buffer_, static_cast<std::streamsize>(sizeof buffer_));
    if (got <= 0) return traits_type::eof();
    setg(buffer_, buffer_, buffer_ + got);
    return traits_type::to_int_type(*gptr());
  }
  std::streamsize xsgetn(char* out, std::streamsize n) override {
    std::streamsize done = std::min<std::streamsize>(n, egptr() - gptr());
    if (done > 0) {
      std::memcpy(out, gptr(), static_cast<size_t>(done));
      gbump(static_cast<int>(done));
    }
    while (done < n) {
      const std::streamsize got = Fill(out + done, n - done);
      if (got <= 0) break;
      done += got;
    }
    return done;
  }

 private:
  std::streamsize Fill(char* out, std::streamsize n) {
    const auto want =
        static_cast<std::streamsize>(std::min<uint64_t>(left_, static_cast<uint64_t>(n)));
    if (want == 0) return 0;
    const std::streamsize got = source_->sgetn(out, want);
    if (got > 0) left_ -= static_cast<uint64_t>(got);
    return got;
  }

  std::streambuf* source_;
  uint64_t left_;
  char buffer_[1 << 16];
};

// A byte range of a file as an input stream.
class FileRange : public std::istream {
 public:
  FileRange(std::unique_ptr<std::ifstream> file, uint64_t limit)
      : std::istream(nullptr), file_(std::move(file)), range_(file_->rdbuf(), limit) {
    rdbuf(&range_);
  }

 private:
  std::unique_ptr<std::ifstream> file_;
  BoundedStreambuf range_;
};

// The records to screen: the file itself, or a byte range of it read in place.
std::unique_ptr<std::istream> OpenRecords(const std::string& records, const ByteRange& range,
                                          std::string& error) {
  auto file = std::make_unique<std::ifstream>(records, std::ios::binary);
  if (!*file) {
    error = "cannot read the records `" + records + "`";
    return nullptr;
  }
  if (range.start == 0 && !range.stop) return file;
  file->seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(file->tellg());
  const uint64_t stop = std::min(range.stop.value_or(size), size);
  if (range.start > stop) {
    error = "the range starts at byte " + std::to_string(range.start) + ", past its end (" +
            std::to_string(stop) + ")";
    return nullptr;
  }
  if (!file->seekg(static_cast<std::streamoff>(range.start))) {
    error = "cannot read the records `" + records + "`";
    return nullptr;
  }
  return std::make_unique<FileRange>(std::move(file), stop - range.start);
}

// `licit run` from Python: the records file (or a range of it) screened on `threads` threads,
// the decisions written to `out` (through a temporary file beside it, renamed when complete, as
// `licit run --out` does), or only counted when `out` is empty.
ScreenResult ScreenFile(const licit::Policy& policy, const std::string& records,
                        const ByteRange& range, const std::string& out,
                        licit::ScreenOptions options) {
  ScreenResult result;
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<std::istream> input = OpenRecords(records, range, result.error);
  if (!input) {
    result.file_error = true;
    return result;
  }
  std::istream& in = *input;
  // A device, FIFO or socket (out="/dev/null", a named pipe) is written in place: renaming a
  // file over it would replace it with a regular file (for root, /dev/null itself).
  struct stat st;
  const bool in_place =
      !out.empty() && stat(out.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
  const std::string partial = out.empty() ? "" : in_place ? out : out + ".partial";
  std::ofstream sink;
  if (!out.empty()) {
    sink.open(partial, std::ios::binary | std::ios::trunc);
    if (!sink) {
      result.error = "cannot write `" + partial + "`";
      result.file_error = true;
      return result;
    }
  }
  licit::ScreenSummary summary = policy.screen(
      in,
      [&](std::string_view chunk) {
        if (!out.empty()) sink.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      },
      options);
  result.records = summary.records;
  for (int e = 0; e <= static_cast<int>(licit::Effect::Error); ++e) {
    const auto effect = static_cast<licit::Effect>(e);
    result.counts.emplace_back(licit::effect_name(effect), summary.count(effect));
  }
  result.error = summary.error;
  if (!out.empty()) {
    sink.close();
    if (!sink && result.error.empty()) {
      result.error = "cannot write `" + partial + "`";
      result.file_error = true;
    }
    if (!in_place && result.error.empty() && std::rename(partial.c_str(), out.c_str()) != 0) {
      result.error = "cannot rename `" + partial + "` to `" + out + "`";
      result.file_error = true;
    }
    if (!in_place && !result.error.empty()) std::remove(partial.c_str());
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// Policy::jit_state as Python sees it: "none", "compiling", "ready" or "failed".
const char* JitStateName(licit::JitState state) {
  switch (state) {
    case licit::JitState::None: return "none";
    case licit::JitState::Compiling: return "compiling";
    case licit::JitState::Ready: return "ready";
    case licit::JitState::Failed: return "failed";
  }
  return "none";
}

}  // namespace

PYBIND11_MODULE(_licit, m) {
  m.doc() = "Licit's native module; use the `licit` package (docs/python.md).";
  m.attr("__version__") = licit::version();

  py::class_<CompileResult>(m, "_CompileResult")
      .def_readonly("policy", &CompileResult::policy)
      .def_readonly("diagnostics_text", &CompileResult::diagnostics_text)
      .def_readonly("diagnostics_json", &CompileResult::diagnostics_json)
      .def_readonly("warnings", &CompileResult::warnings);

  py::class_<ScreenResult>(m, "_ScreenResult")
      .def_readonly("records", &ScreenResult::records)
      .def_readonly("counts", &ScreenResult::counts)
      .def_readonly("error", &ScreenResult::error)
      .def_readonly("file_error", &ScreenResult::file_error)
      .def_readonly("seconds", &ScreenResult::seconds);

  py::class_<licit::Policy>(m, "NativePolicy")
      .def_property_readonly("digest", &licit::Policy::digest)
      .def_property_readonly("names", &licit::Policy::names)
      .def_property_readonly("rule_count", &licit::Policy::rule_count)
      .def_property_readonly("input_type", &licit::Policy::input_type)
      .def_property_readonly("source_files", &licit::Policy::source_files)
      .def_property_readonly("jit_state",
                             [](const licit::Policy& p) { return JitStateName(p.jit_state()); })
      .def("wait_for_jit",
           [](const licit::Policy& p) {
             licit::JitState state;
             {
               py::gil_scoped_release release;
               state = p.wait_for_jit();
             }
             return JitStateName(state);
           })
      .def_property_readonly("sources", &licit::Policy::sources)
      .def_property_readonly("root_files",
                             [](const licit::Policy& p) {
                               std::vector<std::string> out;
                               for (const licit::PolicyInfo& info : p.policies())
                                 out.push_back(info.file);
                               return out;
                             })
      .def_property_readonly("fields",
                             [](const licit::Policy& p) {
                               std::vector<std::tuple<std::string, std::string, bool>> out;
                               for (const licit::FieldInfo& f : p.fields())
                                 out.emplace_back(f.path, f.type, f.optional);
                               return out;
                             })
      .def(
          "decide_json",
          [](const licit::Policy& p, const std::string& record,
             const std::optional<std::string>& as_of) {
            py::gil_scoped_release release;
            return p.decide_json(record, Options(as_of)).to_json();
          },
          py::arg("record"), py::arg("as_of") = py::none())
      .def(
          "decide_many",
          [](const licit::Policy& p, std::vector<std::string> lines,
             const std::optional<std::string>& as_of, unsigned threads) {
            py::gil_scoped_release release;
            return DecideMany(p, std::move(lines), as_of, threads);
          },
          py::arg("lines"), py::arg("as_of") = py::none(), py::arg("threads") = 0)
      .def(
          "explain_text",
          [](const licit::Policy& p, const std::string& record,
             const std::optional<std::string>& as_of) {
            py::gil_scoped_release release;
            return p.explain_json(record, Options(as_of)).to_text();
          },
          py::arg("record"), py::arg("as_of") = py::none())
      .def(
          "explain_json",
          [](const licit::Policy& p, const std::string& record,
             const std::optional<std::string>& as_of) {
            py::gil_scoped_release release;
            return p.explain_json(record, Options(as_of)).to_json();
          },
          py::arg("record"), py::arg("as_of") = py::none())
      .def("test_json",
           [](const licit::Policy& p) {
             py::gil_scoped_release release;
             return p.run_tests().to_json();
           })
      .def(
          "screen_text",
          [](const licit::Policy& p, const std::string& records, const std::string& input_format,
             unsigned threads, const std::optional<std::string>& as_of) {
            licit::ScreenOptions options;
            options.input = Format(input_format);
            options.threads = threads;
            options.as_of = as_of;
            std::string out;
            std::string error;
            {
              py::gil_scoped_release release;
              std::istringstream in(records);
              licit::ScreenSummary summary =
                  p.screen(in, [&](std::string_view chunk) { out.append(chunk); }, options);
              error = summary.error;
            }
            if (!error.empty()) throw py::value_error(error);
            return py::bytes(out);
          },
          py::arg("records"), py::arg("input_format"), py::arg("threads"), py::arg("as_of"))
      .def(
          "screen_file",
          [](const licit::Policy& p, const std::string& records, const std::string& out,
             const std::string& input_format, const std::string& output_format, unsigned threads,
             const std::optional<std::string>& as_of, uint64_t start, std::optional<uint64_t> stop,
             uint64_t first_line) {
            licit::ScreenOptions options;
            options.input = Format(input_format);
            options.output = Format(output_format);
            options.threads = threads;
            options.as_of = as_of;
            options.first_line = first_line;
            py::gil_scoped_release release;
            return ScreenFile(p, records, ByteRange{start, stop}, out, std::move(options));
          },
          py::arg("records"), py::arg("out"), py::arg("input_format"), py::arg("output_format"),
          py::arg("threads"), py::arg("as_of"), py::arg("start") = 0,
          py::arg("stop") = std::nullopt, py::arg("first_line") = 1);

  m.def(
      "compile_files",
      [](const std::vector<std::string>& paths) {
        py::gil_scoped_release release;
        return FromCompilation(SharedEngine().compile_files(paths));
      },
      py::arg("paths"));
  m.def(
      "compile_sources",
      [](const std::vector<std::pair<std::string, std::string>>& files, size_t roots) {
        py::gil_scoped_release release;
        return FromCompilation(SharedEngine().compile_sources(files, roots));
      },
      py::arg("files"), py::arg("roots"));
  m.def(
      "compile_source",
      [](const std::string& name, const std::string& text) {
        py::gil_scoped_release release;
        return FromCompilation(SharedEngine().compile_source(name, text));
      },
      py::arg("name"), py::arg("text"));
  // Called at the interpreter's exit (licit/__init__.py registers it with atexit), before module
  // globals that may hold policies are torn down.
  m.def("_stop_background_compiles", [] {
    py::gil_scoped_release release;
    licit::stop_background_compiles();
  });
}
