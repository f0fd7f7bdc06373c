#include "tests/fuzz/server_request_entry.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>
#include <unistd.h>

#include "licit/licit.hpp"
#include "server/service.h"
#include "tests/fuzz/strict_json.h"

namespace licit::fuzz {
namespace {

struct Stats {
  uint64_t requests = 0, by_class[6] = {}, arrays_counted = 0, lines_counted = 0, streamed = 0;
};
Stats g_stats;

// Two services over the example policy: A logs decisions with their input; B requires a token
// and logs ids only. Both log to /dev/null, so the log's formatting runs on every decision.
struct Services {
  std::string token = "fuzz-token";
  std::unique_ptr<server::Service> open, guarded;
};

Services& GetServices() {
  static Services* services = [] {
    auto* s = new Services;
    char dir_template[] = "/tmp/licit-fuzz-server-XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (!dir) std::abort();
    const std::string token_file = std::string(dir) + "/token";
    std::ofstream(token_file) << s->token << "\n";
    auto make = [&](bool guarded) {
      server::ServeOptions options;
      options.policies = {LICIT_SOURCE_DIR "/examples/cn-japan-2026.licit"};
      options.decision_log = "/dev/null";
      options.decision_log_no_input = guarded;
      if (guarded) options.token_file = token_file;
      // The JIT compiled before the first request (not in the background, the default): a
      // process that ends while a background compile runs may crash in LLVM as the static
      // destructors run (docs/embedding.md), and this replay ends in a tenth of a second.
      licit::EngineOptions engine;
      engine.engine = licit::EngineKind::Jit;
      auto service = std::make_unique<server::Service>(options, engine);
      std::string error;
      if (!service->Load(&error)) {
        std::fprintf(stderr, "fuzz_server_request: cannot load the service: %s\n", error.c_str());
        std::abort();
      }
      return service;
    };
    s->open = make(false);
    s->guarded = make(true);
    return s;
  }();
  return *services;
}

struct Endpoint {
  const char* method;
  const char* path;
};
constexpr std::array<Endpoint, 16> kEndpoints = {{
    {"POST", "/v1/decide"},
    {"POST", "/v1/decide"},
    {"POST", "/v1/decide"},
    {"POST", "/v1/decide"},
    {"POST", "/v1/decide"},
    {"POST", "/v1/explain"},
    {"POST", "/v1/explain"},
    {"POST", "/v1/check"},
    {"POST", "/v1/check"},
    {"POST", "/v1/test"},
    {"GET", "/v1/policy"},
    {"GET", "/health"},
    {"GET", "/health/ready"},
    {"GET", "/metrics"},
    {"GET", "/v1/decide"},   // wrong method
    {"PUT", "/v1/nothing"},  // unknown path
}};

constexpr std::array<const char*, 16> kQueries = {
    "",
    "",
    "",
    "as_of=2026-02-01",
    "as_of=2026-13-01",
    "as_of=2026-01",
    "fail_on=deny",
    "fail_on=license",
    "fail_on=review",
    "fail_on=allow",
    "as_of=2025-12-31&fail_on=review",
    "colour=blue",
    "as_of=%32%30%32%36-01-06",
    "as_of",
    "as_of=2026-02-01&as_of=2026-02-02",
    "fail_on=%00",
};

constexpr std::array<const char*, 8> kContentTypes = {
    "application/json",
    "application/x-ndjson",
    "",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "APPLICATION/JSON",
    "text/csv",
    "application/jsonl",
};

const std::map<std::string, int> kErrorStatus = {
    {"bad_json", 400},
    {"bad_query", 400},
    {"unauthorized", 401},
    {"not_found", 404},
    {"method_not_allowed", 405},
    {"too_large", 413},
    {"unsupported_media_type", 415},
    {"record_error", 422},
    {"not_ready", 503},
};

[[noreturn]] void Fail(const std::string& what, const httplib::Request& req,
                       const httplib::Response& res, const std::string& body) {
  std::fprintf(stderr,
               "fuzz_server_request: %s\nrequest: %s %s\ncontent-type: %s\nbody (%zu bytes): "
               "%.2000s\nstatus: %d\nanswer: %.2000s\n",
               what.c_str(), req.method.c_str(), req.target.c_str(),
               req.get_header_value("Content-Type").c_str(), req.body.size(), req.body.c_str(),
               res.status, body.c_str());
  std::abort();
}

bool StrictValid(std::string_view text) {
  StrictJson checker(text, StrictJson::Options{});
  return checker.Valid();
}

// The non-blank lines of a JSON Lines body (spaces, tabs and '\r' only are blank).
size_t RecordLineCount(std::string_view body) {
  size_t count = 0;
  for (size_t pos = 0; pos <= body.size();) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) ++count;
    pos = end + 1;
  }
  return count;
}

}  // namespace

void RunServerRequest(const uint8_t* data, size_t size) {
  if (size < 2) return;
  Services& services = GetServices();
  const uint8_t route = data[0], variant = data[1];
  const Endpoint& endpoint = kEndpoints[route & 15];
  const char* query = kQueries[route >> 4];
  const char* content_type = kContentTypes[variant & 7];
  const bool guarded = (variant & 8) != 0;
  const bool right_token = (variant & 16) != 0;

  // The read-only GETs the playground added (GET /v1/policy/source, GET /v1/schema) are reached by
  // a spare variant bit, so that the routes of the seeds and regressions stay where they were.
  std::string_view path = endpoint.path;
  if ((variant & 64) && std::string_view(endpoint.method) == "GET") {
    if (path == "/v1/policy") path = "/v1/policy/source";
    if (path == "/health") path = "/v1/schema";
  }

  httplib::Request req;
  req.method = endpoint.method;
  req.path = std::string(path);
  req.target = std::string(path);
  if (*query) req.target += std::string("?") + query;
  if (*content_type) req.headers.emplace("Content-Type", content_type);
  if (variant & 32) req.headers.emplace("X-Request-Id", "fuzz-request");
  if (guarded) {
    req.headers.emplace("Authorization", right_token ? "Bearer " + services.token : "Bearer nope");
  }
  req.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);

  server::Service& service = guarded ? *services.guarded : *services.open;
  httplib::Response res;
  service.Answer(req, res);
  ++g_stats.requests;

  // A streamed answer: run its content provider as the connection would.
  std::string body = res.body;
  if (res.content_provider_) {
    ++g_stats.streamed;
    httplib::DataSink sink;
    bool done = false;
    sink.write = [&](const char* d, size_t n) {
      body.append(d, n);
      return true;
    };
    sink.done = [&] { done = true; };
    sink.is_writable = [] { return true; };
    res.content_provider_(0, 0, sink);
    if (!done) Fail("a streamed answer never finished", req, res, body);
  }

  static const std::array<int, 10> kStatuses = {200, 400, 401, 404, 405, 413, 415, 422, 500, 503};
  if (std::find(kStatuses.begin(), kStatuses.end(), res.status) == kStatuses.end()) {
    Fail("unexpected status", req, res, body);
  }
  if (res.status == 500) Fail("internal error", req, res, body);
  ++g_stats.by_class[res.status / 100];
  const std::string request_id = res.get_header_value("X-Request-Id");
  if (request_id.empty()) Fail("no X-Request-Id", req, res, body);
  if ((variant & 32) && request_id != "fuzz-request")
    Fail("X-Request-Id not echoed", req, res, body);
  if (res.get_header_value("X-Licit-Policy-Digest") != service.Digest()) {
    Fail("X-Licit-Policy-Digest is not the policy's digest", req, res, body);
  }
  const std::string type = res.get_header_value("Content-Type");
  if (type.empty()) Fail("no Content-Type", req, res, body);

  if (std::string_view(endpoint.path) == "/metrics" && res.status == 200) return;
  if (type.starts_with("application/x-ndjson")) {
    size_t lines = 0;
    for (size_t pos = 0; pos < body.size();) {
      size_t end = body.find('\n', pos);
      if (end == std::string::npos)
        Fail("a JSON Lines answer without a final newline", req, res, body);
      if (!StrictValid(std::string_view(body).substr(pos, end - pos))) {
        Fail("a JSON Lines answer line that is not JSON", req, res, body);
      }
      ++lines;
      pos = end + 1;
    }
    if (lines != RecordLineCount(req.body)) {
      Fail(fmt::format("{} decision lines for {} record lines", lines, RecordLineCount(req.body)),
           req, res, body);
    }
    ++g_stats.lines_counted;
    return;
  }
  if (!type.starts_with("application/json"))
    Fail("unexpected Content-Type " + type, req, res, body);
  if (!StrictValid(body)) Fail("the answer is not JSON", req, res, body);

  simdjson::dom::parser parser;
  simdjson::dom::element answer;
  if (parser.parse(body).get(answer)) Fail("simdjson refuses the answer", req, res, body);
  if (res.status >= 400) {
    std::string_view code;
    if (answer["error"]["code"].get(code) != simdjson::SUCCESS) {
      Fail("an error answer without error.code", req, res, body);
    }
    auto it = kErrorStatus.find(std::string(code));
    if (it == kErrorStatus.end() || it->second != res.status) {
      Fail("an error code that is not in the table, or with another status", req, res, body);
    }
  }
  const bool decide = std::string_view(endpoint.path) == "/v1/decide" && req.method == "POST";
  if (decide && res.status == 200 && body.back() != '\n' && body.front() == '{' &&
      body.find("\"decisions\":") != 1) {
    Fail("a single decision not ending in a newline", req, res, body);
  }
  // An array simdjson's DOM reads is answered in full: one decision per element, in place.
  const bool json_body = (variant & 7) == 0 || (variant & 7) == 2 || (variant & 7) == 3 ||
                         (variant & 7) == 5;  // the Content-Types read as JSON
  if (decide && (res.status == 200 || res.status == 400) && json_body) {
    simdjson::dom::parser request_parser;
    simdjson::dom::array records;
    if (request_parser.parse(req.body).get_array().get(records) == simdjson::SUCCESS) {
      const bool bad_query = res.status == 400 && body.find("bad_query") != std::string::npos;
      if (!bad_query) {
        simdjson::dom::array decisions;
        if (res.status != 200 || answer["decisions"].get_array().get(decisions)) {
          Fail("a JSON array of records was not answered with decisions", req, res, body);
        }
        if (decisions.size() != records.size()) {
          Fail(fmt::format("{} decisions for {} records", decisions.size(), records.size()), req,
               res, body);
        }
        ++g_stats.arrays_counted;
      }
    }
  }
}

std::string ServerRequestStats() {
  return fmt::format(
      "requests {}: 2xx {}, 4xx {}, 5xx {}; streamed {}, JSON Lines answers counted {}, arrays "
      "counted {}\n",
      g_stats.requests, g_stats.by_class[2], g_stats.by_class[4], g_stats.by_class[5],
      g_stats.streamed, g_stats.lines_counted, g_stats.arrays_counted);
}

}  // namespace licit::fuzz
