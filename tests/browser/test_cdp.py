"""The harness itself (cdp.py) on a page served by Python's own HTTP server: clicks, typing,
pickers, evaluation errors, requests, console errors, screenshots, and cleanup."""

import http.server
import os
import threading

import pytest

from cdp import Browser, BrowserError

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>harness</title></head><body>
<input id="name"><select id="kind"><option value="a">A</option><option value="b">B</option></select>
<div style="height:1500px"></div>
<button id="far" onclick="document.title = 'clicked ' + document.getElementById('name').value
  + ' ' + document.getElementById('kind').value">far below</button>
<script>
  document.getElementById('kind').addEventListener('change', () => { window.changed = true; });
  console.error('logged on purpose');
  fetch('/data.json').then(r => r.text()).then(t => { window.data = t; });
</script></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE if self.path == "/" else b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if self.path == "/" else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_drives_a_page_like_a_person(site, tmp_path):
    with Browser(width=800, height=600) as b:
        b.open(site + "/")
        assert b.eval("document.title") == "harness"
        assert b.eval("Promise.resolve(6 * 7)") == 42
        b.wait_for("window.data")
        b.type("#name", "Ada")
        b.type("#name", " L")
        b.select("#kind", "b")
        assert b.eval("window.changed") is True
        b.click("#far")  # below the fold: scrolled into view first
        assert b.eval("document.title") == "clicked Ada L b"
        b.type("#name", "Grace", clear=True)
        assert b.eval("document.getElementById('name').value") == "Grace"
        with pytest.raises(BrowserError, match="boom"):
            b.eval("(() => { throw new Error('boom'); })()")
        with pytest.raises(BrowserError, match="no element"):
            b.click("#missing")
        with pytest.raises(BrowserError, match="no option"):
            b.select("#kind", "zzz")
        with pytest.raises(BrowserError, match="still false"):
            b.wait_for("false", timeout=0.3)
        b.eval("setTimeout(() => { throw new Error('late'); }, 0); 1")
        b.wait_for("true")
        b.eval("new Promise(r => setTimeout(r, 100))")
        assert any("logged on purpose" in e for e in b.console_errors)
        assert any("late" in e for e in b.console_errors)
        assert b.requests[:2] == [site + "/", site + "/data.json"]
        b.eval("setTimeout(() => alert('hi'), 0); 1")
        b.wait_for("new Promise(r => setTimeout(() => r(true), 100))")
        assert b.dialogs == ["hi"]
        shot = tmp_path / "page.png"
        b.screenshot(str(shot))
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        height = int.from_bytes(data[20:24], "big")
        assert height > 1500  # the whole page, not the 600-pixel viewport
        profile, pid = b._profile, b._proc.pid
    assert not os.path.exists(profile)
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)


def test_cleans_up_after_a_failure():
    kept = {}
    with pytest.raises(RuntimeError):
        with Browser() as b:
            kept["profile"], kept["pid"] = b._profile, b._proc.pid
            raise RuntimeError("the test failed")
    assert not os.path.exists(kept["profile"])
    with pytest.raises(ProcessLookupError):
        os.killpg(kept["pid"], 0)
