// The C ABI (licit.h) over the C++ API. Every entry point that returns a status runs its body in
// Guard, which catches everything, so no exception crosses into C; the others cannot throw. Each
// handle starts with a type tag that *_free clears; the Check* helpers below are the argument and
// handle checks the entry points start with.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <new>
#include <streambuf>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "api/src/state.h"
#include "base/source.h"
#include "licit/licit.h"
#include "licit/licit.hpp"

namespace {

// Type tags: one per handle type; kDead after *_free.
enum : uint32_t {
  kEngineTag = 0x4c45'4e47,       // "LENG"
  kCompilationTag = 0x4c43'4f4d,  // "LCOM"
  kPolicyTag = 0x4c50'4f4c,       // "LPOL"
  kDecisionTag = 0x4c44'4543,     // "LDEC"
  kExplanationTag = 0x4c45'5850,  // "LEXP"
  kRecordTag = 0x4c52'4543,       // "LREC"
  kSlotTag = 0x4c53'4c54,         // "LSLT"
  kDeadTag = 0xdead'beef,
};

thread_local std::string t_last_error;

licit_status Ok() {
  t_last_error.clear();
  return LICIT_OK;
}

licit_status Fail(licit_status status, std::string message) {
  try {
    t_last_error = std::move(message);
  } catch (...) {
    t_last_error.clear();
  }
  return status;
}

licit_status Null(const char* what) {
  return Fail(LICIT_ERR_INVALID_ARGUMENT, std::string(what) + " is NULL");
}

bool ValidUtf8(std::string_view text) {
  return licit::FindInvalidUtf8(text) == std::string_view::npos;
}

licit_status BadUtf8(const char* what) {
  return Fail(LICIT_ERR_UTF8, std::string(what) + " is not valid UTF-8");
}

char* CopyString(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

}  // namespace

struct licit_engine {
  uint32_t tag = kEngineTag;
  licit::Engine engine;
};
struct licit_compilation {
  uint32_t tag = kCompilationTag;
  licit::Compilation compilation;
  std::vector<licit::DiagnosticInfo> diagnostics;  // computed once: accessors borrow from it
};
struct licit_policy {
  uint32_t tag = kPolicyTag;
  licit::Policy policy;
};
struct licit_decision {
  uint32_t tag = kDecisionTag;
  licit::Decision decision;
};
struct licit_explanation {
  uint32_t tag = kExplanationTag;
  licit::Explanation explanation;
  licit_decision decision;  // a view of explanation.decision() for licit_explanation_decision
};
struct licit_record {
  uint32_t tag = kRecordTag;
  licit::Record record;
};
struct licit_policy_slot {
  uint32_t tag = kSlotTag;
  licit::PolicySlot slot;
};

namespace {

// The type tag of each handle type: Check, Live and Free read it from the pointer's type.
template <class H>
constexpr uint32_t kTagOf = 0;
template <>
constexpr uint32_t kTagOf<licit_engine> = kEngineTag;
template <>
constexpr uint32_t kTagOf<licit_compilation> = kCompilationTag;
template <>
constexpr uint32_t kTagOf<licit_policy> = kPolicyTag;
template <>
constexpr uint32_t kTagOf<licit_decision> = kDecisionTag;
template <>
constexpr uint32_t kTagOf<licit_explanation> = kExplanationTag;
template <>
constexpr uint32_t kTagOf<licit_record> = kRecordTag;
template <>
constexpr uint32_t kTagOf<licit_policy_slot> = kSlotTag;

// ---- The checks every entry point starts with ----------------------------------------------
//
// Each returns LICIT_OK, or the failure's status with the last error set; an entry point runs
// them in order and returns the first failure:
//   if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
//   if (!json) return Null("json");

// A required out-parameter, cleared (*out = NULL) so the caller never reads a stale value.
template <class T>
licit_status ClearOut(T** out, const char* what = "out") {
  if (!out) return Null(what);
  *out = nullptr;
  return LICIT_OK;
}

// A handle: NULL is LICIT_ERR_INVALID_ARGUMENT; a handle of another type, or one freed (best
// effort: see licit.h), LICIT_ERR_INVALID_HANDLE.
template <class H>
licit_status Check(const H* h, const char* what) {
  if (!h) return Null(what);
  if (h->tag != kTagOf<H>) {
    return Fail(LICIT_ERR_INVALID_HANDLE,
                std::string(what) + " is not a live " + what + " handle (freed, or another type)");
  }
  return LICIT_OK;
}

// The usual start: the out-parameter (checked and cleared), then the handle the call reads.
template <class T, class H>
licit_status CheckOutAndHandle(T** out, const H* h, const char* what) {
  if (licit_status s = ClearOut(out); s != LICIT_OK) return s;
  return Check(h, what);
}

// An index into a handle's list of `size` things: "<what> index 4 out of range (3)".
licit_status CheckIndex(size_t index, size_t size, const char* what) {
  if (index < size) return LICIT_OK;
  return Fail(LICIT_ERR_INVALID_ARGUMENT, std::string(what) + " index " + std::to_string(index) +
                                              " out of range (" + std::to_string(size) + ")");
}

// For accessors that cannot return a status: whether `h` is a live handle of its type.
template <class H>
bool Live(const H* h) {
  return h && h->tag == kTagOf<H>;
}

template <class H>
void Free(H* h) {
  if (!h || h->tag != kTagOf<H>) return;  // NULL is allowed; a double free is ignored (best effort)
  h->tag = kDeadTag;
  delete h;
}

// Runs the body of an entry point, `body()` returning a licit_status, and turns any exception it
// throws into LICIT_ERR_INTERNAL with the last error set: no exception crosses the C ABI.
template <class Body>
licit_status Guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(LICIT_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    try {
      return Fail(LICIT_ERR_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {  // no memory for the message
      return Fail(LICIT_ERR_INTERNAL, "out of memory");
    }
  } catch (...) {
    return Fail(LICIT_ERR_INTERNAL, "internal error");
  }
}

// An entry point that returns a new string made from a handle: `make(*h)` returns a std::string,
// which goes out through *out (the caller frees it with licit_string_free).
template <class H, class Make>
licit_status StringOut(const H* h, const char* what, char** out, Make&& make) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, h, what); s != LICIT_OK) return s;
    *out = CopyString(make(*h));
    return Ok();
  });
}

licit_status DecisionStatus(const licit::Decision& d) {
  switch (d.error_kind()) {
    case licit::ErrorKind::None: return Ok();
    case licit::ErrorKind::Json: return Fail(LICIT_ERR_JSON, d.error());
    case licit::ErrorKind::Utf8: return Fail(LICIT_ERR_UTF8, d.error());
    case licit::ErrorKind::Record:
    case licit::ErrorKind::Date: return Fail(LICIT_ERR_RECORD, d.error());
    case licit::ErrorKind::Options: return Fail(LICIT_ERR_INVALID_ARGUMENT, d.error());
    case licit::ErrorKind::NoPolicy: return Fail(LICIT_ERR_NO_POLICY, d.error());
  }
  return Fail(LICIT_ERR_INTERNAL, d.error());
}

// Validates as_of up front so a bad one gives no decision.
licit_status Options(const char* as_of, licit::DecideOptions& options) {
  if (!as_of) return LICIT_OK;
  if (!ValidUtf8(as_of)) return BadUtf8("as_of");
  options.as_of = as_of;
  return LICIT_OK;
}

// Finishes a decide call: the decision goes out unless it is a bad-options error. Callers build
// the handle around the decide call's result (`new licit_decision{tag, policy.decide...(...)}`),
// so the decision is constructed in place, never moved.
licit_status Emit(licit_decision* h, licit_decision** out) {
  licit::ErrorKind kind = h->decision.error_kind();
  if (kind == licit::ErrorKind::Options || kind == licit::ErrorKind::NoPolicy) {
    licit_status s = DecisionStatus(h->decision);
    delete h;
    return s;
  }
  *out = h;
  return DecisionStatus(h->decision);
}

const licit::rt::Decision& Raw(const licit_decision* d) {
  return licit::detail::DecisionData::Get(d->decision);
}

licit_status DecideJson(const licit::Policy& policy, const char* json, size_t len,
                        const char* as_of, licit_decision** out, uint64_t line = 0) {
  licit::DecideOptions options;
  if (line > 0) options.line = line;
  if (licit_status s = Options(as_of, options); s != LICIT_OK) return s;
  return Emit(
      new licit_decision{kDecisionTag, policy.decide_json(std::string_view(json, len), options)},
      out);
}

// ---- Screening a file descriptor --------------------------------------------------------------

// A read-only std::streambuf over a file descriptor, for Policy::screen. It never throws: a read
// error ends the stream (EOF) and is kept in error(), so the screen finishes the records read
// before it. EINTR is retried; a non-blocking descriptor is waited for with poll(). The buffer is
// allocated up front, so reading allocates nothing.
class FdStreamBuf : public std::streambuf {
 public:
  explicit FdStreamBuf(int fd) : fd_(fd), buffer_(kBufferBytes) {}

  // errno of the failed read(), 0 when none failed.
  int error() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::streamsize got =
        ReadSome(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (got <= 0) return traits_type::eof();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    return traits_type::to_int_type(*gptr());
  }

  // Large reads (the screen asks for blocks of about 1 MiB) go straight into the caller's buffer;
  // it gets `n` bytes unless the input ends first (istream::read takes a short count for EOF).
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n) {
      const std::streamsize buffered = egptr() - gptr();
      if (buffered > 0) {
        const std::streamsize take = std::min(buffered, n - done);
        std::memcpy(s + done, gptr(), static_cast<size_t>(take));
        gbump(static_cast<int>(take));
        done += take;
      } else if (n - done >= static_cast<std::streamsize>(buffer_.size())) {
        const std::streamsize got = ReadSome(s + done, n - done);
        if (got <= 0) break;
        done += got;
      } else if (traits_type::eq_int_type(underflow(), traits_type::eof())) {
        break;
      }
    }
    return done;
  }

  // tellg(): the bytes consumed so far (the CSV screen reports progress with it). No seeking.
  pos_type seekoff(off_type off, std::ios_base::seekdir dir,
                   std::ios_base::openmode which) override {
    if (off != 0 || dir != std::ios_base::cur || !(which & std::ios_base::in))
      return pos_type(off_type(-1));
    return pos_type(static_cast<off_type>(read_ - static_cast<uint64_t>(egptr() - gptr())));
  }

 private:
  static constexpr size_t kBufferBytes = size_t{64} << 10;

  // read(2) once (retrying EINTR, waiting on EAGAIN); 0 at the end of the input or after an
  // error, which then sticks.
  std::streamsize ReadSome(char* to, std::streamsize n) {
    if (ended_) return 0;
    const size_t want = static_cast<size_t>(std::min<std::streamsize>(n, std::streamsize{1} << 30));
    for (;;) {
      const ssize_t got = ::read(fd_, to, want);
      if (got > 0) {
        read_ += static_cast<uint64_t>(got);
        return got;
      }
      if (got == 0) break;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        pollfd wait{fd_, POLLIN, 0};
        if (::poll(&wait, 1, -1) >= 0 || errno == EINTR) continue;
      }
      error_ = errno;
      break;
    }
    ended_ = true;
    return 0;
  }

  int fd_;
  std::vector<char> buffer_;
  uint64_t read_ = 0;  // bytes read from fd_
  bool ended_ = false;
  int error_ = 0;
};

// Thrown through Policy::screen by the callback wrappers when a C callback asks to stop.
struct ScreenStopped {};

// The C callbacks of one screen, wrapped for Policy::screen. The first callback to return nonzero
// is remembered (under the atomic flag: the writer and progress may run on different threads);
// later calls are not made.
struct ScreenCallbacks {
  licit_write_fn write;
  void* write_user;
  licit_progress_fn progress;
  void* progress_user;
  std::atomic<bool> stopped{false};
  const char* stopped_by = nullptr;  // "write" or "progress"; read after the screen returns
  int stop_code = 0;

  [[noreturn]] void Stop(const char* who, int code) {
    bool expected = false;
    if (stopped.compare_exchange_strong(expected, true)) {
      stopped_by = who;
      stop_code = code;
    }
    throw ScreenStopped{};
  }
  void Write(std::string_view chunk) {
    if (stopped.load()) throw ScreenStopped{};
    if (int code = write(write_user, chunk.data(), chunk.size()); code != 0) Stop("write", code);
  }
  void Progress(uint64_t records, uint64_t bytes) {
    if (stopped.load()) return;
    if (int code = progress(progress_user, records, bytes); code != 0) Stop("progress", code);
  }
};

// Reads the C options into the C++ ones; LICIT_OK or an error status with the last error set.
licit_status ScreenOptionsFrom(const licit_screen_options& in, licit::ScreenOptions& out) {
  auto format = [](licit_format f, licit::RecordFormat& to) {
    if (f == LICIT_FORMAT_JSON_LINES) {
      to = licit::RecordFormat::JsonLines;
    } else if (f == LICIT_FORMAT_CSV) {
      to = licit::RecordFormat::Csv;
    } else {
      return false;
    }
    return true;
  };
  if (!format(in.input, out.input)) {
    return Fail(LICIT_ERR_INVALID_ARGUMENT,
                "input must be LICIT_FORMAT_JSON_LINES or LICIT_FORMAT_CSV");
  }
  if (!format(in.output, out.output)) {
    return Fail(LICIT_ERR_INVALID_ARGUMENT,
                "output must be LICIT_FORMAT_JSON_LINES or LICIT_FORMAT_CSV");
  }
  out.threads = in.threads;
  if (in.as_of) {
    if (!ValidUtf8(in.as_of)) return BadUtf8("as_of");
    out.as_of = in.as_of;
    licit::decide::DecideOptions resolved;
    std::string error;
    if (!licit::detail::ResolveOptions(licit::DecideOptions{out.as_of, std::nullopt}, resolved,
                                       error)) {
      return Fail(LICIT_ERR_INVALID_ARGUMENT, error);
    }
  }
  switch (in.fail_on) {
    case LICIT_EFFECT_ALLOW: break;
    case LICIT_EFFECT_REVIEW:
    case LICIT_EFFECT_LICENSE:
    case LICIT_EFFECT_DENY: out.fail_on = static_cast<licit::Effect>(in.fail_on); break;
    default:
      return Fail(LICIT_ERR_INVALID_ARGUMENT,
                  "fail_on must be LICIT_EFFECT_ALLOW (never), LICIT_EFFECT_REVIEW, "
                  "LICIT_EFFECT_LICENSE or LICIT_EFFECT_DENY");
  }
  return LICIT_OK;
}

// licit_policy_screen_fd without the summary's error text (the caller copies the last error).
licit_status ScreenFd(const licit_policy* p, int input_fd, licit_write_fn write, void* user,
                      const licit_screen_options* c_options, licit_screen_summary* out) {
  return Guard([&] {
    if (licit_status s = Check(p, "policy"); s != LICIT_OK) return s;
    if (!write) return Null("write");
    licit_screen_options defaults;
    licit_screen_options_init(&defaults);
    licit::ScreenOptions options;
    if (licit_status s = ScreenOptionsFrom(c_options ? *c_options : defaults, options);
        s != LICIT_OK) {
      return s;
    }
    if (input_fd < 0) {
      return Fail(LICIT_ERR_INVALID_ARGUMENT,
                  "input_fd " + std::to_string(input_fd) + " is not a file descriptor");
    }
    const int flags = ::fcntl(input_fd, F_GETFL);
    if (flags == -1) {
      return Fail(LICIT_ERR_INVALID_ARGUMENT, "input_fd " + std::to_string(input_fd) +
                                                  " is not open (" + std::strerror(errno) + ")");
    }
    if ((flags & O_ACCMODE) == O_WRONLY) {
      return Fail(LICIT_ERR_INVALID_ARGUMENT,
                  "input_fd " + std::to_string(input_fd) + " is not open for reading");
    }
    ScreenCallbacks callbacks{write, user, c_options ? c_options->progress : nullptr,
                              c_options ? c_options->progress_user : nullptr};
    if (callbacks.progress) {
      options.progress = [&callbacks](uint64_t records, uint64_t bytes) {
        callbacks.Progress(records, bytes);
      };
    }
    FdStreamBuf buffer(input_fd);
    std::istream input(&buffer);
    licit::ScreenSummary summary;
    try {
      summary = p->policy.screen(
          input, [&callbacks](std::string_view chunk) { callbacks.Write(chunk); }, options);
    } catch (const ScreenStopped&) {
      return Fail(LICIT_ERR_STOPPED,
                  std::string("the ") + (callbacks.stopped_by ? callbacks.stopped_by : "write") +
                      " callback returned " + std::to_string(callbacks.stop_code) +
                      ": the screen stopped");
    }
    if (out) {
      out->records = summary.records;
      std::copy(std::begin(summary.by_effect), std::end(summary.by_effect), out->by_effect);
      out->tripped = summary.tripped ? 1 : 0;
    }
    if (buffer.error() != 0) {
      return Fail(LICIT_ERR_IO, "error reading input_fd " + std::to_string(input_fd) + ": " +
                                    std::strerror(buffer.error()) + " (after " +
                                    std::to_string(summary.records) + " records)");
    }
    if (!summary.ok()) return Fail(LICIT_ERR_IO, summary.error);
    return Ok();
  });
}

// Copies `message` into a summary's error field, cut at a UTF-8 character boundary.
void CopyError(const std::string& message, char (&to)[256]) noexcept {
  size_t n = std::min(message.size(), sizeof to - 1);
  if (n < message.size()) {
    while (n > 0 && (static_cast<unsigned char>(message[n]) & 0xC0) == 0x80)
      --n;  // a continuation byte
  }
  std::memcpy(to, message.data(), n);
  to[n] = '\0';
}
}  // namespace

extern "C" {

// ---- Library ------------------------------------------------------------------------------

const char* licit_version(void) { return licit::version(); }

const char* licit_status_name(licit_status s) {
  switch (s) {
    case LICIT_OK: return "LICIT_OK";
    case LICIT_ERR_INVALID_ARGUMENT: return "LICIT_ERR_INVALID_ARGUMENT";
    case LICIT_ERR_INVALID_HANDLE: return "LICIT_ERR_INVALID_HANDLE";
    case LICIT_ERR_COMPILE: return "LICIT_ERR_COMPILE";
    case LICIT_ERR_JSON: return "LICIT_ERR_JSON";
    case LICIT_ERR_UTF8: return "LICIT_ERR_UTF8";
    case LICIT_ERR_RECORD: return "LICIT_ERR_RECORD";
    case LICIT_ERR_NO_POLICY: return "LICIT_ERR_NO_POLICY";
    case LICIT_ERR_UNAVAILABLE: return "LICIT_ERR_UNAVAILABLE";
    case LICIT_ERR_INTERNAL: return "LICIT_ERR_INTERNAL";
    case LICIT_ERR_IO: return "LICIT_ERR_IO";
    case LICIT_ERR_STOPPED: return "LICIT_ERR_STOPPED";
    case LICIT_STATUS_INT_MIN_:  // the range markers are not statuses
    case LICIT_STATUS_INT_MAX_: break;
  }
  return "LICIT_ERR_UNKNOWN_STATUS";
}

const char* licit_effect_name(licit_effect e) {
  if (static_cast<unsigned>(e) > LICIT_EFFECT_ERROR) return "error";
  return licit::effect_name(static_cast<licit::Effect>(e));
}

const char* licit_last_error(void) { return t_last_error.c_str(); }

void licit_string_free(char* s) { std::free(s); }

// ---- Engine and compilation ---------------------------------------------------------------

licit_status licit_engine_new(licit_engine** out) {
  return licit_engine_new_with(LICIT_ENGINE_DEFAULT, 0, out);
}

licit_status licit_engine_new_with(licit_engine_kind kind, int warnings_as_errors,
                                   licit_engine** out) {
  return Guard([&] {
    if (licit_status s = ClearOut(out); s != LICIT_OK) return s;
    licit::EngineOptions options;
    switch (kind) {
      case LICIT_ENGINE_DEFAULT: options.engine = licit::EngineKind::Default; break;
      case LICIT_ENGINE_INTERP: options.engine = licit::EngineKind::Interpreter; break;
      case LICIT_ENGINE_JIT:
        if (!licit::jit_available()) {
          return Fail(LICIT_ERR_UNAVAILABLE, "this build of licit has no JIT (built without LLVM)");
        }
        options.engine = licit::EngineKind::Jit;
        break;
      default:
        return Fail(LICIT_ERR_INVALID_ARGUMENT,
                    "kind must be LICIT_ENGINE_DEFAULT, LICIT_ENGINE_INTERP or LICIT_ENGINE_JIT");
    }
    options.warnings_as_errors = warnings_as_errors != 0;
    auto* h = new licit_engine{kEngineTag, licit::Engine(std::move(options))};
    *out = h;
    return Ok();
  });
}

void licit_engine_free(licit_engine* engine) { Free(engine); }

// The root files of a compilation or dump, checked: no NULLs, valid UTF-8, at least one.
static licit_status ReadPaths(const char* const* paths, size_t count,
                              std::vector<std::string>& files) {
  if (!paths && count > 0) return Null("paths");
  if (count == 0) return Fail(LICIT_ERR_INVALID_ARGUMENT, "no policy files given (count is 0)");
  for (size_t i = 0; i < count; ++i) {
    if (!paths[i])
      return Fail(LICIT_ERR_INVALID_ARGUMENT, "paths[" + std::to_string(i) + "] is NULL");
    if (!ValidUtf8(paths[i])) return BadUtf8("a path");
    files.emplace_back(paths[i]);
  }
  return LICIT_OK;
}

static licit_status FinishCompile(licit::Compilation&& c, licit_compilation** out) {
  auto* h = new licit_compilation;
  h->compilation = std::move(c);
  h->diagnostics = h->compilation.diagnostics();
  *out = h;
  if (h->compilation.ok()) return Ok();
  std::string first = "the policy has errors";
  for (const auto& d : h->diagnostics) {
    if (d.severity == licit::DiagnosticSeverity::Error) {
      first = "the policy has errors; the first: " + d.message;
      if (!d.file.empty()) {
        first +=
            " (" + d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ")";
      }
      break;
    }
  }
  return Fail(LICIT_ERR_COMPILE, first);
}

licit_status licit_compile_files(const licit_engine* engine, const char* const* paths, size_t count,
                                 licit_compilation** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, engine, "engine"); s != LICIT_OK) return s;
    std::vector<std::string> files;
    if (licit_status s = ReadPaths(paths, count, files); s != LICIT_OK) return s;
    return FinishCompile(engine->engine.compile_files(files), out);
  });
}

licit_status licit_dump_files(const licit_engine* engine, const char* const* paths, size_t count,
                              licit_dump_stage stage, char** text,
                              licit_compilation** diagnostics) {
  return Guard([&] {
    if (licit_status s = ClearOut(text, "text"); s != LICIT_OK) return s;
    if (diagnostics) *diagnostics = nullptr;
    if (licit_status s = Check(engine, "engine"); s != LICIT_OK) return s;
    if (stage < LICIT_DUMP_TOKENS || stage > LICIT_DUMP_LLVM) {
      return Fail(LICIT_ERR_INVALID_ARGUMENT,
                  "stage must be one of LICIT_DUMP_TOKENS ... LICIT_DUMP_LLVM");
    }
    std::vector<std::string> files;
    if (licit_status s = ReadPaths(paths, count, files); s != LICIT_OK) return s;
    licit::Dump dump = engine->engine.dump_files(files, static_cast<licit::DumpStage>(stage));
    char* t = CopyString(dump.text);
    licit_compilation* c = nullptr;
    licit_status status;
    try {
      status = FinishCompile(std::move(dump.compilation), &c);
    } catch (...) {
      std::free(t);
      throw;
    }
    *text = t;
    if (diagnostics) {
      *diagnostics = c;
    } else {
      licit_compilation_free(c);
    }
    return status;
  });
}

licit_status licit_compile_source(const licit_engine* engine, const char* name, const char* text,
                                  size_t len, licit_compilation** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, engine, "engine"); s != LICIT_OK) return s;
    if (!name) return Null("name");
    if (!text && len > 0) return Null("text");
    if (!ValidUtf8(name)) return BadUtf8("name");
    std::string_view source(text ? text : "", len);
    if (!ValidUtf8(source)) {
      // The compiler reports it precisely (E0002, with the line); still a UTF-8 status.
      licit_status s = FinishCompile(engine->engine.compile_source(name, source), out);
      return s == LICIT_OK ? s : Fail(LICIT_ERR_UTF8, t_last_error);
    }
    return FinishCompile(engine->engine.compile_source(name, source), out);
  });
}

int licit_compilation_ok(const licit_compilation* c) {
  return Live(c) && c->compilation.ok() ? 1 : 0;
}
size_t licit_compilation_error_count(const licit_compilation* c) {
  return Live(c) ? c->compilation.error_count() : 0;
}
size_t licit_compilation_warning_count(const licit_compilation* c) {
  return Live(c) ? c->compilation.warning_count() : 0;
}

licit_status licit_compilation_diagnostics_text(const licit_compilation* c, int color, char** out) {
  return StringOut(c, "compilation", out, [color](const licit_compilation& h) {
    return h.compilation.diagnostics_text(color != 0);
  });
}

licit_status licit_compilation_diagnostics_json(const licit_compilation* c, char** out) {
  return StringOut(c, "compilation", out,
                   [](const licit_compilation& h) { return h.compilation.diagnostics_json(); });
}

size_t licit_compilation_diagnostic_count(const licit_compilation* c) {
  return Live(c) ? c->diagnostics.size() : 0;
}

licit_status licit_compilation_diagnostic(const licit_compilation* c, size_t index,
                                          licit_diagnostic* out) {
  return Guard([&] {
    if (!out) return Null("out");
    if (licit_status s = Check(c, "compilation"); s != LICIT_OK) return s;
    if (licit_status s = CheckIndex(index, c->diagnostics.size(), "diagnostic"); s != LICIT_OK) {
      return s;
    }
    const licit::DiagnosticInfo& d = c->diagnostics[index];
    out->severity = static_cast<int>(d.severity);
    out->code = d.code.c_str();
    out->message = d.message.c_str();
    out->file = d.file.c_str();
    out->line = d.line;
    out->column = d.column;
    out->label = d.label.c_str();
    out->help = d.help.empty() ? "" : d.help.front().c_str();
    return Ok();
  });
}

licit_status licit_compilation_policy(const licit_compilation* c, licit_policy** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, c, "compilation"); s != LICIT_OK) return s;
    if (!c->compilation.ok()) {
      return Fail(LICIT_ERR_COMPILE, "the compilation failed, so it has no policy");
    }
    licit::Policy policy = c->compilation.policy();
    if (!policy.valid()) {
      return Fail(LICIT_ERR_NO_POLICY,
                  "the compilation of a dump (licit_dump_files) has no policy");
    }
    *out = new licit_policy{kPolicyTag, std::move(policy)};
    return Ok();
  });
}

void licit_compilation_free(licit_compilation* c) { Free(c); }

// ---- Policy -------------------------------------------------------------------------------

licit_status licit_policy_clone(const licit_policy* p, licit_policy** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
    *out = new licit_policy{kPolicyTag, p->policy};
    return Ok();
  });
}

void licit_policy_free(licit_policy* p) { Free(p); }

namespace {
licit_jit_state ToC(licit::JitState state) {
  switch (state) {
    case licit::JitState::None: return LICIT_JIT_NONE;
    case licit::JitState::Compiling: return LICIT_JIT_COMPILING;
    case licit::JitState::Ready: return LICIT_JIT_READY;
    case licit::JitState::Failed: return LICIT_JIT_FAILED;
  }
  return LICIT_JIT_NONE;
}
}  // namespace

licit_jit_state licit_policy_jit_state(const licit_policy* p) {
  return Live(p) ? ToC(p->policy.jit_state()) : LICIT_JIT_NONE;
}

void licit_stop_background_compiles(void) { licit::stop_background_compiles(); }

licit_jit_state licit_policy_wait_for_jit(const licit_policy* p) {
  if (!Live(p)) return LICIT_JIT_NONE;
  try {
    return ToC(p->policy.wait_for_jit());
  } catch (...) {
    return LICIT_JIT_NONE;  // never throws today; the C ABI never lets anything through
  }
}

licit_status licit_policy_decide_json(const licit_policy* p, const char* json, size_t len,
                                      const char* as_of, licit_decision** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
    if (!json) return Null("json");
    return DecideJson(p->policy, json, len, as_of, out);
  });
}

licit_status licit_policy_decide_json_line(const licit_policy* p, const char* json, size_t len,
                                           const char* as_of, uint64_t line, licit_decision** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
    if (!json) return Null("json");
    if (line == 0) return Fail(LICIT_ERR_INVALID_ARGUMENT, "line numbers start at 1");
    return DecideJson(p->policy, json, len, as_of, out, line);
  });
}

licit_status licit_policy_decide_record(const licit_policy* p, const licit_record* r,
                                        const char* as_of, licit_decision** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
    if (licit_status s = Check(r, "record"); s != LICIT_OK) return s;
    licit::DecideOptions options;
    if (licit_status s = Options(as_of, options); s != LICIT_OK) return s;
    return Emit(new licit_decision{kDecisionTag, p->policy.decide(r->record, options)}, out);
  });
}

licit_status licit_policy_explain_json(const licit_policy* p, const char* json, size_t len,
                                       const char* as_of, licit_explanation** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
    if (!json) return Null("json");
    licit::DecideOptions options;
    if (licit_status s = Options(as_of, options); s != LICIT_OK) return s;
    licit::Explanation e = p->policy.explain_json(std::string_view(json, len), options);
    licit::ErrorKind kind = e.decision().error_kind();
    if (kind == licit::ErrorKind::Options || kind == licit::ErrorKind::NoPolicy) {
      return DecisionStatus(e.decision());
    }
    auto* h = new licit_explanation;
    h->explanation = std::move(e);
    h->decision.decision = h->explanation.decision();
    *out = h;
    return DecisionStatus(h->decision.decision);
  });
}

licit_status licit_policy_run_tests(const licit_policy* p, size_t* passed, size_t* failed,
                                    char** text, char** json) {
  return Guard([&] {
    if (text) *text = nullptr;
    if (json) *json = nullptr;
    if (licit_status s = Check(p, "policy"); s != LICIT_OK) return s;
    licit::TestReport report = p->policy.run_tests();
    // Both strings are made before either is handed over, so a failure leaks neither.
    std::string text_out = text ? report.to_text() : std::string();
    std::string json_out = json ? report.to_json() : std::string();
    char* t = text ? CopyString(text_out) : nullptr;
    try {
      if (json) *json = CopyString(json_out);
    } catch (...) {
      std::free(t);
      throw;
    }
    if (text) *text = t;
    if (passed) *passed = report.passed;
    if (failed) *failed = report.failed;
    return Ok();
  });
}

// ---- Screening a stream -------------------------------------------------------------------

void licit_screen_options_init(licit_screen_options* options) {
  if (!options) return;
  *options = licit_screen_options{};
  options->input = LICIT_FORMAT_JSON_LINES;
  options->output = LICIT_FORMAT_JSON_LINES;
  options->threads = 1;
  options->as_of = nullptr;
  options->fail_on = LICIT_EFFECT_ALLOW;
  options->progress = nullptr;
  options->progress_user = nullptr;
}

licit_status licit_policy_screen_fd(const licit_policy* p, int input_fd, licit_write_fn write,
                                    void* user, const licit_screen_options* options,
                                    licit_screen_summary* out) {
  if (out) *out = licit_screen_summary{};
  const licit_status status = ScreenFd(p, input_fd, write, user, options, out);
  if (out && status != LICIT_OK) {
    CopyError(t_last_error, out->error);
    if (status != LICIT_ERR_IO) {  // only an I/O error leaves the counts of what was screened
      out->records = 0;
      std::fill(std::begin(out->by_effect), std::end(out->by_effect), 0);
      out->tripped = 0;
    }
  }
  return status;
}

// ---- Decision -----------------------------------------------------------------------------

// licit_effect is licit::Effect value for value (the casts here rely on it; licit::Effect is in
// turn checked against the implementation's rt::Effect in licit.cpp).
static_assert(LICIT_EFFECT_ALLOW == static_cast<int>(licit::Effect::Allow) &&
              LICIT_EFFECT_EXEMPT == static_cast<int>(licit::Effect::Exempt) &&
              LICIT_EFFECT_REVIEW == static_cast<int>(licit::Effect::Review) &&
              LICIT_EFFECT_LICENSE == static_cast<int>(licit::Effect::License) &&
              LICIT_EFFECT_DENY == static_cast<int>(licit::Effect::Deny) &&
              LICIT_EFFECT_ERROR == static_cast<int>(licit::Effect::Error));

licit_effect licit_decision_effect(const licit_decision* d) {
  if (!Live(d)) return LICIT_EFFECT_ERROR;
  return static_cast<licit_effect>(d->decision.effect());
}

const char* licit_decision_error(const licit_decision* d) {
  if (!Live(d)) return "";
  return d->decision.error().c_str();
}

const char* licit_decision_id(const licit_decision* d) {
  if (!Live(d)) return nullptr;
  const auto& raw = Raw(d);
  return raw.id ? raw.id->c_str() : nullptr;
}

licit_status licit_decision_json(const licit_decision* d, char** out, size_t* len) {
  return Guard([&] {
    if (licit_status s = ClearOut(out); s != LICIT_OK) return s;
    if (len) *len = 0;
    if (licit_status s = Check(d, "decision"); s != LICIT_OK) return s;
    std::string json = d->decision.to_json();
    *out = CopyString(json);
    if (len) *len = json.size();
    return Ok();
  });
}

size_t licit_decision_rule_count(const licit_decision* d) {
  return Live(d) ? Raw(d).rules.size() : 0;
}

licit_status licit_decision_rule(const licit_decision* d, size_t index, licit_rule* out) {
  return Guard([&] {
    if (!out) return Null("out");
    if (licit_status s = Check(d, "decision"); s != LICIT_OK) return s;
    const auto& rules = Raw(d).rules;
    if (licit_status s = CheckIndex(index, rules.size(), "rule"); s != LICIT_OK) return s;
    const auto& r = rules[index];
    out->name = r.rule.c_str();
    out->effect = static_cast<licit_effect>(r.effect);
    out->license = r.license ? r.license->c_str() : nullptr;
    out->because = r.because ? r.because->c_str() : nullptr;
    out->cite = r.cite ? r.cite->c_str() : nullptr;
    out->at = r.at.c_str();
    out->policy = r.policy.c_str();
    return Ok();
  });
}

size_t licit_decision_license_count(const licit_decision* d) {
  return Live(d) ? Raw(d).licenses.size() : 0;
}

const char* licit_decision_license(const licit_decision* d, size_t index) {
  if (!Live(d) || index >= Raw(d).licenses.size()) return nullptr;
  return Raw(d).licenses[index].c_str();
}

size_t licit_decision_unknown_count(const licit_decision* d) {
  return Live(d) ? Raw(d).unknowns.size() : 0;
}

licit_status licit_decision_unknown(const licit_decision* d, size_t index, const char** rule,
                                    const char** reason) {
  return Guard([&] {
    if (!rule) return Null("rule");
    if (!reason) return Null("reason");
    if (licit_status s = Check(d, "decision"); s != LICIT_OK) return s;
    const auto& unknowns = Raw(d).unknowns;
    if (licit_status s = CheckIndex(index, unknowns.size(), "unknown"); s != LICIT_OK) return s;
    *rule = unknowns[index].rule.c_str();
    *reason = unknowns[index].reason.c_str();
    return Ok();
  });
}

void licit_decision_free(licit_decision* d) { Free(d); }

// ---- Explanation --------------------------------------------------------------------------

const licit_decision* licit_explanation_decision(const licit_explanation* e) {
  return Live(e) ? &e->decision : nullptr;
}

licit_status licit_explanation_text(const licit_explanation* e, char** out) {
  return StringOut(e, "explanation", out,
                   [](const licit_explanation& h) { return h.explanation.to_text(); });
}

licit_status licit_explanation_json(const licit_explanation* e, char** out) {
  return StringOut(e, "explanation", out,
                   [](const licit_explanation& h) { return h.explanation.to_json(); });
}

void licit_explanation_free(licit_explanation* e) {
  if (!Live(e)) return;
  e->decision.tag = kDeadTag;
  Free(e);
}

// ---- Typed records ------------------------------------------------------------------------

licit_status licit_policy_new_record(const licit_policy* p, licit_record** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, p, "policy"); s != LICIT_OK) return s;
    *out = new licit_record{kRecordTag, p->policy.new_record()};
    return Ok();
  });
}

static licit_status SetResult(const licit_record* r) {
  if (r->record.last_error().empty()) return Ok();
  return Fail(LICIT_ERR_RECORD, r->record.last_error());
}

static licit_status CheckSet(licit_record* r, const char* path) {
  if (licit_status s = Check(r, "record"); s != LICIT_OK) return s;
  if (!path) return Null("path");
  if (!ValidUtf8(path)) return BadUtf8("path");
  return LICIT_OK;
}

licit_status licit_record_set(licit_record* r, const char* path, const char* value) {
  return Guard([&] {
    if (licit_status s = CheckSet(r, path); s != LICIT_OK) return s;
    if (!value) return Null("value");
    if (!ValidUtf8(value)) return BadUtf8("value");
    r->record.set(path, std::string_view(value));
    return SetResult(r);
  });
}

licit_status licit_record_set_bool(licit_record* r, const char* path, int value) {
  return Guard([&] {
    if (licit_status s = CheckSet(r, path); s != LICIT_OK) return s;
    r->record.set_bool(path, value != 0);
    return SetResult(r);
  });
}

licit_status licit_record_set_int(licit_record* r, const char* path, int64_t value) {
  return Guard([&] {
    if (licit_status s = CheckSet(r, path); s != LICIT_OK) return s;
    r->record.set(path, value);
    return SetResult(r);
  });
}

licit_status licit_record_set_list(licit_record* r, const char* path, const char* const* items,
                                   size_t count) {
  return Guard([&] {
    if (licit_status s = CheckSet(r, path); s != LICIT_OK) return s;
    if (!items && count > 0) return Null("items");
    std::vector<std::string_view> views;
    for (size_t i = 0; i < count; ++i) {
      if (!items[i])
        return Fail(LICIT_ERR_INVALID_ARGUMENT, "items[" + std::to_string(i) + "] is NULL");
      if (!ValidUtf8(items[i])) return BadUtf8("an item");
      views.emplace_back(items[i]);
    }
    r->record.set_list(path, std::span<const std::string_view>(views));
    return SetResult(r);
  });
}

licit_status licit_record_set_null(licit_record* r, const char* path) {
  return Guard([&] {
    if (licit_status s = CheckSet(r, path); s != LICIT_OK) return s;
    r->record.set_null(path);
    return SetResult(r);
  });
}

licit_status licit_record_clear(licit_record* r) {
  return Guard([&] {
    if (licit_status s = Check(r, "record"); s != LICIT_OK) return s;
    r->record.clear();
    return Ok();
  });
}

void licit_record_free(licit_record* r) { Free(r); }

// ---- Hot reload ---------------------------------------------------------------------------

// The slot's current policy; LICIT_ERR_NO_POLICY when nothing was stored.
static licit_status LoadSlot(const licit_policy_slot* slot, licit::Policy& p) {
  p = slot->slot.load();
  if (!p.valid()) return Fail(LICIT_ERR_NO_POLICY, "the policy slot is empty (nothing stored yet)");
  return LICIT_OK;
}

licit_status licit_policy_slot_new(licit_policy_slot** out) {
  return Guard([&] {
    if (!out) return Null("out");
    *out = new licit_policy_slot;
    return Ok();
  });
}

licit_status licit_policy_slot_store(licit_policy_slot* slot, const licit_policy* p) {
  return Guard([&] {
    if (licit_status s = Check(slot, "slot"); s != LICIT_OK) return s;
    if (licit_status s = Check(p, "policy"); s != LICIT_OK) return s;
    slot->slot.store(p->policy);
    return Ok();
  });
}

licit_status licit_policy_slot_load(const licit_policy_slot* slot, licit_policy** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, slot, "slot"); s != LICIT_OK) return s;
    licit::Policy p;
    if (licit_status s = LoadSlot(slot, p); s != LICIT_OK) return s;
    *out = new licit_policy{kPolicyTag, std::move(p)};
    return Ok();
  });
}

licit_status licit_policy_slot_decide_json(const licit_policy_slot* slot, const char* json,
                                           size_t len, const char* as_of, licit_decision** out) {
  return Guard([&] {
    if (licit_status s = CheckOutAndHandle(out, slot, "slot"); s != LICIT_OK) return s;
    if (!json) return Null("json");
    licit::Policy p;
    if (licit_status s = LoadSlot(slot, p); s != LICIT_OK) return s;
    return DecideJson(p, json, len, as_of, out);
  });
}

void licit_policy_slot_free(licit_policy_slot* slot) { Free(slot); }

}  // extern "C"
