// `licit serve FILE...|DIR`: the policy decision service over HTTP (docs/server.md). This file is
// the command: options, signals and the process's life; the service itself is server/.
//
// Signals are handled on one thread of their own (sigwait), never in a handler: SIGTERM and
// SIGINT stop the server gracefully, SIGHUP reloads the policies, SIGUSR1 reopens the decision
// log. They are blocked before any thread starts, so every thread inherits the mask.

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include "licit/licit.hpp"
#include "server/service.h"
#include "tools/licit/commands.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

// "HOST:PORT", "[IPv6]:PORT" or ":PORT" (all interfaces).
bool ParseAddress(const std::string& text, std::string* host, int* port, std::string* error) {
  const size_t colon = text.rfind(':');
  std::string h = colon == std::string::npos ? "" : text.substr(0, colon);
  const std::string p = colon == std::string::npos ? text : text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int value = -1;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (colon == std::string::npos || p.empty() || ec != std::errc() || ptr != p.data() + p.size() ||
      value < 0 || value > 65535) {
    *error = fmt::format("`--addr` takes HOST:PORT (port 0 picks a free one), not `{}`", text);
    return false;
  }
  *host = h.empty() ? "0.0.0.0" : h;
  *port = value;
  return true;
}

int RunServe(std::span<const std::string> args) {
  CommonOptions options;
  std::string addr = "127.0.0.1:8181", threads, decision_log, token_file, tls_cert, tls_key,
              max_body, engine_name;
  bool watch = false, no_input = false, ui = false;
  std::string error;
  const std::vector<OptionSpec> extra = {
      {"addr", &addr},
      {"threads", &threads},
      {"watch", nullptr, &watch},
      {"decision-log", &decision_log},
      {"decision-log-no-input", nullptr, &no_input},
      {"token-file", &token_file},
      {"tls-cert", &tls_cert},
      {"tls-key", &tls_key},
      {"max-body", &max_body},
      {"engine", &engine_name},
      {"ui", nullptr, &ui},
  };
  if (!ParseOptions(args, extra, &options, &error)) return UsageError("serve", error);
  if (options.help) {
    WriteStdout(kServeCommand.help);
    return kExitOk;
  }
  if (options.positional.empty()) {
    return UsageError("serve", "`serve` needs at least one policy FILE or DIR");
  }

  server::ServeOptions serve;
  serve.policies = options.positional;
  if (!ParseAddress(addr, &serve.host, &serve.port, &error)) return UsageError("serve", error);
  if (!threads.empty()) {
    unsigned n = 0;
    auto [ptr, ec] = std::from_chars(threads.data(), threads.data() + threads.size(), n);
    if (ec != std::errc() || ptr != threads.data() + threads.size() || n == 0 || n > 4096) {
      return UsageError("serve", fmt::format("`--threads` takes 1 to 4096, not `{}`", threads));
    }
    serve.threads = n;
  }
  if (!max_body.empty() && !ParseByteCount("max-body", max_body, &serve.max_body, &error)) {
    return UsageError("serve", error);
  }
  if (tls_cert.empty() != tls_key.empty()) {
    return UsageError("serve", "`--tls-cert` and `--tls-key` go together");
  }
  if (no_input && decision_log.empty()) {
    return UsageError("serve", "`--decision-log-no-input` needs `--decision-log FILE`");
  }
  licit::EngineKind engine = licit::EngineKind::Default;
  if (!engine_name.empty()) {
    std::optional<licit::EngineKind> kind = licit::parse_engine_kind(engine_name);
    if (!kind || *kind == licit::EngineKind::Default) {
      return UsageError("serve",
                        fmt::format("`--engine` must be `jit` or `interp`, not `{}`", engine_name));
    }
    engine = *kind;
  }
  serve.watch = watch;
  serve.decision_log = decision_log;
  serve.decision_log_no_input = no_input;
  serve.token_file = token_file;
  serve.tls_cert = tls_cert;
  serve.tls_key = tls_key;
  serve.ui = ui;

  // Before any thread exists: every thread inherits this mask, so only the signal thread below
  // receives these signals. A client that disconnects must not kill the process (SIGPIPE).
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Request bodies and answers of up to --max-body are allocated per request. glibc hands blocks
  // over 128 KiB straight back to the kernel, so every large request paid for fresh, zeroed pages
  // (page faults were a fifth of a big JSON Lines request's time): keep them in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);

  server::Service service(serve, EngineOptionsFor(options, engine));
  if (!service.Start(&error)) {
    WriteStderr(error);
    return kExitPolicyErrors;
  }
  WriteStderr(service.Banner());

  // SIGTERM/SIGINT: stop; a second one, or the grace period running out with requests still in
  // flight, ends the process at once (the decision log is flushed first either way).
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;
  std::thread grace;  // stops the service; started by the signal thread, joined after it
  std::thread signal_thread([&] {
    bool stopping = false;
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopped) return;
      }
      if (sig == SIGHUP) {
        service.Reload("SIGHUP");
      } else if (sig == SIGUSR1) {
        service.ReopenDecisionLog();
      } else if (!stopping) {
        stopping = true;
        WriteStderr(fmt::format("licit: {}: finishing the requests in flight\n", strsignal(sig)));
        // Stop() drains the requests in flight (up to the grace period) and then closes the
        // listener; an idle keep-alive connection then holds its worker for up to its 5 s
        // timeout. If Run() has still not returned 8 s after Stop(), exit anyway.
        grace = std::thread([&] {
          service.Stop();
          std::unique_lock<std::mutex> lock(mutex);
          if (!stopped_cv.wait_for(lock, std::chrono::seconds(8), [&] { return stopped; })) {
            WriteStderr("licit: requests still in flight after the grace period; exiting\n");
            service.FlushDecisionLog();
            _exit(kExitOk);
          }
        });
      } else {
        WriteStderr("licit: second signal: exiting now\n");
        service.FlushDecisionLog();
        _exit(kExitOk);
      }
    }
  });

  service.Run();
  service.FlushDecisionLog();
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopped = true;
  }
  stopped_cv.notify_all();
  // Wake the signal thread so it sees `stopped` (Run may also end without a signal).
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  if (grace.joinable()) grace.join();
  WriteStderr("licit: stopped\n");
  return kExitOk;
}

}  // namespace

const Command kServeCommand = {
    "serve",
    "serve decisions over HTTP (a policy decision point)",
    R"(Usage: licit serve [OPTIONS] FILE|DIR...

Serves the policy files (a directory means every *.licit under it) as an HTTP/JSON decision
service: POST /v1/decide, /v1/explain, /v1/test, /v1/check, GET /v1/policy, /v1/policy/source,
/v1/schema, POST /v1/reload, GET /health, /health/ready and /metrics (Prometheus); with --ui,
a policy playground for a browser at /. Once listening it prints
`licit: serving N policies on http://HOST:PORT (digest sha256:...)` on stderr. The policies are
judged together, as `licit run FILE...` judges them; the server does not start when they do not
compile. docs/server.md describes every endpoint.

Options:
  --addr HOST:PORT         where to listen (default 127.0.0.1:8181; port 0 picks a free port;
                           :PORT listens on every interface)
  --threads N              worker threads (default max(64, 8 x cores)); an open keep-alive
                           connection holds one
  --watch                  reload when a policy file, an imported file or a directory changes
  --decision-log FILE      append one JSON line per decision (audit); SIGUSR1 reopens it
  --decision-log-no-input  log the record's id instead of the whole record
  --token-file F           require `Authorization: Bearer TOKEN` on every endpoint but /health,
                           /health/ready and the playground page; TOKEN is the file's text
                           without trailing whitespace and newlines
  --tls-cert F --tls-key F serve HTTPS with this PEM certificate and key
  --max-body BYTES         refuse larger request bodies with 413 (K, M, G suffixes; default 64M)
  --ui                     serve the policy playground at / (docs/playground.md): the
                           policies, a record form, decisions, explanations and tests in a
                           browser; the page itself needs no token, its requests do
  --engine jit|interp      the evaluation engine (default: tiered, the interpreter until the
                           JIT has compiled in the background, at start and on every reload)
  --werror                 refuse policies with warnings too
  --max-source-bytes N     refuse policy files larger than N bytes (default 64M)
  -h, --help               show this help

Signals: SIGHUP reloads the policies (a failed reload keeps the old ones serving), SIGUSR1
reopens the decision log, SIGTERM or SIGINT stops after the requests in flight (up to 10 s).

Exit status: 0 stopped by a signal, 1 the policies do not compile or the server cannot start,
2 usage error.

Example:
  licit serve policies/ --addr 127.0.0.1:8181 --decision-log /var/log/licit/decisions.jsonl
  curl -s localhost:8181/v1/decide -H 'Content-Type: application/json' -d @shipment.json
)",
    RunServe,
};

}  // namespace licit::cli
