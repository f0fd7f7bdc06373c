"""The playground of `licit serve --ui` in headless Chromium (docs/playground.md): a real server, a
real browser, and what a person sees and does there: the policies, rules and source, the form
built from the input schema, a decision and its explanation, another date, the test report, and
hostile strings shown as text. Screenshots go to the build directory (and to docs/images with
LICIT_UPDATE_SCREENSHOTS=1)."""

import json
import os
import shutil
import sys

import pytest

from cdp import Browser

# The server tests' helpers: one way to start and talk to `licit serve`.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from conftest import SOURCE_DIR, Server  # noqa: E402

POLICY = "examples/cn-japan-2026.licit"
SHOTS = os.path.join(os.environ.get("LICIT_BUILD_DIR", SOURCE_DIR), "browser-screenshots")

# A Japanese military end user of a dual-use item: denied by jp-military since 2026-01-06, only a
# licence the day before.
RECORD = {"id": "P-1", "date": "2026-02-01", "destination": "JP", "end_use": "military",
          "end_user": {"name": "JGSDF", "kind": "military"}, "item": {"cn": "1C902.a"}}


def screenshot(browser, name):
    path = os.path.join(SHOTS, name)
    browser.screenshot(path)
    if os.environ.get("LICIT_UPDATE_SCREENSHOTS") == "1":
        images = os.path.join(SOURCE_DIR, "docs", "images")
        os.makedirs(images, exist_ok=True)
        shutil.copy(path, os.path.join(images, name))


def stop(server):
    status = server.stop()
    assert status == 0, server.stderr()


@pytest.fixture(scope="module")
def server():
    s = Server([POLICY, "--ui"], cwd=SOURCE_DIR)
    yield s
    stop(s)


@pytest.fixture(scope="module")
def browser():
    with Browser(width=1280, height=900) as b:
        yield b


def base(server):
    return "http://127.0.0.1:%d" % server.port


def open_page(browser, server):
    browser.open(base(server) + "/")
    browser.wait_for("document.querySelectorAll('#rules tbody tr').length > 0")


def texts(browser, selector):
    return browser.eval("[...document.querySelectorAll(%s)].map(e => e.innerText)"
                        % json.dumps(selector))


def decided(browser):
    """Waits for a decision after a click on Decide; its effect as shown."""
    browser.wait_for("!document.querySelector('#decide').disabled"
                     " && !document.querySelector('#decision').hidden")
    return browser.eval("document.querySelector('#effect').textContent")  # not uppercased


def test_policies_rules_and_source(server, browser):
    open_page(browser, server)
    assert browser.text("#policies").startswith("cn.mofcom.japan_2026")
    assert "12 rules" in browser.text("#policies")
    assert "cn.mofcom.japan_2026" in browser.text("#served")
    rows = {r.split("\t")[0]: r.split("\t") for r in texts(browser, "#rules tbody tr")}
    assert rows["jp-military"][1:4] == ["deny", "2026-01-06", ""]
    assert rows["suspend us-gallium"][2:4] == ["2025-11-09", "2026-11-27"]
    assert rows["rare-earths"][1].startswith('license "MOFCOM dual-use export licence')
    # The source as the server read it, highlighted.
    with open(os.path.join(SOURCE_DIR, POLICY), encoding="utf-8") as f:
        assert browser.eval("document.querySelector('#source').textContent") == f.read()
    kinds = browser.eval("[...new Set([...document.querySelectorAll('#source span')]"
                         ".map(s => s.className))]")
    for kind in ("kw", "str", "comment", "date", "decl", "effect-word", "country"):
        assert kind in kinds
    assert "jp-military" in texts(browser, "#source .decl")
    # A click on a rule shows its declaration.
    browser.click('#rules tbody tr[data-rule="jp-military"]')
    browser.wait_for("document.querySelector('#source .flash') !== null")
    assert browser.text("#source .flash") == "jp-military"
    screenshot(browser, "playground-policy.png")


def test_form_is_built_from_the_schema(server, browser):
    open_page(browser, server)
    schema = server.get("/v1/schema").json()
    records = {f["path"] for f in schema["fields"]
               if any(g["path"].startswith(f["path"] + ".") for g in schema["fields"])}
    leaves = [f for f in schema["fields"] if f["path"] not in records]
    shown = browser.eval("[...document.querySelectorAll('#record-form [data-path]')]"
                         ".map(e => [e.dataset.path, e.tagName, e.type])")
    assert [p for p, _, _ in shown] == [f["path"] for f in leaves]
    kinds = {p: (tag, kind) for p, tag, kind in shown}
    for f in leaves:
        if f["type"] == "country":
            assert kinds[f["path"]] == ("SELECT", "select-one"), f
        elif f["type"] == "date":
            assert kinds[f["path"]] == ("INPUT", "date"), f
        else:
            assert kinds[f["path"]] == ("INPUT", "text"), f
    legends = texts(browser, "#record-form legend")
    assert "end_user (record)" in legends and "item * (record)" in legends
    options = browser.eval("[...document.querySelector('[data-path=\"destination\"]').options]"
                           ".map(o => [o.value, o.text])")
    assert len(options) == len(schema["countries"]) + 1  # and "(missing)"
    assert ["JP", "JP — Japan"] in options


def fill_form(browser, record):
    """Types and picks the record's fields into the form, as a person would."""
    browser.type('[data-path="id"]', record["id"], clear=True)
    browser.set_value('[data-path="date"]', record["date"])  # a date picker takes no typing
    browser.select('[data-path="destination"]', record["destination"])
    browser.type('[data-path="end_use"]', record["end_use"], clear=True)
    browser.type('[data-path="end_user.name"]', record["end_user"]["name"], clear=True)
    browser.type('[data-path="end_user.kind"]', record["end_user"]["kind"], clear=True)
    browser.type('[data-path="item.cn"]', record["item"]["cn"], clear=True)


def test_fill_the_form_and_decide(server, browser):
    open_page(browser, server)
    fill_form(browser, RECORD)
    # The JSON box follows the form.
    assert json.loads(browser.eval("document.querySelector('#record-json').value")) == RECORD
    browser.click("#decide")
    effect = decided(browser)
    expected = server.post("/v1/decide", RECORD).json()
    assert effect == expected["effect"] == "deny"
    assert browser.text("#judged") == "record P-1, judged at 2026-02-01"
    reasons = texts(browser, "#reasons tbody tr")
    assert [r.split("\t")[0] for r in reasons] == [x["rule"] for x in expected["rules"]]
    jp = [r for r in reasons if r.startswith("jp-military")][0].split("\t")
    assert jp[2] == "Dual-use items to Japanese military end users are banned"
    assert jp[3] == "MOFCOM Announcement No. 1 of 2026, clause 1"
    explained = server.post("/v1/explain", RECORD).json()
    assert browser.eval("document.querySelector('#explanation').textContent") == \
        explained["text"]
    screenshot(browser, "playground-decision.png")


def test_another_date_judges_the_same_record(server, browser):
    open_page(browser, server)
    browser.type("#record-json", json.dumps(RECORD), clear=True)
    # The form follows the JSON box.
    assert browser.eval("document.querySelector('[data-path=\"end_user.kind\"]').value") == \
        "military"
    browser.click("#decide")
    assert decided(browser) == "deny"
    expected = server.post("/v1/decide?as_of=2026-01-05", RECORD).json()
    assert expected["effect"] == "license"
    browser.set_value("#as-of", "2026-01-05")  # a decision is shown: judged again at once
    browser.wait_for("document.querySelector('#effect').textContent === 'license'")
    assert browser.text("#judged") == "record P-1, judged at 2026-01-05"
    assert "not in force on 2026-01-05" in browser.text("#explanation")
    browser.click("#as-of-clear")
    browser.wait_for("document.querySelector('#effect').textContent === 'deny'")


def test_run_tests(server, browser):
    open_page(browser, server)
    browser.click("#run-tests")
    browser.wait_for("/passed/.test(document.querySelector('#tests-summary').textContent)")
    report = server.post("/v1/test").json()
    assert browser.text("#tests-summary") == "%d passed, %d failed" % (report["passed"],
                                                                      report["failed"])
    shown = texts(browser, "#tests .test-name")
    assert shown == [t["name"] for t in report["tests"]]
    assert browser.eval("document.querySelectorAll('#tests li.pass').length") == report["passed"]
    screenshot(browser, "playground-tests.png")


def test_bad_json_and_record_errors(server, browser):
    open_page(browser, server)
    browser.type("#record-json", '{"id": "x", ', clear=True)
    assert browser.text("#json-status").startswith("Not valid JSON")
    sent = len(browser.requests)
    browser.click("#decide")
    assert len(browser.requests) == sent  # nothing sent: the message says what is wrong
    assert browser.eval("document.activeElement.id") == "record-json"
    browser.type("#record-json", "[1, 2]", clear=True)
    assert browser.text("#json-status").startswith("A record is a JSON object")
    # JSON, but not a record the policy can judge: its error decision.
    bad = {"id": "E-1", "date": "2026-02-01", "destination": "XX", "item": {}}
    browser.type("#record-json", json.dumps(bad), clear=True)
    assert browser.text("#json-status") == ""
    browser.click("#decide")
    assert decided(browser) == "error"
    expected = server.post("/v1/decide", bad)
    assert expected.status == 422
    assert browser.text("#decision-error") == expected.json()["decision"]["error"]
    assert server.get("/health").status == 200


def test_only_the_servers_own_origin(server, browser):
    open_page(browser, server)
    browser.type("#record-json", json.dumps(RECORD), clear=True)
    browser.click("#decide")
    decided(browser)
    # Every request this module's tests made so far, the page and its script's calls alike.
    # (data: URLs are no requests to anywhere: Chromium draws the date picker's icon with one.)
    fetched = [url for url in browser.requests if not url.startswith("data:")]
    assert fetched
    assert all(url.startswith(base(server) + "/") for url in fetched), fetched
    assert browser.console_errors == []
    assert browser.dialogs == []


HOSTILE_POLICY = '''policy hostile
  title "<img src=x onerror=\\"window.pwned='title'\\">"

import std.trade

# <script>window.pwned = 'comment'</script>
rule xss:
  deny to JP
  since 2026-01-01
  because "<script>window.pwned = 'because'</script>"
  cite "<img src=x onerror=\\"window.pwned='cite'\\">"

test "<b onmouseover=\\"window.pwned='test'\\">bold</b>" {
  given {id: "t", date: 2026-02-01, destination: JP, item: {}}
  expect deny by xss
}
'''


def test_hostile_strings_show_as_text(tmp_path, browser):
    policy = tmp_path / "hostile.licit"
    policy.write_text(HOSTILE_POLICY, encoding="utf-8")
    server = Server(["hostile.licit", "--ui"], cwd=str(tmp_path))  # paths shown stay short
    try:
        browser.open(base(server) + "/")
        browser.wait_for("document.querySelectorAll('#rules tbody tr').length > 0")
        record = {"id": "<script>window.pwned='id'</script>", "date": "2026-02-01",
                  "destination": "JP", "item": {"description": "<img src=x onerror=alert(1)>"},
                  "end_user": {"name": "<img src=x onerror=\"window.pwned='name'\">"}}
        browser.type("#record-json", json.dumps(record), clear=True)
        assert browser.eval("document.querySelector('[data-path=\"end_user.name\"]').value") == \
            record["end_user"]["name"]
        browser.click("#decide")
        assert decided(browser) == "deny"
        browser.click("#run-tests")
        browser.wait_for("/passed/.test(document.querySelector('#tests-summary').textContent)")
        browser.wait_for("new Promise(r => setTimeout(() => r(true), 300))")
        # Shown, as text.
        reasons = browser.text("#reasons")
        assert "<script>window.pwned = 'because'</script>" in reasons
        assert "<img src=x onerror=\"window.pwned='cite'\">" in reasons
        assert record["id"] in browser.text("#judged")
        assert record["end_user"]["name"] in browser.text("#explanation") or \
            record["id"] in browser.text("#explanation")
        source = browser.eval("document.querySelector('#source').textContent")
        assert "# <script>window.pwned = 'comment'</script>" in source
        assert "<b onmouseover=" in browser.text("#tests")
        # Never markup: no element from the data, nothing ran.
        assert browser.eval("document.querySelectorAll('main script, main img, main b').length") \
            == 0
        assert browser.eval("typeof window.pwned") == "undefined"
        assert browser.dialogs == []
        screenshot(browser, "playground-escaped.png")
    finally:
        stop(server)


def test_a_token_is_asked_for(tmp_path, browser):
    token = tmp_path / "token"
    token.write_text("playground-token\n")
    server = Server([POLICY, "--ui", "--token-file", str(token)], cwd=SOURCE_DIR)
    try:
        browser.open(base(server) + "/")
        browser.wait_for("!document.querySelector('#token-panel').hidden")
        assert "needs a token" in browser.text("#page-error")
        browser.type("#token", "wrong")
        browser.click("#token-save")
        browser.wait_for("/refused/.test(document.querySelector('#page-error').textContent)")
        browser.type("#token", "playground-token", clear=True)
        browser.click("#token-save")
        browser.wait_for("document.querySelectorAll('#rules tbody tr').length > 0")
        assert browser.eval("document.querySelector('#token-panel').hidden") is True
        browser.type("#record-json", json.dumps(RECORD), clear=True)
        browser.click("#decide")
        assert decided(browser) == "deny"
    finally:
        stop(server)
