#!/usr/bin/env python3
"""screen.py: screens a JSON Lines file of shipments through `licit serve` (docs/server.md).

A client of the policy decision service written with Python's standard library alone. It sends
the records to POST /v1/decide, either in batches as JSON arrays (the default) or, with --ndjson,
the whole file streamed as application/x-ndjson, and prints one line per record, in input order:

    S-0001  license  dual-use-to-any
    S-0016  deny     us-gallium
    S-BAD1  error    line 18: field `destination`: unknown country code `XX` (did you mean ...)

then a summary by effect on stderr, as `licit run` prints it.

    screen.py --url http://127.0.0.1:8181 [--token-file F] [--as-of D] [--batch N] [--ndjson]
              [--cacert F] [--timeout S] SHIPMENTS.jsonl

Exit status, as `licit run --fail-on deny`: 0 all judged and none denied, 3 some decision is
`deny`, 4 some record could not be judged (an `error` decision; 4 wins over 3), 1 the service
could not be reached or refused a request (the message says why), 2 usage error.
"""

import argparse
import http.client
import json
import os
import ssl
import sys
import time
import urllib.parse

EFFECTS = ("deny", "license", "review", "exempt", "allow", "error")  # licit run's summary order
EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_DENY, EXIT_ERROR = 0, 1, 2, 3, 4
PROG = "screen.py"


class ServiceError(Exception):
    """The service could not be reached, or answered something other than decisions."""


class Service:
    """One keep-alive connection to `licit serve` (the server holds a worker thread for it)."""

    def __init__(self, url, token=None, cacert=None, timeout=60.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--url must be http://HOST:PORT or https://HOST:PORT, not `{url}`")
        self.url = url
        self.base = parts.path.rstrip("/")  # e.g. /licit behind a reverse proxy
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=cacert)
            self.conn = http.client.HTTPSConnection(
                parts.hostname, parts.port or 443, timeout=timeout, context=context)
        else:
            self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80,
                                                   timeout=timeout)
        self.token = token
        self.requests = 0
        self.digests = []  # X-Licit-Policy-Digest of each answer, in order, without repeats

    def post(self, path, body, content_type, query):
        """POSTs `body` (bytes, or a file object: sent chunked) and returns the open response
        when it is 200; raises ServiceError otherwise."""
        self.requests += 1
        target = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request_id = f"screen-{os.getpid()}-{self.requests}"
        headers = {"Content-Type": content_type, "X-Request-Id": request_id}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        try:
            self.conn.request("POST", target, body=body, headers=headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            raise ServiceError(f"cannot reach {self.url}: {e}") from e
        digest = response.getheader("X-Licit-Policy-Digest")
        if digest and (not self.digests or self.digests[-1] != digest):
            self.digests.append(digest)
        if response.status != 200:
            raise ServiceError(f"POST {target}: HTTP {response.status} {response.reason}: "
                               f"{error_text(response.read())} (request {request_id})")
        return response

    def close(self):
        self.conn.close()


def error_text(body):
    """The `code: message` of the service's error JSON, else the body's start."""
    try:
        error = json.loads(body)["error"]
        return f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace").strip()
        return text[:200] if text else "(no body)"


def read_records(path):
    """Yields (line number, text) for every line that is not blank, as `licit run` counts them."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            text = raw.decode("utf-8", "replace").strip()
            if text:
                yield number, text


def decide_in_batches(service, path, batch_size, query, show):
    """Default mode: arrays of up to `batch_size` records; each answer is {"decisions":[...]}, one
    per record in order. A line that is not JSON cannot go in an array: it gets an error decision
    here, as `licit run` would give it."""
    batch = []  # (line number, record)

    def flush():
        if not batch:
            return
        body = json.dumps([record for _, record in batch]).encode()
        response = service.post("/v1/decide", body, "application/json", query)
        decisions = json.loads(response.read())["decisions"]
        if len(decisions) != len(batch):
            raise ServiceError(f"{len(batch)} records sent, {len(decisions)} decisions received")
        for (line, _), decision in zip(batch, decisions):
            if decision.get("line") is None and decision.get("effect") == "error":
                decision["line"] = line  # the array's element has no line; the file's does
                decision["error"] = f"line {line}: {decision.get('error')}"
            show(decision)
        batch.clear()

    for line, text in read_records(path):
        try:
            batch.append((line, json.loads(text)))
        except ValueError as e:
            flush()  # keep the output in input order
            show({"line": line, "id": None, "effect": "error",
                  "error": f"line {line}: malformed JSON: {e.msg}: column {e.colno}"})
            continue
        if len(batch) >= batch_size:
            flush()
    flush()


def decide_streamed(service, path, query, show):
    """--ndjson: the file goes as is (chunked, read as it is sent); the answer is JSON Lines, one
    decision per record line, read and printed as it arrives."""
    with open(path, "rb") as f:
        response = service.post("/v1/decide", f, "application/x-ndjson", query)
        for line in response:
            if line.strip():
                show(json.loads(line))


def describe(decision):
    """The rules that fired (with the exceptions that waived them), or the error."""
    if decision.get("effect") == "error":
        return decision.get("error", "")
    waived = {}
    for w in decision.get("waived", []):
        waived.setdefault(w["rule"], []).append(w["exception"])
    parts = []
    for rule in decision.get("rules", []):
        name = rule["rule"]
        parts.append(f"{name} (waived by {', '.join(waived[name])})" if name in waived else name)
    text = ", ".join(parts) if parts else "-"
    unknowns = [u["rule"] for u in decision.get("unknowns", [])]
    if unknowns:  # rules the record could not settle (a missing field): see /v1/explain
        text += "; unknown: " + ", ".join(dict.fromkeys(unknowns))
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description="Screen a JSON Lines file of shipments through `licit serve`.",
        epilog="Exit status: 0 none denied, 3 some deny, 4 some record could not be judged, "
               "1 service or network error, 2 usage error.")
    parser.add_argument("records", metavar="SHIPMENTS.jsonl", help="one shipment per line")
    parser.add_argument("--url", required=True,
                        help="the service, e.g. http://127.0.0.1:8181 (a path prefix is kept)")
    parser.add_argument("--token-file", metavar="F",
                        help="send `Authorization: Bearer TOKEN` with the token in F")
    parser.add_argument("--as-of", metavar="D", help="judge every record at day D (YYYY-MM-DD)")
    parser.add_argument("--batch", metavar="N", type=int, default=500,
                        help="records per request (default 500)")
    parser.add_argument("--ndjson", action="store_true",
                        help="stream the whole file as application/x-ndjson in one request")
    parser.add_argument("--cacert", metavar="F", help="trust this CA (https with a private CA)")
    parser.add_argument("--timeout", metavar="S", type=float, default=60.0,
                        help="network timeout in seconds (default 60)")
    args = parser.parse_args(argv)
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    if not os.path.isfile(args.records):
        parser.error(f"cannot read `{args.records}`")

    token = None
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()  # as the server reads it
        except OSError as e:
            parser.error(f"cannot read the token file: {e}")
    try:
        service = Service(args.url, token, args.cacert, args.timeout)
    except (ValueError, OSError, ssl.SSLError) as e:
        parser.error(str(e))

    counts = dict.fromkeys(EFFECTS, 0)

    def show(decision):
        effect = decision.get("effect", "error")
        counts[effect] = counts.get(effect, 0) + 1
        record_id = decision.get("id")
        print(f"{'-' if record_id is None else record_id}  {effect:<7}  {describe(decision)}",
              flush=True)

    query = {"as_of": args.as_of} if args.as_of else {}
    started = time.monotonic()
    try:
        if args.ndjson:
            decide_streamed(service, args.records, query, show)
        else:
            decide_in_batches(service, args.records, args.batch, query, show)
    except ServiceError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_SERVICE
    except BrokenPipeError:  # `screen.py ... | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_SERVICE
    finally:
        service.close()
    elapsed = time.monotonic() - started

    total = sum(counts.values())
    requests = f"{service.requests} request{'s' if service.requests != 1 else ''}"
    policy = ", then ".join(service.digests) or "unknown"
    print(f"{PROG}: screened {total} records in {elapsed:.3f} s ({requests}); policy {policy}",
          file=sys.stderr)
    print("  " + ", ".join(f"{effect} {counts[effect]}" for effect in EFFECTS), file=sys.stderr)
    if counts["error"]:
        return EXIT_ERROR
    if counts["deny"]:
        return EXIT_DENY
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
