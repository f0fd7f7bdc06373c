// The HTTP request fuzz entry (fuzz_server_request) and its replay test share this: bytes become
// one request (endpoint, method, query, Content-Type, Authorization, X-Request-Id, body) answered
// in process by a loaded `licit serve` Service (server/service.h, Service::Answer), exactly as the
// HTTP server would answer it, streamed JSON Lines included. A broken invariant prints the request
// and the answer and aborts (a crash to libFuzzer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace licit::fuzz {

// Checks, besides the sanitizers: every answer has a known status, X-Request-Id and
// X-Licit-Policy-Digest (the policy's digest), a Content-Type, and a body that is strict JSON
// (JSON Lines: every line) except /metrics; an error body is {"error":{"code","message"}} with a
// code of the documented table; /v1/decide on a JSON array that simdjson's DOM parses is never a
// failed request and answers one decision per element; JSON Lines answer one decision line per
// non-blank input line; a single record answered 200 ends in a newline, as `licit eval` prints it.
void RunServerRequest(const uint8_t* data, size_t size);

// Counters over every input run in this process, for the replay test's summary.
std::string ServerRequestStats();

}  // namespace licit::fuzz
