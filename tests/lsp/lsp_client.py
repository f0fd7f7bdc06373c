"""A scripted LSP client for the tests: starts `licit lsp`, frames JSON-RPC messages, waits for
answers and notifications with a timeout, and checks that stdout carries nothing but protocol
messages (every byte read must belong to a well-framed JSON message)."""

import json
import os
import queue
import subprocess
import threading
import time


class LspClient:
    def __init__(self, licit, cwd, capabilities=None):
        # Definitions into the standard library write read-only copies under XDG_CACHE_HOME:
        # keep them in the test's directory.
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(cwd, ".cache"))
        self.proc = subprocess.Popen(
            [licit, "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env)
        self.next_id = 0
        self.messages = queue.Queue()
        self.pending = []  # messages read but not yet taken by a wait
        self.garbage = []  # anything on stdout that is not a framed JSON message
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.capabilities = capabilities or {}

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = b""
            while not headers.endswith(b"\r\n\r\n"):
                byte = out.read(1)
                if not byte:
                    self.messages.put(None)
                    return
                headers += byte
            length = None
            for line in headers.decode("ascii", "replace").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length is None:
                self.garbage.append(headers)
                continue
            body = out.read(length)
            try:
                self.messages.put(json.loads(body))
            except ValueError:
                self.garbage.append(body)

    def send_raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method, params=None):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or {}})
        return self.next_id

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def wait(self, predicate, timeout=20):
        deadline = time.time() + timeout
        for i, m in enumerate(self.pending):
            if predicate(m):
                return self.pending.pop(i)
        while time.time() < deadline:
            try:
                m = self.messages.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if m is None:
                raise AssertionError("the server closed its output")
            if predicate(m):
                return m
            self.pending.append(m)
        raise AssertionError("timed out waiting; got %r" % self.pending)

    def call(self, method, params=None, timeout=20):
        rid = self.request(method, params)
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def diagnostics(self, uri, timeout=20, predicate=lambda d: True):
        m = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and predicate(m["params"]["diagnostics"]),
                      timeout)
        return m["params"]["diagnostics"]

    def initialize(self):
        answer = self.call("initialize", {"processId": os.getpid(), "rootUri": None,
                                          "capabilities": self.capabilities})
        self.notify("initialized", {})
        return answer

    def shutdown(self):
        answer = self.call("shutdown")
        self.notify("exit")
        code = self.proc.wait(timeout=20)
        return answer, code

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
