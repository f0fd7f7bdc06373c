"""Fixtures for the `licit serve` integration tests (tests/server/README.md).

Every test talks to a real `licit serve` process on a loopback port the kernel picks (`--addr
127.0.0.1:0`); the port is read from the banner line the server prints on stderr once listening.
Servers are stopped with SIGTERM at the end of each test and must exit 0; their stderr is kept for
assertions (reload messages) and shown when a test fails.
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest

LICIT = os.environ.get("LICIT", "build/dev/licit")
SOURCE_DIR = os.environ.get("LICIT_SOURCE_DIR", os.getcwd())
BANNER = re.compile(r"licit: serving (\d+) polic(?:y|ies) on (https?)://([^ ]+):(\d+) \(digest (sha256:[0-9a-f]{64})\)")


def source_path(*parts):
    return os.path.join(SOURCE_DIR, *parts)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8")


class Server:
    """A running `licit serve`, with a small HTTP client on one keep-alive connection."""

    def __init__(self, args, cwd=None, env=None):
        self.args = [LICIT, "serve", "--addr", "127.0.0.1:0"] + list(args)
        self.proc = subprocess.Popen(self.args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.stderr_lines = []
        self._stderr_done = threading.Event()
        self._banner = threading.Event()
        self.port = None
        self.digest = None
        self.scheme = "http"
        threading.Thread(target=self._read_stderr, daemon=True).start()
        if not self._banner.wait(60):
            self.kill()
            raise AssertionError("no banner from licit serve:\n" + self.stderr())
        self._conn = None

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace")
            self.stderr_lines.append(line)
            m = BANNER.search(line)
            if m and not self._banner.is_set():
                self.scheme, self.port, self.digest = m.group(2), int(m.group(4)), m.group(5)
                self._banner.set()
        self._stderr_done.set()
        self._banner.set()  # the process ended: stop waiting for a banner

    def stderr(self):
        return "".join(self.stderr_lines)

    def connection(self, timeout=30):
        if self.scheme == "https":
            import ssl
            context = ssl._create_unverified_context()
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=context)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """One request; `body` may be bytes, str, or a dict/list (sent as JSON)."""
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        own = conn is None
        if own:
            if self._conn is None:
                self._conn = self.connection()
            conn = self._conn
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        except (http.client.HTTPException, ConnectionError):
            if not own:
                raise
            # The server closed the kept-alive connection (e.g. after an error): retry once.
            self._conn = self.connection()
            self._conn.request(method, path, body=body, headers=headers)
            r = self._conn.getresponse()
            data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=b"", **kw):
        return self.request("POST", path, body=body, **kw)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_for_stderr(self, pattern, timeout=30):
        deadline = time.time() + timeout
        regex = re.compile(pattern)
        while time.time() < deadline:
            if any(regex.search(line) for line in self.stderr_lines):
                return True
            time.sleep(0.05)
        return False

    def stop(self, timeout=30):
        """SIGTERM; returns the exit status."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("licit serve did not stop within %d s after SIGTERM" % timeout)
        self._stderr_done.wait(10)
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def serve(request):
    """serve(*args, cwd=None) starts a server; every one started is stopped (SIGTERM, exit 0)."""
    started = []

    def start(*args, cwd=None, env=None):
        server = Server(args, cwd=cwd, env=env)
        started.append(server)
        return server

    yield start
    failures = []
    for server in started:
        if server.proc.poll() is None:
            status = server.stop()
            if status != 0:
                failures.append("exit status %s\n%s" % (status, server.stderr()))
    failed = getattr(request.node, "rep_call_failed", lambda: False)()
    if failures and not failed:
        pytest.fail("a server did not stop cleanly: " + "\n".join(failures))


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call_failed = lambda: rep.failed


@pytest.fixture
def policy_dir(tmp_path):
    """A temporary directory holding a copy of the example policy (for reload tests)."""
    d = tmp_path / "policies"
    d.mkdir()
    shutil.copy(source_path("examples", "cn-japan-2026.licit"), d / "cn-japan-2026.licit")
    return d


def example_records():
    """The example shipments, one JSON text per line (blank lines skipped)."""
    with open(source_path("examples", "shipments.jsonl"), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def licit_run(policies, records_path, *extra):
    """`licit run`'s stdout (bytes) for the same policies and records."""
    out = subprocess.run([LICIT, "run", *policies, "--records", records_path, *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SOURCE_DIR)
    return out.stdout
