#!/usr/bin/env python3
"""Runs the service example (examples/service/screen.py) against a real `licit serve`.

Usage: example_client_test.py LICIT SOURCE_DIR

Starts `licit serve examples/cn-japan-2026.licit --addr 127.0.0.1:0 --token-file T` in
SOURCE_DIR, reads its port from the banner on stderr, waits for GET /health/ready, then runs
screen.py on examples/shipments.jsonl in batches (several requests), in one array and streamed as
JSON Lines, and with --as-of. Each run must print the ids and effects `licit run` decides for the
same records, in order, the summary line `licit run` prints, and exit with the status
`licit run --fail-on deny` exits with. Without the token, and at a wrong path, screen.py must
exit 1 with the server's error. Last, SIGTERM must stop the server with exit 0. The server is
killed whatever happens (a failed check, an exception, ctest's timeout sending SIGTERM).
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

POLICY = "examples/cn-japan-2026.licit"
RECORDS = "examples/shipments.jsonl"
CLIENT = "examples/service/screen.py"
BANNER = re.compile(r"^licit: serving (\d+) polic(?:y|ies) on http://127\.0\.0\.1:(\d+) "
                    r"\(digest (sha256:[0-9a-f]{64})\)$", re.M)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def licit_run(licit, records, *options):
    """`licit run` on the records: ([(id, effect)...], summary line, exit status)."""
    run = subprocess.run([licit, "run", POLICY, "--records", records, "--summary", "counts",
                          *options], capture_output=True, text=True, timeout=120)
    check(run.returncode in (0, 3, 4), f"licit run {options} exited {run.returncode}:\n"
                                       f"{run.stderr}")
    decisions = [json.loads(line) for line in run.stdout.splitlines()]
    pairs = [("-" if d["id"] is None else str(d["id"]), d["effect"]) for d in decisions]
    counts = [line.strip() for line in run.stderr.splitlines() if line.startswith("  deny ")]
    check(len(counts) == 1, f"no summary in licit run's stderr:\n{run.stderr}")
    return pairs, counts[0], run.returncode


def screen(url, *options, records=RECORDS):
    """Runs the client: (stdout, stderr, exit status)."""
    run = subprocess.run([sys.executable, CLIENT, "--url", url, *options, records],
                         capture_output=True, text=True, timeout=120)
    return run.stdout, run.stderr, run.returncode


def compare(name, result, expected):
    stdout, stderr, status = result
    want_pairs, want_counts, want_status = expected
    got = [tuple(line.split("  ")[:2]) for line in stdout.splitlines()]
    got = [(record_id, effect.strip()) for record_id, effect in got]
    for i, (g, w) in enumerate(zip(got, want_pairs)):
        check(g == w, f"{name}: decision {i + 1} is {g}, licit run says {w}\n{stdout}")
    check(len(got) == len(want_pairs),
          f"{name}: {len(got)} decisions printed, licit run made {len(want_pairs)}\n{stdout}")
    check(want_counts in [line.strip() for line in stderr.splitlines()],
          f"{name}: the summary is not licit run's `{want_counts}`:\n{stderr}")
    check(status == want_status,
          f"{name}: exit status {status}, licit run --fail-on deny exits {want_status}\n{stderr}")
    print(f"ok: {name}: {len(got)} decisions as licit run, exit {status}")


def wait_for_banner(server, stderr_path, deadline):
    while time.monotonic() < deadline:
        with open(stderr_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        match = BANNER.search(text)
        if match:
            return int(match.group(2)), match.group(3)
        if server.poll() is not None:
            raise Failure(f"licit serve exited {server.returncode} before serving:\n{text}")
        time.sleep(0.05)
    raise Failure("no banner from licit serve within 60 s")


def wait_until_ready(url, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health/ready", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    raise Failure("GET /health/ready never answered 200")


def run_checks(licit, url, token_file, work):
    auth = ["--token-file", token_file]
    plain = licit_run(licit, RECORDS, "--fail-on", "deny")
    check(plain[2] == 4, "the example records include unreadable ones: licit run should exit 4")
    compare("batches of 7", screen(url, *auth, "--batch", "7"), plain)
    compare("one array", screen(url, *auth), plain)
    compare("JSON Lines", screen(url, *auth, "--ndjson"), plain)
    dated = licit_run(licit, RECORDS, "--fail-on", "deny", "--as-of", "2026-03-01")
    compare("--as-of, JSON Lines", screen(url, *auth, "--ndjson", "--as-of", "2026-03-01"), dated)
    compare("--as-of, batches of 10",
            screen(url, *auth, "--batch", "10", "--as-of", "2026-03-01"), dated)

    # The other exit statuses, on parts of the file: every record judged with some denied (3),
    # then none denied (0).
    with open(RECORDS, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    effects = [effect for _, effect in plain[0]]
    for name, keep, status in [("no error", {"error"}, 3), ("no deny", {"error", "deny"}, 0)]:
        path = os.path.join(work, name.replace(" ", "-") + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(line for line, effect in zip(lines, effects) if effect not in keep)
        expected = licit_run(licit, path, "--fail-on", "deny")
        check(expected[2] == status, f"{name}: licit run exits {expected[2]}, not {status}")
        compare(f"{name}, batches of 5", screen(url, *auth, "--batch", "5", records=path),
                expected)
        compare(f"{name}, JSON Lines", screen(url, *auth, "--ndjson", records=path), expected)

    # Refusals: exit 1 with the server's error code in the message, and no decision printed.
    for name, options, code in [
        ("no token", [], "HTTP 401"),
        ("wrong path", ["--token-file", token_file, "--url", url + "/nope"], "HTTP 404"),
        ("bad --as-of", ["--token-file", token_file, "--as-of", "2026-13-01"], "bad_query"),
    ]:
        stdout, stderr, status = screen(url, *options)
        check(status == 1 and code in stderr and stdout == "",
              f"{name}: expected exit 1 and `{code}`, got exit {status}:\n{stdout}{stderr}")
        print(f"ok: {name}: exit 1, {stderr.strip()}")


def main():
    if len(sys.argv) != 3:
        print("usage: example_client_test.py LICIT SOURCE_DIR", file=sys.stderr)
        return 2
    licit = os.path.abspath(sys.argv[1])
    os.chdir(sys.argv[2])  # the paths in decisions ("at") are as licit run prints them here
    work = tempfile.mkdtemp(prefix="licit-service-example-")
    token_file = os.path.join(work, "token")
    with open(token_file, "w", encoding="utf-8") as f:
        f.write("example-%d\n" % os.getpid())
    stderr_path = os.path.join(work, "server.stderr")
    server = None

    # ctest's timeout sends SIGTERM: turn it into an exception so `finally` stops the server.
    def on_term(signum, frame):
        raise Failure(f"stopped by signal {signum}")
    signal.signal(signal.SIGTERM, on_term)

    try:
        with open(stderr_path, "wb") as err:
            server = subprocess.Popen(
                [licit, "serve", POLICY, "--addr", "127.0.0.1:0", "--token-file", token_file],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 60
        port, digest = wait_for_banner(server, stderr_path, deadline)
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(url, deadline)
        print(f"ok: serving on {url} ({digest})")

        run_checks(licit, url, token_file, work)

        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise Failure("licit serve did not stop within 15 s of SIGTERM")
        with open(stderr_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        check(status == 0, f"licit serve exited {status} on SIGTERM:\n{log}")
        check(log.rstrip().endswith("licit: stopped"), f"no `licit: stopped` on stderr:\n{log}")
        print("ok: SIGTERM stopped the server with exit 0")
        return 0
    except Failure as e:
        print(f"FAIL: {e}")
        if os.path.exists(stderr_path):
            with open(stderr_path, encoding="utf-8", errors="replace") as f:
                print("--- licit serve's stderr\n" + f.read())
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        for name in os.listdir(work):
            os.remove(os.path.join(work, name))
        os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
