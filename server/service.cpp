#include "server/service.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <streambuf>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "server/ui_page.h"

namespace licit::server {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kJson = "application/json";
constexpr const char* kNdjson = "application/x-ndjson";

std::string Sha256(std::string_view data) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), hash, &size, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(hash), size);
}

// A request id the client sent is kept when it is a reasonable token; else a new one is made.
bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", random(), random());
}

// `ui`: the playground page is served at `/` (--ui); without it `/` is an unknown path.
Handler Classify(const std::string& path, bool ui) {
  static const std::pair<const char*, Handler> kPaths[] = {
      {"/v1/decide", Handler::kDecide}, {"/v1/explain", Handler::kExplain},
      {"/v1/test", Handler::kTest},     {"/v1/check", Handler::kCheck},
      {"/v1/policy", Handler::kPolicy}, {"/v1/policy/source", Handler::kPolicySource},
      {"/v1/schema", Handler::kSchema}, {"/v1/reload", Handler::kReload},
      {"/health", Handler::kHealth},    {"/health/ready", Handler::kHealthReady},
      {"/metrics", Handler::kMetrics},
  };
  for (const auto& [p, h] : kPaths) {
    if (path == p) return h;
  }
  if (ui && path == "/") return Handler::kPage;
  return Handler::kOther;
}

// The methods each endpoint answers (HEAD with GET), for 405's Allow header.
const char* AllowedMethods(Handler h) {
  switch (h) {
    case Handler::kPolicy:
    case Handler::kPolicySource:
    case Handler::kSchema:
    case Handler::kPage:
    case Handler::kHealth:
    case Handler::kHealthReady:
    case Handler::kMetrics: return "GET, HEAD";
    default: return "POST";
  }
}

bool MethodAllowed(Handler h, const std::string& method) {
  if (std::string_view(AllowedMethods(h)) == "POST") return method == "POST";
  return method == "GET" || method == "HEAD";
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

// The media type of a Content-Type header, lower case, without parameters.
std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  size_t start = type.find_first_not_of(" \t");
  type = start == std::string::npos ? "" : type.substr(start);
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

enum class BodyKind { kJson, kJsonLines, kUnsupported };

BodyKind KindOf(const httplib::Request& req) {
  const std::string type = MediaType(req.get_header_value("Content-Type"));
  // No Content-Type at all is taken as JSON, as most clients and OPA do.
  if (type.empty() || type == "application/json" || type == "text/json") return BodyKind::kJson;
  if (type == "application/x-ndjson" || type == "application/jsonl" ||
      type == "application/x-jsonlines" || type == "application/json-lines") {
    return BodyKind::kJsonLines;
  }
  return BodyKind::kUnsupported;
}

// The first byte that is not JSON whitespace, or 0.
char FirstSignificant(std::string_view body) {
  for (char c : body) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
  }
  return 0;
}

// A read-only std::istream over a string the caller keeps alive (the request body), so that
// screening JSON Lines copies nothing.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view text) {
    char* p = const_cast<char*>(text.data());
    setg(p, p, p + text.size());
  }
};

// Whether a decision reaches --fail-on's effect (errors never do).
bool Trips(licit::Effect effect, std::optional<licit::Effect> fail_on) {
  return fail_on && effect != licit::Effect::Error &&
         static_cast<int>(effect) >= static_cast<int>(*fail_on);
}

}  // namespace

// One request being answered: what every handler needs.
struct Service::Call {
  const httplib::Request& req;
  httplib::Response& res;
  std::string_view body;                          // the request's body, read under --max-body
  std::shared_ptr<const std::string> body_owner;  // holds `body` when the server read it
  Handler handler;
  std::string request_id;
  licit::Policy policy;  // the one policy that judges this whole request
  std::string digest;
  licit::DecideOptions decide;           // as_of from the query
  std::optional<licit::Effect> fail_on;  // from the query
  bool streamed = false;                 // the answer is written later by a content provider
  Clock::time_point started;             // when Handle() began, for the duration histogram

  void Json(int status, std::string body) {
    res.status = status;
    res.set_content(std::move(body), kJson);
  }
  void Error(int status, std::string_view code, std::string_view message) {
    Json(status, ErrorBody(code, message));
  }
};

Service::Service(ServeOptions options, licit::EngineOptions engine_options)
    : options_(std::move(options)), store_(options_.policies, engine_options), check_engine_([&] {
        licit::EngineOptions check = engine_options;
        check.engine = licit::EngineKind::Interpreter;
        return check;
      }()) {}

Service::~Service() {
  if (watcher_) watcher_->Stop();
  decision_log_.Close();
}

bool Service::Start(std::string* error) { return Load(error) && Listen(error); }

bool Service::Load(std::string* error) {
  ReloadResult loaded = store_.Reload();
  if (!loaded.ok) {
    *error = loaded.diagnostics_text.empty() ? "licit: the policies do not compile\n"
                                             : loaded.diagnostics_text;
    *error += "licit: not serving: the policies do not compile\n";
    return false;
  }
  if (!loaded.diagnostics_text.empty()) std::fputs(loaded.diagnostics_text.c_str(), stderr);

  if (!options_.token_file.empty()) {
    std::ifstream in(options_.token_file, std::ios::binary);
    std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
      token.pop_back();
    }
    if (!in.good() && !in.eof()) token.clear();
    if (token.empty()) {
      *error = fmt::format("licit: cannot read a token from `{}` (missing or empty file)\n",
                           options_.token_file);
      return false;
    }
    token_sha256_ = Sha256(token);
  }

  if (!options_.decision_log.empty()) {
    std::string log_error;
    if (!decision_log_.Open(options_.decision_log, &log_error)) {
      *error = "licit: " + log_error + "\n";
      return false;
    }
  }
  return true;
}

void Service::Answer(const httplib::Request& req, httplib::Response& res) {
  Handle(req, res, req.body);
}

bool Service::Listen(std::string* error) {
  if (!options_.tls_cert.empty()) {
    http_ =
        std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  if (!http_->is_valid()) {
    *error = fmt::format("licit: cannot use the TLS certificate `{}` and key `{}`\n",
                         options_.tls_cert, options_.tls_key);
    return false;
  }

  unsigned threads = options_.threads;
  // Many: every open keep-alive connection holds a worker, and a balancer or a client pool keeps
  // dozens open; an idle worker costs only its stack.
  if (threads == 0) threads = std::max(64u, 8 * std::max(1u, std::thread::hardware_concurrency()));
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Keep-alive connections serve many requests (clients of a decision service reuse them); an
  // idle one is closed after 5 s, a request that stalls mid-way after 10 s.
  http_->set_keep_alive_max_count(100000);
  http_->set_keep_alive_timeout(5);
  http_->set_read_timeout(10, 0);
  http_->set_write_timeout(10, 0);
  http_->set_tcp_nodelay(true);
  http_->set_payload_max_length(options_.max_body);

  // Only SO_REUSEADDR: httplib's default also sets SO_REUSEPORT, which would let a second
  // server bind the same port and share its connections instead of failing to start.
  http_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  // One route per method for every path: Handle() classifies paths itself, so unknown paths,
  // wrong methods and authentication are answered the same way everywhere. Bodies are read here,
  // through a content reader, so that --max-body bounds chunked bodies too (httplib checks only
  // Content-Length); a body not read (a PUT, answered 405) closes the connection.
  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    Handle(req, res, req.body);
  };
  auto read_then_handle = [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
    if (req.method != "POST") {
      res.set_header("Connection", "close");
      return Handle(req, res, {});
    }
    // Shared, so that a streamed answer's content provider can keep the body without a copy.
    auto owned = std::make_shared<std::string>();
    std::string& body = *owned;
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112, 6.3),
    // as `curl -X POST .../v1/reload` sends it; httplib's reader would wait for the connection
    // to close instead (and fail).
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      return Handle(req, res, body, std::move(owned));
    }
    // One allocation for the announced length (bounded by --max-body), not a doubling series of
    // copies: large bodies were spending most of their time in memmove and page faults.
    const size_t announced =
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
    body.reserve(std::min(announced, options_.max_body));
    bool too_large = false;
    const bool read = reader([&](const char* data, size_t size) {
      if (body.size() + size > options_.max_body) {
        too_large = true;
        return false;
      }
      body.append(data, size);
      return true;
    });
    if (!read) {
      res.set_header("Connection", "close");
      too_large = too_large || res.status == 413;
      res.status = too_large ? 413 : 400;
      res.set_content(too_large ? ErrorBody("too_large",
                                            "the body is larger than the server's "
                                            "--max-body")
                                : ErrorBody("bad_request", "the body could not be read"),
                      kJson);
      res.set_header("X-Request-Id", NewRequestId());
      res.set_header("X-Licit-Policy-Digest", store_.Current().digest());
      return;
    }
    Handle(req, res, body, std::move(owned));
  };
  http_->Get(".*", handle);
  http_->Options(".*", handle);
  http_->Post(".*", read_then_handle);
  http_->Put(".*", read_then_handle);
  http_->Patch(".*", read_then_handle);
  http_->Delete(".*", read_then_handle);
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        CompleteLibraryError(req, res);
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(ErrorBody("internal", "internal error; please report it as a bug"), kJson);
      });
  // Every answer is counted, including those the library made before a handler ran.
  http_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    metrics_.CountResponse(Classify(req.path, options_.ui), res.status);
  });

  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ < 0) port_ = 0;
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : 0;
  }
  if (port_ == 0) {
    *error = fmt::format(
        "licit: cannot listen on {}:{} (address in use, or not an address of this "
        "machine)\n",
        options_.host, options_.port);
    return false;
  }

  if (options_.watch) {
    watcher_ = std::make_unique<FileWatcher>([this] { Reload("a policy file changed"); },
                                             options_.watch_debounce);
    std::string watch_error;
    if (!watcher_->Watch(store_.WatchedPaths(), &watch_error)) {
      *error = "licit: " + watch_error + "\n";
      return false;
    }
  }
  return true;
}

std::string Service::Banner() const {
  licit::Policy policy = store_.Current();
  const size_t n = policy.policies().size();
  const bool ipv6 = options_.host.find(':') != std::string::npos;
  return fmt::format("licit: serving {} polic{} on {}://{}{}{}:{} (digest {})\n", n,
                     n == 1 ? "y" : "ies", options_.tls_cert.empty() ? "http" : "https",
                     ipv6 ? "[" : "", options_.host, ipv6 ? "]" : "", port_, policy.digest());
}

void Service::Run() { http_->listen_after_bind(); }

void Service::Stop() {
  if (stopping_.exchange(true)) return;
  if (watcher_) watcher_->Stop();
  // httplib's stop() cuts streamed answers short, so drain first.
  const Clock::time_point deadline = Clock::now() + options_.shutdown_grace;
  while (in_flight_.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (http_) http_->stop();
}

void Service::Reload(const char* why) {
  ReloadResult result = store_.Reload();
  licit::Policy policy = store_.Current();
  if (result.ok) {
    std::fprintf(stderr, "licit: reloaded (%s): digest %s\n", why, policy.digest().c_str());
  } else {
    std::fprintf(stderr, "licit: reload (%s) failed; still serving digest %s\n%s", why,
                 policy.digest().c_str(), result.diagnostics_text.c_str());
  }
  if (result.ok && watcher_) WatchPolicyFiles();
}

void Service::WatchPolicyFiles() {
  std::string error;
  if (!watcher_->Watch(store_.WatchedPaths(), &error)) {
    std::fprintf(stderr, "licit: %s\n", error.c_str());
  }
}

void Service::ReopenDecisionLog() { decision_log_.RequestReopen(); }
void Service::FlushDecisionLog() { decision_log_.Close(); }

bool Service::Authorized(const httplib::Request& req) const {
  if (token_sha256_.empty()) return true;
  const std::string header = req.get_header_value("Authorization");
  static constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return false;
  }
  // Compare digests of equal length in constant time: neither the token's bytes nor its length
  // show in the time taken.
  const std::string given = Sha256(std::string_view(header).substr(kBearer.size()));
  return given.size() == token_sha256_.size() &&
         CRYPTO_memcmp(given.data(), token_sha256_.data(), given.size()) == 0;
}

void Service::CompleteLibraryError(const httplib::Request& req, httplib::Response& res) {
  if (res.get_header_value("X-Request-Id").empty()) {
    const std::string id = req.get_header_value("X-Request-Id");
    res.set_header("X-Request-Id", UsableRequestId(id) ? id : NewRequestId());
    res.set_header("X-Licit-Policy-Digest", store_.Current().digest());
  }
  if (!res.body.empty()) return;
  std::string_view code = "bad_request",
                   message =
                       "malformed or unsupported HTTP request (a POST needs Content-Length "
                       "or a chunked body: curl -d '' sends an empty one)";
  switch (res.status) {
    case 413:
      code = "too_large";
      message = "the body is larger than the server's --max-body";
      break;
    case 414:
      code = "too_large";
      message = "the request line is too long";
      break;
    case 431:
      code = "too_large";
      message = "the request headers are too large";
      break;
    case 404:
      code = "not_found";
      message = "no such endpoint";
      break;
    default: break;
  }
  res.set_content(ErrorBody(code, fmt::format("{}", message)), kJson);
}

void Service::Handle(const httplib::Request& req, httplib::Response& res, std::string_view body,
                     std::shared_ptr<const std::string> body_owner) {
  const Clock::time_point started = Clock::now();
  // Counted in flight until the answer is written: here for ordinary answers, and for a streamed
  // one by its content provider's releaser.
  in_flight_.fetch_add(1);
  struct InFlight {
    std::atomic<int>& count;
    bool released = false;
    ~InFlight() {
      if (!released) count.fetch_sub(1);
    }
  } in_flight{in_flight_};
  const Handler handler = Classify(req.path, options_.ui);
  std::string request_id = req.get_header_value("X-Request-Id");
  if (!UsableRequestId(request_id)) request_id = NewRequestId();
  Call call{req,
            res,
            body,
            std::move(body_owner),
            handler,
            std::move(request_id),
            store_.Current(),
            "",
            {},
            {},
            false,
            started};
  call.digest = call.policy.digest();
  res.set_header("X-Request-Id", call.request_id);

  auto finish = [&] {
    in_flight.released = call.streamed;
    // A reload answers with the policy it installed.
    res.set_header("X-Licit-Policy-Digest", call.digest);
    if (!call.streamed) {  // a streamed answer is timed when it has been written
      metrics_.ObserveDuration(handler,
                               std::chrono::duration<double>(Clock::now() - started).count());
    }
  };

  if (stopping_.load()) {
    res.set_header("Connection", "close");
    call.Error(503, "shutting_down", "the server is stopping; retry on another instance");
    return finish();
  }
  if (handler == Handler::kOther) {
    call.Error(404, "not_found", fmt::format("no endpoint `{}`", req.path));
    return finish();
  }
  if (!MethodAllowed(handler, req.method)) {
    res.set_header("Allow", AllowedMethods(handler));
    call.Error(405, "method_not_allowed",
               fmt::format("{} takes {}, not {}", req.path, AllowedMethods(handler), req.method));
    return finish();
  }
  const bool health = handler == Handler::kHealth || handler == Handler::kHealthReady;
  // The page itself holds no policy data, and a browser cannot send a bearer token when it
  // navigates: it is served to anyone, and its script asks the person for the token the JSON
  // endpoints need (docs/playground.md).
  if (!health && handler != Handler::kPage && !Authorized(req)) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"licit\"");
    call.Error(401, "unauthorized", "a valid `Authorization: Bearer TOKEN` header is required");
    return finish();
  }

  // Query parameters: only /v1/decide and /v1/explain take any. They are read from the URL
  // alone: httplib also merges a form-encoded body into req.params, which is not a query.
  const bool takes_query = handler == Handler::kDecide || handler == Handler::kExplain;
  httplib::Params query;
  if (const size_t mark = req.target.find('?'); mark != std::string::npos) {
    httplib::detail::parse_query_text(req.target.substr(mark + 1), query);
  }
  for (const auto& [name, value] : query) {
    if (query.count(name) > 1 && takes_query) {
      call.Error(400, "bad_query", fmt::format("query parameter `{}` given more than once", name));
      return finish();
    }
    if (!takes_query && handler != Handler::kMetrics && handler != Handler::kPage && !health) {
      call.Error(400, "bad_query",
                 fmt::format("{} takes no query parameter (`{}`)", req.path, name));
      return finish();
    }
    if (!takes_query) continue;
    if (name == "as_of") {
      if (!licit::is_valid_date(value)) {
        call.Error(400, "bad_query",
                   fmt::format("`as_of` must be a day such as 2026-01-06, not `{}`", value));
        return finish();
      }
      call.decide.as_of = value;
    } else if (name == "fail_on") {
      std::optional<licit::Effect> effect = licit::parse_effect(value);
      if (!effect || (*effect != licit::Effect::Deny && *effect != licit::Effect::License &&
                      *effect != licit::Effect::Review)) {
        call.Error(400, "bad_query",
                   fmt::format("`fail_on` must be deny, license or review, not `{}`", value));
        return finish();
      }
      call.fail_on = effect;
    } else {
      call.Error(400, "bad_query",
                 fmt::format("unknown query parameter `{}` (known: as_of, fail_on)", name));
      return finish();
    }
  }

  const bool needs_policy = handler == Handler::kDecide || handler == Handler::kExplain ||
                            handler == Handler::kTest || handler == Handler::kPolicySource ||
                            handler == Handler::kSchema;
  if (needs_policy && !call.policy.valid()) {
    call.Error(503, "not_ready", "no policy is loaded");
    return finish();
  }

  switch (handler) {
    case Handler::kDecide: HandleDecide(call); break;
    case Handler::kExplain: HandleExplain(call); break;
    case Handler::kTest: HandleTest(call); break;
    case Handler::kCheck: HandleCheck(call); break;
    case Handler::kPolicy: call.Json(200, store_.DescribeJson()); break;
    case Handler::kPolicySource: call.Json(200, views_.SourceJson(call.policy)); break;
    case Handler::kSchema: call.Json(200, views_.SchemaJson(call.policy)); break;
    case Handler::kPage: HandlePage(call); break;
    case Handler::kReload: HandleReload(call); break;
    case Handler::kHealth: call.Json(200, R"({"status":"ok"})"); break;
    case Handler::kHealthReady:
      if (call.policy.valid()) {
        call.Json(200, json{{"status", "ready"}, {"digest", call.digest}}.dump());
      } else {
        call.Error(503, "not_ready", "no policy is loaded");
      }
      break;
    case Handler::kMetrics: HandleMetrics(call); break;
    case Handler::kOther: break;
  }
  finish();
}

// --- /v1/decide --------------------------------------------------------------------------------

void Service::HandleDecide(Call& call) {
  switch (KindOf(call.req)) {
    case BodyKind::kUnsupported:
      call.Error(415, "unsupported_media_type",
                 fmt::format("Content-Type `{}` is neither application/json nor "
                             "application/x-ndjson",
                             call.req.get_header_value("Content-Type")));
      return;
    case BodyKind::kJsonLines: return HandleDecideLines(call);
    case BodyKind::kJson: break;
  }
  switch (FirstSignificant(call.body)) {
    case '{': return HandleDecideOne(call);
    case '[': return HandleDecideArray(call);
    case 0: return call.Error(400, "bad_json", "the body is empty: send a record (a JSON object)");
    default:
      return call.Error(400, "bad_json",
                        "the body must be a record (a JSON object) or an array of records");
  }
}

std::string Service::LogLine(const Call& call, std::string_view input, bool input_is_object,
                             std::string_view decision_json,
                             const std::optional<std::string>& id) const {
  std::string line = fmt::format(R"({{"time":"{}","request_id":"{}","policy_digest":"{}","as_of":)",
                                 TimestampUtc(), call.request_id, call.digest);
  line += call.decide.as_of ? json(*call.decide.as_of).dump() : "null";
  if (options_.decision_log_no_input) {
    line += ",\"id\":";
    line += id ? json(*id).dump() : "null";
  } else {
    line += ",\"input\":";
    // The record as sent when it is a JSON object on one line (what was judged, byte for byte);
    // an object over several lines is written compact; anything else as a JSON string, so the
    // log stays one JSON document per line whatever was sent.
    // Whitespace around the record (a body sent from a file ends in a newline) is not part of it.
    const size_t first = input.find_first_not_of(" \t\r\n");
    input = first == std::string_view::npos
                ? std::string_view()
                : input.substr(first, input.find_last_not_of(" \t\r\n") - first + 1);
    if (input_is_object && input.find_first_of("\r\n") == std::string_view::npos) {
      line += input;
    } else {
      // ordered_json keeps the members in the order sent.
      nlohmann::ordered_json parsed = input_is_object
                                          ? nlohmann::ordered_json::parse(input, nullptr, false)
                                          : nlohmann::ordered_json();
      line += input_is_object && !parsed.is_discarded()
                  ? parsed.dump()
                  : json(std::string(input)).dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  line += ",\"decision\":";
  line += decision_json;
  line += "}\n";
  return line;
}

std::string Service::LogLine(const Call& call, std::string_view input,
                             const licit::Decision& decision) const {
  // Malformed JSON or a JSON value that is not an object (ErrorKind::Json), or bytes that are not
  // UTF-8: the input is logged as a string.
  const bool is_object = decision.error_kind() != licit::ErrorKind::Json &&
                         decision.error_kind() != licit::ErrorKind::Utf8;
  return LogLine(call, input, is_object, decision.to_json(),
                 options_.decision_log_no_input ? decision.id() : std::nullopt);
}

void Service::HandleDecideOne(Call& call) {
  const std::string_view body = call.body;
  licit::Decision decision = call.policy.decide_json(body, call.decide);
  metrics_.CountDecision(static_cast<int>(decision.effect()));
  if (decision_log_.enabled()) decision_log_.Append(LogLine(call, body, decision));
  if (Trips(decision.effect(), call.fail_on)) call.res.set_header("X-Licit-Fail-On", "tripped");
  switch (decision.error_kind()) {
    case licit::ErrorKind::None: {
      std::string out;
      decision.append_json(out);
      out += '\n';  // as `licit eval` prints it
      return call.Json(200, std::move(out));
    }
    case licit::ErrorKind::Json:
    case licit::ErrorKind::Utf8: return call.Error(400, "bad_json", decision.error());
    default: {
      // JSON, but not a record the policy can judge: the error decision comes along.
      std::string out = R"({"error":{"code":"record_error","message":)";
      out += json(decision.error()).dump(-1, ' ', false, json::error_handler_t::replace);
      out += R"(},"decision":)";
      decision.append_json(out);
      out += "}";
      return call.Json(422, std::move(out));
    }
  }
}

void Service::HandleDecideArray(Call& call) {
  // simdjson splits the array into its elements' texts; each element is then judged as a
  // single record is, so a bad element gets its error decision in place.
  simdjson::padded_string padded(call.body);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  std::vector<std::string_view> elements;
  auto malformed = [&](simdjson::error_code e) {
    call.Error(
        400, "bad_json",
        fmt::format("the body is not a JSON array of records: {}", simdjson::error_message(e)));
  };
  if (auto e = parser.iterate(padded).get(doc)) return malformed(e);
  simdjson::ondemand::array array;
  if (auto e = doc.get_array().get(array)) return malformed(e);
  for (auto element : array) {
    simdjson::ondemand::value value;
    if (auto e = element.get(value)) return malformed(e);
    simdjson::ondemand::json_type type;
    if (auto e = value.type().get(type)) return malformed(e);
    std::string_view text;
    simdjson::error_code e = simdjson::SUCCESS;
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object object;
      e = value.get_object().get(object);
      if (!e) e = object.raw_json().get(text);
    } else if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array inner;
      e = value.get_array().get(inner);
      if (!e) e = inner.raw_json().get(text);
    } else {
      text = value.raw_json_token();
    }
    if (e) return malformed(e);
    elements.push_back(text);
  }
  // Anything after the array (`[...] x`): the document still has a location in bounds.
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) {
    return call.Error(400, "bad_json", "the body has more after the array of records");
  }

  std::string out = R"({"decisions":[)";
  std::vector<std::string> log_lines;
  bool tripped = false;
  uint64_t by_effect[6] = {};
  for (size_t i = 0; i < elements.size(); ++i) {
    licit::Decision decision = call.policy.decide_json(elements[i], call.decide);
    ++by_effect[static_cast<size_t>(decision.effect())];
    tripped = tripped || Trips(decision.effect(), call.fail_on);
    if (i > 0) out += ',';
    decision.append_json(out);
    if (decision_log_.enabled()) log_lines.push_back(LogLine(call, elements[i], decision));
  }
  out += "]}";
  metrics_.CountDecisions(by_effect);
  if (!log_lines.empty()) decision_log_.Append(std::move(log_lines));
  if (tripped) call.res.set_header("X-Licit-Fail-On", "tripped");
  call.Json(200, std::move(out));
}

namespace {

// Pairs the decisions `licit::Policy::screen` writes (one line per record, in order) with the
// record lines of the input (every line that is not blank), for the decision log.
class RecordLines {
 public:
  explicit RecordLines(std::string_view body) : body_(body) {}
  // The next record line's text (without its line break), or "" past the end.
  std::string_view Next() {
    while (pos_ < body_.size()) {
      size_t end = body_.find('\n', pos_);
      if (end == std::string_view::npos) end = body_.size();
      std::string_view line = body_.substr(pos_, end - pos_);
      pos_ = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return line;
    }
    return {};
  }

 private:
  std::string_view body_;
  size_t pos_ = 0;
};

}  // namespace

void Service::HandleDecideLines(Call& call) {
  // What the screen needs after this handler returns (the content provider runs later, while the
  // response is written): the body, the policy and the request's options.
  struct Job {
    std::shared_ptr<const std::string> owner;  // keeps `body` alive
    std::string_view body;
    licit::Policy policy;
    licit::ScreenOptions options;
    Call log_context;  // request id, digest, as_of for the decision log (req/res not used)
  };
  std::shared_ptr<const std::string> owner =
      call.body_owner ? call.body_owner : std::make_shared<const std::string>(call.body);
  auto job = std::make_shared<Job>(
      Job{owner, std::string_view(*owner), call.policy, licit::ScreenOptions(), call});
  // Small batches are screened on the request's own thread (the server's threads are the
  // parallelism); a large one (over 1 MiB, some thousands of records) on every core, as
  // `licit run` does, so one big request is not bound to one core. The output is the same, byte
  // for byte, whatever the thread count.
  job->options.threads = job->body.size() > (size_t{1} << 20) ? 0 : 1;
  job->options.as_of = call.decide.as_of;
  job->options.fail_on = call.fail_on;

  // Screens the body, handing each chunk of decision lines to `sink` (false: the client went
  // away, stop) and, with a decision log, logging each decision with its input line.
  auto screen = [this, job](const std::function<bool(std::string_view)>& sink) {
    ViewBuf buffer(job->body);
    std::istream in(&buffer);
    RecordLines inputs(job->body);
    struct Disconnected {};
    const bool logging = decision_log_.enabled();
    licit::ScreenSummary summary;
    try {
      summary = job->policy.screen(
          in,
          [&](std::string_view chunk) {
            if (logging) {
              std::vector<std::string> lines;
              for (size_t pos = 0; pos < chunk.size();) {
                const size_t end = chunk.find('\n', pos);
                const std::string_view decision_json = chunk.substr(pos, end - pos);
                pos = end + 1;
                const std::string_view input = inputs.Next();
                std::optional<std::string> id;
                if (options_.decision_log_no_input) {
                  json d = json::parse(decision_json, nullptr, false);
                  if (d.is_object() && d.contains("id") && d["id"].is_string()) {
                    id = d["id"].get<std::string>();
                  }
                }
                const bool is_object =
                    !input.empty() && FirstSignificant(input) == '{' && json::accept(input);
                lines.push_back(LogLine(job->log_context, input, is_object, decision_json, id));
              }
              decision_log_.Append(std::move(lines));
            }
            if (!sink(chunk)) throw Disconnected{};
          },
          job->options);
    } catch (const Disconnected&) {
      // The decisions made before the client left are counted and logged; the rest never were.
    }
    metrics_.CountDecisions(summary.by_effect);
    return summary;
  };

  if (call.fail_on) {
    // X-Licit-Fail-On is a header, so it must be known before the body: screen first.
    std::string out;
    licit::ScreenSummary summary = screen([&](std::string_view chunk) {
      out.append(chunk);
      return true;
    });
    if (summary.tripped) call.res.set_header("X-Licit-Fail-On", "tripped");
    call.res.status = 200;
    call.res.set_content(std::move(out), kNdjson);
    return;
  }
  call.res.status = 200;
  call.streamed = true;
  call.res.set_chunked_content_provider(
      kNdjson,
      [screen](size_t, httplib::DataSink& sink) {
        screen([&](std::string_view chunk) { return sink.write(chunk.data(), chunk.size()); });
        sink.done();
        return true;
      },
      // The answer is fully written (or the client left): its duration ends here.
      [this, handler = call.handler, started = call.started](bool) {
        metrics_.ObserveDuration(handler,
                                 std::chrono::duration<double>(Clock::now() - started).count());
        in_flight_.fetch_sub(1);
      });
}

// --- the other endpoints -----------------------------------------------------------------------

void Service::HandleExplain(Call& call) {
  if (KindOf(call.req) != BodyKind::kJson) {
    return call.Error(415, "unsupported_media_type",
                      "/v1/explain takes one record as application/json");
  }
  if (FirstSignificant(call.body) != '{') {
    return call.Error(400, "bad_json", "the body must be one record (a JSON object)");
  }
  licit::Explanation explanation = call.policy.explain_json(call.body, call.decide);
  const licit::Decision& decision = explanation.decision();
  metrics_.CountDecision(static_cast<int>(decision.effect()));
  if (decision_log_.enabled()) decision_log_.Append(LogLine(call, call.body, decision));
  if (Trips(decision.effect(), call.fail_on)) call.res.set_header("X-Licit-Fail-On", "tripped");
  switch (decision.error_kind()) {
    case licit::ErrorKind::None: break;
    case licit::ErrorKind::Json:
    case licit::ErrorKind::Utf8: return call.Error(400, "bad_json", decision.error());
    default: {
      std::string out = R"({"error":{"code":"record_error","message":)";
      out += json(decision.error()).dump(-1, ' ', false, json::error_handler_t::replace);
      out += R"(},"decision":)";
      decision.append_json(out);
      out += "}";
      return call.Json(422, std::move(out));
    }
  }
  std::string out = R"({"decision":)";
  decision.append_json(out);
  out += R"(,"explanation":)";
  out += explanation.to_json();
  out += R"(,"text":)";
  out += json(explanation.to_text()).dump(-1, ' ', false, json::error_handler_t::replace);
  out += "}";
  call.Json(200, std::move(out));
}

void Service::HandlePage(Call& call) {
  const ui::Page& page = ui::PlaygroundPage();
  call.res.status = 200;
  call.res.set_header("Content-Security-Policy", page.content_security_policy);
  call.res.set_header("X-Content-Type-Options", "nosniff");
  call.res.set_header("Referrer-Policy", "no-referrer");
  call.res.set_header("Cache-Control", "no-store");
  call.res.set_content(page.html, "text/html; charset=utf-8");
}

void Service::HandleTest(Call& call) { call.Json(200, call.policy.run_tests().to_json()); }

void Service::HandleCheck(Call& call) {
  if (KindOf(call.req) != BodyKind::kJson) {
    return call.Error(415, "unsupported_media_type", "/v1/check takes application/json");
  }
  json body = json::parse(call.body, nullptr, false);
  if (body.is_discarded()) return call.Error(400, "bad_json", "the body is not valid JSON");
  if (!body.is_object() || !body.contains("files") || !body["files"].is_object() ||
      body["files"].empty()) {
    return call.Error(400, "bad_json",
                      R"(expected {"files":{"name.licit":"source", ...}} with at least one file)");
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [name, source] : body["files"].items()) {
    if (!source.is_string()) {
      return call.Error(400, "bad_json", fmt::format("files.{} must be a string", name));
    }
    files.emplace_back(name, source.get<std::string>());
  }
  // nlohmann's objects are sorted by key: the files are checked in name order.
  licit::Compilation compilation = check_engine_.compile_sources(files);
  json diagnostics = json::parse(compilation.diagnostics_json(), nullptr, false);
  json out = {{"ok", compilation.ok()},
              {"diagnostics", diagnostics.is_object() ? diagnostics["diagnostics"] : json::array()},
              {"errors", compilation.error_count()},
              {"warnings", compilation.warning_count()}};
  call.Json(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

void Service::HandleReload(Call& call) {
  ReloadResult result = store_.Reload();
  call.policy = store_.Current();
  call.digest = call.policy.digest();
  if (result.ok) {
    std::fprintf(stderr, "licit: reloaded (POST /v1/reload): digest %s\n", call.digest.c_str());
    if (watcher_) WatchPolicyFiles();
    return call.Json(200, store_.DescribeJson());
  }
  std::fprintf(stderr, "licit: reload (POST /v1/reload) failed; still serving digest %s\n%s",
               call.digest.c_str(), result.diagnostics_text.c_str());
  json diagnostics = json::parse(result.diagnostics_json, nullptr, false);
  json out = {
      {"error",
       {{"code", "reload_failed"},
        {"message", "the policies do not compile; the previous policy keeps serving"}}},
      {"diagnostics", diagnostics.is_object() ? diagnostics["diagnostics"] : json::array()}};
  call.Json(422, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

void Service::HandleMetrics(Call& call) {
  Metrics::Gauges gauges;
  gauges.policy_digest = call.digest;
  gauges.policy_rules = call.policy.rule_count();
  gauges.reloads_ok = store_.reloads_ok();
  gauges.reloads_error = store_.reloads_failed();
  gauges.decision_log_queue_depth = decision_log_.queue_depth();
  call.res.status = 200;
  call.res.set_content(metrics_.Render(gauges), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace licit::server
