// The ceiling of the HTTP layer alone (bench/server/run.sh, scenario `ceiling`; bench/README.md):
// a cpp-httplib server configured as `licit serve` configures it (thread pool, keep-alive, read
// and write timeouts, TCP_NODELAY, a content reader for POST bodies) that answers every
// POST /v1/decide with one fixed decision of the same size as Licit's, deciding nothing. What
// wrk reaches against it on this machine is the most `licit serve` could reach with this library:
// the gap between the two rows is what Licit's own work costs.
//
//   httplib_ceiling [--threads N]    # listens on 127.0.0.1, a free port, printed on stderr as
//                                    # "httplib_ceiling: serving on http://127.0.0.1:PORT"
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <httplib.h>
#include <sys/socket.h>

int main(int argc, char** argv) {
  unsigned threads = 64;  // `licit serve`'s default pool on a 2-core machine
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else {
      std::fprintf(stderr, "usage: httplib_ceiling [--threads N]\n");
      return 2;
    }
  }
  if (threads == 0) threads = 1;

  httplib::Server http;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_keep_alive_max_count(100000);
  http.set_keep_alive_timeout(5);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_tcp_nodelay(true);
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  // The decision `licit serve` answers for the first reference record on the small policy, with
  // its request id and policy digest headers: the same bytes on the wire, no work behind them.
  static const std::string kAnswer =
      R"({"id":"S0000001","effect":"review","date":"2025-08-14",)"
      R"("policy":{"name":"bench.small","version":null},"rules":[{"rule":"d-military",)"
      R"("effect":"review","license":null,"because":null,"cite":null,)"
      R"("at":"bench/policies/small.licit:22:1"}],"waived":[],"licenses":[],"unknowns":[]})";
  http.Post("/v1/decide", [](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& reader) {
    std::string body;
    reader([&](const char* data, size_t size) {
      body.append(data, size);
      return true;
    });
    res.set_header("X-Request-Id", "0123456789abcdef0123456789abcdef");
    res.set_header("X-Licit-Policy-Digest",
                   "sha256:00000000000000000000000000000000000000000000000000000000000000");
    res.set_content(body.empty() ? std::string("{}") : kAnswer, "application/json");
    (void)req;
  });
  http.Get("/health/ready", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });

  int port = http.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "httplib_ceiling: cannot listen on 127.0.0.1\n");
    return 1;
  }
  std::fprintf(stderr, "httplib_ceiling: serving on http://127.0.0.1:%d\n", port);
  std::fflush(stderr);

  // SIGTERM or SIGINT stops it: a thread waits for the signal and stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    http.stop();
  });
  http.listen_after_bind();
  stopper.join();
  return 0;
}
