"""A small Chrome DevTools Protocol client for the browser tests (tests/browser/README.md).

Drives Debian's headless `chromium` through one WebSocket (python3-websocket), the way a person
would use the page: real mouse events at an element's centre, text inserted at the caret. It keeps
what the page did that a test may want to check: every URL it requested and every error it logged.

    with Browser() as b:
        b.open("http://127.0.0.1:8080/")
        b.click("#decide")
        b.wait_for("document.querySelector('#effect').textContent !== ''")

Chromium and its temporary profile are always removed, whether the test passes, fails or the
browser never started.
"""

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import websocket

CHROMIUM = os.environ.get("LICIT_CHROMIUM", "chromium")


class BrowserError(Exception):
    """A DevTools command failed, or JavaScript evaluated in the page threw."""


class Browser:
    def __init__(self, width=1280, height=900, timeout=30):
        self.width = width
        self.height = height
        self.timeout = timeout  # seconds for one DevTools command (a page load included)
        self.requests = []  # every URL the page requested, in order
        self.console_errors = []  # uncaught exceptions, console.error and error log entries
        self.network_errors = []  # "Failed to load resource: ... 404" (error statuses, refusals)
        self.dialogs = []  # alert/confirm/prompt messages (dismissed at once, so nothing blocks)
        self._proc = None
        self._profile = None
        self._ws = None
        self._session = None
        self._next_id = 0
        self._events = []  # events not yet looked at by a waiter (load events)

    # --- lifetime ---------------------------------------------------------------------------------

    def __enter__(self):
        try:
            self._launch()
            self._attach()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _launch(self):
        self._profile = tempfile.mkdtemp(prefix="licit-chromium-")
        log = open(os.path.join(self._profile, "chromium.log"), "wb")
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-port=0", "--user-data-dir=" + self._profile,
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--window-size=%d,%d" % (self.width, self.height), "about:blank"]
        try:
            # A session of its own: the renderers and helpers are stopped with it as one group.
            self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                          start_new_session=True)
        except FileNotFoundError:
            raise BrowserError("%s not found (scripts/install-deps.sh installs Debian's chromium)"
                               % CHROMIUM)
        finally:
            log.close()
        port_file = os.path.join(self._profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while True:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    lines = f.read().split("\n")
                if len(lines) >= 2 and lines[0].strip() and lines[1].strip():
                    break
            if self._proc.poll() is not None or time.time() > deadline:
                raise BrowserError("chromium did not start:\n" + self._chromium_log())
            time.sleep(0.05)
        url = "ws://127.0.0.1:%s%s" % (lines[0].strip(), lines[1].strip())
        # No Origin header: Chromium refuses DevTools connections from origins it was not told of.
        self._ws = websocket.create_connection(url, timeout=self.timeout, suppress_origin=True)

    def _attach(self):
        target = self._command("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self._command("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True}, session=False)
        self._session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self._command(domain + ".enable")
        self._command("Emulation.setDeviceMetricsOverride",
                      {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                       "mobile": False})

    def close(self):
        """Stops Chromium (its whole process group) and removes its profile; safe to call twice."""
        if self._ws is not None:
            try:
                self._ws.close()
            except Exception:
                pass
            self._ws = None
        if self._proc is not None:
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self._proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    self._proc.wait(wait)
                except subprocess.TimeoutExpired:
                    continue
                # The main process is gone; its helpers may not be yet.
                try:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                break
            # Helpers killed with the group are reaped by init a moment later: wait for that, so
            # no Chromium process outlives the test.
            deadline = time.time() + 10
            while time.time() < deadline:
                try:
                    os.killpg(self._proc.pid, 0)
                except (ProcessLookupError, PermissionError):
                    break
                time.sleep(0.05)
            self._proc = None
        if self._profile is not None:
            # A helper still exiting can write into the profile for a moment: retry briefly.
            for _ in range(20):
                shutil.rmtree(self._profile, ignore_errors=True)
                if not os.path.exists(self._profile):
                    break
                time.sleep(0.1)
            self._profile = None

    def _chromium_log(self):
        try:
            with open(os.path.join(self._profile, "chromium.log"), encoding="utf-8",
                      errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return "(no log)"

    # --- the protocol -----------------------------------------------------------------------------

    def _send(self, method, params=None, session=True):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        self._ws.send(json.dumps(message))
        return self._next_id

    def _command(self, method, params=None, session=True, timeout=None):
        sent = self._send(method, params, session)
        deadline = time.time() + (timeout or self.timeout)
        while True:
            message = self._receive(deadline, method)
            if message.get("id") == sent:
                if "error" in message:
                    raise BrowserError("%s: %s" % (method, message["error"].get("message")))
                return message.get("result", {})

    def _receive(self, deadline, waiting_for):
        remaining = deadline - time.time()
        if remaining <= 0:
            raise BrowserError("no answer to %s within the timeout" % waiting_for)
        self._ws.settimeout(remaining)
        try:
            message = json.loads(self._ws.recv())
        except websocket.WebSocketTimeoutException:
            raise BrowserError("no answer to %s within the timeout" % waiting_for)
        if "method" in message:
            self._on_event(message["method"], message.get("params", {}))
        return message

    def _on_event(self, method, params):
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            self.console_errors.append(_exception_text(params["exceptionDetails"]))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.console_errors.append(" ".join(_remote_text(a) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            # An HTTP error status is the browser's note, not the page's failure: a page may
            # well show a 422's answer. Kept apart.
            if entry.get("source") == "network":
                self.network_errors.append(entry.get("text", ""))
            else:
                self.console_errors.append(entry.get("text", ""))
        elif method == "Page.javascriptDialogOpening":
            # A dialog blocks the page (and every later evaluation): note it and dismiss it.
            self.dialogs.append(params.get("message", ""))
            self._send("Page.handleJavaScriptDialog", {"accept": False})
        else:
            self._events.append(method)

    # --- what a test does -------------------------------------------------------------------------

    def open(self, url):
        """Navigates to `url` and waits for its load event."""
        self._events.clear()
        result = self._command("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError("cannot open %s: %s" % (url, result["errorText"]))
        deadline = time.time() + self.timeout
        while "Page.loadEventFired" not in self._events:
            self._receive(deadline, "the load event of " + url)

    def eval(self, js):
        """The value of the JavaScript expression `js` (a promise is awaited); raises on a throw."""
        result = self._command("Runtime.evaluate", {"expression": js, "returnByValue": True,
                                                    "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError("JavaScript threw: %s\nin: %s"
                               % (_exception_text(result["exceptionDetails"]), js))
        return result.get("result", {}).get("value")

    def wait_for(self, js, timeout=10):
        """Evaluates `js` until it is truthy and returns that value; raises after `timeout` s."""
        deadline = time.time() + timeout
        while True:
            value = self.eval(js)
            if value:
                return value
            if time.time() > deadline:
                raise BrowserError("still false after %s s (last value %r): %s"
                                   % (timeout, value, js))
            time.sleep(0.05)

    def _element_centre(self, selector):
        box = self.eval("""(() => {
            const el = document.querySelector(%s);
            if (!el) return null;
            el.scrollIntoView({block: 'center', inline: 'center'});
            const r = el.getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height};
        })()""" % json.dumps(selector))
        if box is None:
            raise BrowserError("no element matches %s" % selector)
        if box["w"] == 0 or box["h"] == 0:
            raise BrowserError("%s is not visible (empty box)" % selector)
        return box["x"], box["y"]

    def click(self, selector):
        """Presses and releases the left mouse button at the element's centre."""
        x, y = self._element_centre(selector)
        self._command("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            self._command("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y,
                                                       "button": "left", "clickCount": 1})

    def type(self, selector, text, clear=False):
        """Focuses the element and inserts `text` at its caret (after its text, or replacing it
        when `clear`), as typing does: the page sees input events."""
        found = self.eval("""(() => {
            const el = document.querySelector(%s);
            if (!el) return false;
            el.scrollIntoView({block: 'center'});
            el.focus();
            if ('selectionStart' in el && el.value !== undefined) {
                try {
                    if (%s) el.select();
                    else el.setSelectionRange(el.value.length, el.value.length);
                } catch (e) { /* inputs without a caret (number) */ if (%s) el.value = ''; }
            }
            return true;
        })()""" % (json.dumps(selector), "true" if clear else "false",
                   "true" if clear else "false"))
        if not found:
            raise BrowserError("no element matches %s" % selector)
        self._command("Input.insertText", {"text": text})

    def set_value(self, selector, value):
        """Sets an input's value and fires input and change (controls without text entry: dates)."""
        found = self.eval("""(() => {
            const el = document.querySelector(%s);
            if (!el) return false;
            el.value = %s;
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true}));
            return true;
        })()""" % (json.dumps(selector), json.dumps(value)))
        if not found:
            raise BrowserError("no element matches %s" % selector)

    def select(self, selector, value):
        """Chooses the option `value` of a <select> and fires change (as a person's pick does)."""
        found = self.eval("""(() => {
            const el = document.querySelector(%s);
            if (!el) return 'none';
            if (![...el.options].some(o => o.value === %s)) return 'no option';
            el.value = %s;
            el.dispatchEvent(new Event('input', {bubbles: true}));
            el.dispatchEvent(new Event('change', {bubbles: true}));
            return 'ok';
        })()""" % (json.dumps(selector), json.dumps(value), json.dumps(value)))
        if found != "ok":
            raise BrowserError("cannot select %r in %s: %s" % (value, selector, found))

    def text(self, selector):
        """The element's rendered text (innerText), or None when nothing matches."""
        return self.eval("(() => { const el = document.querySelector(%s);"
                         " return el ? el.innerText : null; })()" % json.dumps(selector))

    def screenshot(self, path):
        """Saves the whole page (not only the viewport) as a PNG."""
        metrics = self._command("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width = int(max(size["width"], self.width))
        height = int(max(size["height"], self.height))
        # A viewport as tall as the page for the moment of the shot: painting "beyond the
        # viewport" leaves the inside of scrolled boxes blank.
        self._command("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        try:
            shot = self._command("Page.captureScreenshot", {"format": "png"})
        finally:
            self._command("Emulation.setDeviceMetricsOverride",
                          {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                           "mobile": False})
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


def _remote_text(obj):
    if "value" in obj:
        return str(obj["value"])
    return obj.get("description", obj.get("type", ""))


def _exception_text(details):
    exception = details.get("exception") or {}
    return exception.get("description") or details.get("text", "exception")
