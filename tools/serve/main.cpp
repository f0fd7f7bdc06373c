// licit-serve: the policy decision service over HTTP (docs/server.md), which `licit serve` runs
// (tools/licit/cmd_serve.cpp says why it is a program of its own). This file is the program:
// options, signals and the process's life; the service itself is server/.
//
// Signals are handled on one thread of their own (sigwait), never in a handler: SIGTERM and
// SIGINT stop the server gracefully, SIGHUP reloads the policies, SIGUSR1 reopens the decision
// log. They are blocked before any thread starts, so every thread inherits the mask.

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include "licit/licit.hpp"
#include "server/service.h"
#include "tools/licit/options.h"
#include "tools/licit/serve_help.h"

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
    WriteStdout(kServeHelp);
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
}  // namespace licit::cli

int main(int argc, char** argv) {
  return licit::cli::RunGuarded([&] {
    licit::cli::DefaultJitCache();
    const std::vector<std::string> args(argv + 1, argv + argc);
    const int code = licit::cli::RunServe(args);
    licit::stop_background_compiles();  // a reload's lazy JIT compile may be in flight
    return code;
  });
}
