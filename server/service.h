// `licit serve`: the policy decision service (docs/server.md; spec: shared design service.md).
// One process holds the compiled policies (PolicyStore), answers decisions over HTTP/JSON with
// cpp-httplib's server, reloads policies without dropping a request, logs every decision
// (DecisionLog) and counts what it does (Metrics). Built on the public API alone.
//
// Every request is judged wholly by one policy: its handler takes the current Policy once, first,
// and uses it for every record of the request and for the X-Licit-Policy-Digest header.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licit/licit.hpp"
#include "server/decision_log.h"
#include "server/file_watcher.h"
#include "server/metrics.h"
#include "server/policy_store.h"
#include "server/policy_views.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace licit::server {

struct ServeOptions {
  std::vector<std::string> policies;  // files and directories, as given
  std::string host = "127.0.0.1";
  int port = 8181;           // 0: any free port (the banner line names it)
  unsigned threads = 0;      // worker threads; 0: max(64, 8 x cores)
  bool watch = false;        // reload when a policy file changes
  std::string decision_log;  // "" : no decision log
  bool decision_log_no_input = false;
  std::string token_file;         // "" : no authentication
  std::string tls_cert, tls_key;  // both or neither
  size_t max_body = size_t{64} << 20;
  std::chrono::milliseconds watch_debounce{200};
  std::chrono::seconds shutdown_grace{10};
  bool ui = false;  // serve the playground page at `/` (docs/playground.md)
};

class Service {
 public:
  Service(ServeOptions options, licit::EngineOptions engine_options);
  ~Service();

  // Load() then Listen(). False with `error` (for stderr: compiler diagnostics included) when
  // the server cannot start.
  bool Start(std::string* error);
  // Loads the policies, reads the token and opens the decision log: enough to Answer().
  bool Load(std::string* error);
  // Binds the address (and starts --watch). After Load().
  bool Listen(std::string* error);
  // Answers one request in process, as the HTTP server would (the fuzzer's entry,
  // tests/fuzz/server_request_entry.cpp). A streamed answer is left in the response's chunked
  // content provider. Thread-safe.
  void Answer(const httplib::Request& req, httplib::Response& res);
  // "licit: serving N policies on http://HOST:PORT (digest sha256:...)".
  std::string Banner() const;
  int port() const { return port_; }
  // The digest of the policy being served ("" before one is loaded).
  std::string Digest() const { return store_.Current().digest(); }

  // Serves until Stop(). Returns once the requests in flight are answered.
  void Run();
  // Graceful stop: new requests are refused (503 shutting_down, connection closed), requests in
  // flight (a streamed JSON Lines answer included) are finished for up to the grace period, then
  // the listener closes and Run() returns. Blocks until then; call it from one thread.
  void Stop();
  // Reloads the policies (SIGHUP, --watch); `why` is named in the log line on stderr.
  void Reload(const char* why);
  // Reopens the decision log (SIGUSR1).
  void ReopenDecisionLog();
  // Writes the decision log's queue and closes it (after Run() returns).
  void FlushDecisionLog();

 private:
  struct Call;  // one request being answered (service.cpp)

  // `body_owner`, when the server read the body itself, holds it (a streamed answer keeps it).
  void Handle(const httplib::Request& req, httplib::Response& res, std::string_view body,
              std::shared_ptr<const std::string> body_owner = nullptr);
  void HandleDecide(Call& call);
  void HandleDecideOne(Call& call);
  void HandleDecideArray(Call& call);
  void HandleDecideLines(Call& call);
  void HandleExplain(Call& call);
  void HandleTest(Call& call);
  void HandleCheck(Call& call);
  void HandleReload(Call& call);
  void HandleMetrics(Call& call);
  void HandlePage(Call& call);
  // The error handler: JSON bodies and the common headers for answers the HTTP library made
  // itself (413 over --max-body, 400 for a malformed request line).
  void CompleteLibraryError(const httplib::Request& req, httplib::Response& res);
  bool Authorized(const httplib::Request& req) const;
  // A decision log line: {"time","request_id","policy_digest","as_of","input"|"id","decision"}.
  std::string LogLine(const Call& call, std::string_view input, bool input_is_object,
                      std::string_view decision_json, const std::optional<std::string>& id) const;
  std::string LogLine(const Call& call, std::string_view input,
                      const licit::Decision& decision) const;
  void WatchPolicyFiles();

  const ServeOptions options_;
  PolicyStore store_;
  licit::Engine check_engine_;  // /v1/check: diagnostics only, so the interpreter (no JIT work)
  Metrics metrics_;
  PolicyViews views_;  // GET /v1/schema and /v1/policy/source
  DecisionLog decision_log_;
  std::unique_ptr<FileWatcher> watcher_;
  std::unique_ptr<httplib::Server> http_;
  std::string token_sha256_;  // of the bearer token; "" without --token-file
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  // Requests between entering Handle() and their answer fully written (a streamed answer ends in
  // its content provider): Stop() waits for this to reach zero.
  std::atomic<int> in_flight_{0};
};

}  // namespace licit::server
