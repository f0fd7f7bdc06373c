// What `licit serve` is, for `licit --help` and `licit serve --help`: shared by the `licit`
// executable, which lists the command and runs the service program for it, and that program,
// licit-serve (tools/serve/), which implements it.
#pragma once

#include <string_view>

namespace licit::cli {

inline constexpr std::string_view kServeSummary =
    "serve decisions over HTTP (a policy decision point)";

inline constexpr std::string_view kServeHelp =
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

The service is a program of its own, licit-serve, installed beside licit: `licit serve` runs
it with these arguments, so that no other command loads its HTTP and TLS libraries.

Exit status: 0 stopped by a signal, 1 the policies do not compile or the server cannot start,
2 usage error.

Example:
  licit serve policies/ --addr 127.0.0.1:8181 --decision-log /var/log/licit/decisions.jsonl
  curl -s localhost:8181/v1/decide -H 'Content-Type: application/json' -d @shipment.json
)";

}  // namespace licit::cli
