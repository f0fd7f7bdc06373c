"""The screening report of `licit report` / `licit run --report` in headless Chromium
(docs/report.md): what a person sees when opening the file: the counts by effect, the chart's
bars by month, tables that sort on a header click and filter as one types, strings from the data
shown as text and never run, and nothing fetched but the file itself. Also a report of 1 M
decisions stays small (aggregates, not rows) and opens. Screenshots go to the build directory
(and to docs/images with LICIT_UPDATE_SCREENSHOTS=1)."""

import json
import os
import shutil
import subprocess

import pytest

from cdp import Browser

SOURCE_DIR = os.environ.get("LICIT_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
LICIT = os.environ.get("LICIT", os.path.join(SOURCE_DIR, "build", "dev", "licit"))
BUILD_DIR = os.environ.get("LICIT_BUILD_DIR", os.path.join(SOURCE_DIR, "build", "dev"))
SHOTS = os.path.join(BUILD_DIR, "browser-screenshots")
FIXTURES = os.path.join(SOURCE_DIR, "tests", "golden", "cli", "fixtures", "report")
POLICY = "examples/cn-japan-2026.licit"
RECORDS = "tests/golden/cli/fixtures/report/shipments.jsonl"  # the examples' and a <script> one
EFFECTS = ["deny", "license", "review", "exempt", "allow", "error"]


def screenshot(browser, name, docs=True):
    path = os.path.join(SHOTS, name)
    browser.screenshot(path)
    if docs and os.environ.get("LICIT_UPDATE_SCREENSHOTS") == "1":
        os.makedirs(os.path.join(SOURCE_DIR, "docs", "images"), exist_ok=True)
        shutil.copy(path, os.path.join(SOURCE_DIR, "docs", "images", name))


def licit(*args):
    """Runs licit in the source directory (the page shows the paths as given); exit 4 (some
    records are errors) is a result here, not a failure."""
    done = subprocess.run([LICIT, *args], capture_output=True, text=True, cwd=SOURCE_DIR)
    assert done.returncode in (0, 4), done.stderr
    return done


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The example shipments screened with --report, and the same aggregates as JSON."""
    work = tmp_path_factory.mktemp("report")
    html = work / "report.html"
    decisions = work / "decisions.jsonl"
    licit("run", POLICY, "--records", RECORDS, "--out", str(decisions), "--summary", "none",
          "--report", str(html))
    aggregates = json.loads(licit("report", str(decisions), "--records", RECORDS,
                                  "--format", "json").stdout)
    return html, aggregates


@pytest.fixture(scope="module")
def browser():
    with Browser(width=1280, height=900) as b:
        yield b


def rows(browser, table):
    """The visible rows of a table, each as its cells' texts."""
    return browser.eval("""[...document.querySelectorAll('#%s tbody tr')]
        .filter(r => !r.hidden).map(r => [...r.cells].map(c => c.textContent))""" % table)


def test_counts_chart_and_requests(browser, report):
    html, aggregates = report
    url = html.as_uri()
    browser.requests.clear()
    browser.open(url)
    assert browser.eval("document.title") == "Licit screening report"
    for i, effect in enumerate(EFFECTS):
        shown = browser.text("#effect-%s .count" % effect)
        assert int(shown.replace(",", "")) == aggregates["effects"][effect], effect
    assert browser.text("#effect-deny .name").lower() == "deny"

    # One group of bars per month from the first to the last; each segment's height is its
    # count on the chart's scale (the count at the top of the plot, a round number just above
    # the tallest month).
    months = aggregates["months"]
    bars = browser.eval("""[...document.querySelectorAll('#month-chart g.month')].map(g => ({
        month: g.dataset.month,
        rects: [...g.querySelectorAll('rect.bar')].map(r => ({effect: r.dataset.effect,
            count: Number(r.dataset.count), height: r.getBBox().height}))}))""")
    first, last = months[0]["month"], months[-1]["month"]
    span = ((int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:])) + 1
    assert len(bars) == span
    by_month = {m["month"]: m for m in months}
    tallest = max(sum(m[e] for e in EFFECTS) for m in months)
    scale = browser.eval("Number(document.querySelector('#month-chart').dataset.scale)")
    plot = browser.eval("Number(document.querySelector('#month-chart').dataset.plotHeight)")
    assert tallest <= scale < 2.5 * tallest
    for bar in bars:
        expected = by_month.get(bar["month"], {})
        shown = {r["effect"]: r["count"] for r in bar["rects"]}
        assert shown == {e: expected[e] for e in EFFECTS if expected.get(e)}, bar["month"]
        for r in bar["rects"]:
            assert r["height"] == pytest.approx(plot * r["count"] / scale, abs=0.01)
    assert browser.eval("document.querySelectorAll('#month-chart rect.bar').length") == sum(
        1 for m in months for e in EFFECTS if m[e])
    screenshot(browser, "report.png")

    # The file and nothing else: no fonts, images, scripts or styles from anywhere.
    assert browser.requests == [url]
    assert browser.console_errors == []


def test_sort_by_clicking_a_header(browser, report):
    html, aggregates = report
    browser.open(html.as_uri())
    before = rows(browser, "destinations")
    assert [r[0] for r in before] == [d["key"] for d in aggregates["destinations"]["top"]]
    browser.click("#destinations th:nth-child(1)")
    ascending = [r[0] for r in rows(browser, "destinations")]
    assert ascending == sorted(ascending, key=str.lower) and ascending != [r[0] for r in before]
    assert browser.eval("document.querySelector('#destinations th').getAttribute('aria-sort')") \
        == "ascending"
    browser.click("#destinations th:nth-child(1)")
    assert [r[0] for r in rows(browser, "destinations")] == ascending[::-1]
    # A numeric column sorts by number, not text ("9" after "10").
    browser.click("#rules th:nth-child(2)")
    counts = [int(r[1].replace(",", "")) for r in rows(browser, "rules")]
    assert counts == sorted(counts)


def test_filter_hides_rows(browser, report):
    html, _ = report
    browser.open(html.as_uri())
    every = rows(browser, "rules")
    browser.type("input[data-table=rules]", "JP-", clear=True)
    shown = rows(browser, "rules")
    assert 0 < len(shown) < len(every)
    assert all(r[0].startswith("jp-") for r in shown)  # case-insensitive
    browser.type("input[data-table=rules]", "jp-military", clear=True)
    assert [r[0] for r in rows(browser, "rules")] == ["jp-military"]
    screenshot(browser, "report-filtered.png")
    browser.type("input[data-table=rules]", "", clear=True)
    browser.eval("(() => { const i = document.querySelector('input[data-table=rules]');"
                 " i.value = ''; i.dispatchEvent(new Event('input')); })()")
    assert len(rows(browser, "rules")) == len(every)


def test_strings_from_the_data_show_as_text(browser, report):
    html, _ = report
    browser.open(html.as_uri())
    # The record id and the end user's name carry <script>: shown as text, never run.
    flagged = " ".join(" ".join(r) for r in rows(browser, "flagged"))
    assert "S-<script>alert(1)</script>" in flagged
    parties = [r[0] for r in rows(browser, "parties")]
    assert "<script>document.title='pwned'</script> & Co" in parties
    assert browser.eval("document.title") == "Licit screening report"
    assert browser.dialogs == []
    # The page's only script is its own.
    assert browser.eval("document.scripts.length") == 1
    assert browser.console_errors == []


def test_a_report_of_errors_and_unreadable_lines(browser, tmp_path):
    """A decisions file with a line that is not a decision: the report lists it with its line."""
    html = tmp_path / "errors.html"
    done = subprocess.run([LICIT, "report", os.path.join(FIXTURES, "decisions.jsonl"),
                           "--records", RECORDS, "-o", str(html)], capture_output=True, text=True,
                          cwd=SOURCE_DIR)
    assert done.returncode == 4 and "line 10: not a decision" in done.stderr
    browser.open(html.as_uri())
    errors = rows(browser, "errors")
    lines = [int(r[0]) for r in errors]
    assert 10 in lines and lines == sorted(lines)
    assert any(r[0] == "10" and r[3].startswith("not a decision") for r in errors)
    assert browser.eval("document.querySelector('#unreadable') !== null")


def test_a_million_decisions(browser, tmp_path):
    """1 M decisions: the page is aggregates (small, whatever the count) and opens with them."""
    gen = os.path.join(BUILD_DIR, "bench", "gen_records")
    if not os.path.exists(gen):
        pytest.skip("bench/gen_records is not built")
    records = tmp_path / "records.jsonl"
    subprocess.run([gen, "--n", "1000000", "--out", str(records)], check=True,
                   capture_output=True)
    html = tmp_path / "million.html"
    browser.requests.clear()
    licit("run", os.path.join(SOURCE_DIR, "bench", "policies", "small.licit"), "--records",
          str(records), "--out", "/dev/null", "--summary", "none", "--report", str(html))
    size = html.stat().st_size
    assert size < 1_000_000, size  # the first 1,000 flagged rows and the aggregates
    browser.open(html.as_uri())
    total = sum(int(browser.text("#effect-%s .count" % e).replace(",", "")) for e in EFFECTS)
    assert total == 1_000_000
    assert len(rows(browser, "flagged")) == 1000
    assert browser.requests == [html.as_uri()]
    screenshot(browser, "report-million.png", docs=False)  # 4 MB of rows: not for the docs
