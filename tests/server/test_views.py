"""The read-only views for people (docs/playground.md): GET /v1/schema, GET /v1/policy/source, and
the playground page at `/` with --ui (what a browser does with it: tests/browser)."""

import re
import shutil

from conftest import SOURCE_DIR, source_path

POLICY = "examples/cn-japan-2026.licit"


def read(path):
    with open(source_path(path), encoding="utf-8") as f:
        return f.read()


def utf16_slice(text, begin, end):
    """text[begin:end] with offsets in UTF-16 code units, as JavaScript slices strings."""
    units = text.encode("utf-16-le")
    return units[2 * begin:2 * end].decode("utf-16-le")


def test_schema(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    r = s.get("/v1/schema")
    assert r.status == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["x-licit-policy-digest"] == s.digest
    body = r.json()
    assert body["digest"] == s.digest
    assert body["input_type"] == "std.trade.Shipment"
    fields = {f["path"]: f for f in body["fields"]}
    assert fields["destination"] == {"path": "destination", "type": "country", "optional": False}
    assert fields["date"]["type"] == "date" and not fields["date"]["optional"]
    assert fields["end_user.kind"]["optional"] and fields["end_user.kind"]["type"] == "string"
    assert fields["item.tags"]["type"] == "set<string>"
    assert fields["end_user"] == {"path": "end_user", "type": "record", "optional": True}
    # Nested fields come after their record, in declaration order.
    paths = [f["path"] for f in body["fields"]]
    assert paths.index("end_user") < paths.index("end_user.name")
    countries = {c["code"]: c["name"] for c in body["countries"]}
    assert countries["JP"] == "Japan" and countries["DE"] == "Germany"
    assert len(countries) >= 249
    assert all(re.match(r"^[A-Z]{2}$", code) for code in countries)


def test_policy_source(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    r = s.get("/v1/policy/source")
    assert r.status == 200
    body = r.json()
    assert body["digest"] == s.digest
    assert body["policies"] == [{"name": "cn.mofcom.japan_2026", "version": None,
                                 "file": POLICY, "rules": 12}]
    files = {f["path"]: f for f in body["files"]}
    root = files[POLICY]
    assert root["root"] and not root["standard"]
    assert root["text"] == read(POLICY)
    trade = files["stdlib/std/trade.licit"]
    assert trade["standard"] and not trade["root"] and trade["declarations"] == []
    assert body["lists"] == ["examples/lists/mofcom-control-2026.csv",
                             "examples/lists/mofcom-watch-2026.csv"]
    for word in ("policy", "rule", "since", "until", "because", "deny", "license", "when"):
        assert word in body["keywords"]

    declarations = {(d["kind"], d["name"]): d for d in root["declarations"]}
    jp = declarations[("rule", "jp-military")]
    assert (jp["detail"], jp["since"], jp["until"]) == ("deny", "2026-01-06", None)
    assert utf16_slice(root["text"], jp["name_begin"], jp["name_end"]) == "jp-military"
    assert utf16_slice(root["text"], jp["begin"], jp["end"]).startswith("rule jp-military:")
    concise = declarations[("rule", "dual-use-to-any")]
    assert concise["since"] == "2024-12-01"
    named = declarations[("rule", "rare-earths")]
    assert named["detail"] == 'license "MOFCOM dual-use export licence (rare earths)"'
    suspension = declarations[("suspension", "suspend us-gallium")]
    assert (suspension["since"], suspension["until"]) == ("2025-11-09", "2026-11-27")
    exception = declarations[("exception", "exhibition-certificate")]
    assert exception["since"] == "2024-12-01" and exception["until"] is None
    assert ("policy", "cn.mofcom.japan_2026") in declarations
    assert ("class", "dual-use") in declarations
    rules = [d for d in root["declarations"] if d["kind"] == "rule"]
    assert len(rules) == 12


def test_offsets_and_dates_in_an_unusual_policy(serve, tmp_path):
    # Non-ASCII text before a rule (UTF-16 offsets differ from bytes), a date in a reason and in a
    # comment (not the rule's dates), and a rule without dates.
    policy = tmp_path / "odd.licit"
    policy.write_text(
        'policy odd\n  title "Zoll: Ausfuhr nach Übersee 🚢"\n\nimport std.trade\n\n'
        "# since 1999-01-01 is a comment, and Ausfuhr über See\n"
        'rule early-deny:\n  deny to JP\n  because "since 2020-01-01, said the memo"\n'
        "  until 2027-03-31\n\n"
        "rule plain:\n  review to KR\n", encoding="utf-8")
    s = serve(str(policy))
    body = s.get("/v1/policy/source").json()
    text = body["files"][0]["text"]
    by_name = {d["name"]: d for d in body["files"][0]["declarations"]}
    early = by_name["early-deny"]
    assert utf16_slice(text, early["name_begin"], early["name_end"]) == "early-deny"
    assert (early["since"], early["until"]) == (None, "2027-03-31")
    assert (by_name["plain"]["since"], by_name["plain"]["until"]) == (None, None)


def test_views_follow_a_reload(serve, tmp_path):
    shutil.copytree(source_path("examples", "lists"), tmp_path / "lists")
    path = tmp_path / "cn-japan-2026.licit"
    shutil.copy(source_path(POLICY), path)
    s = serve(str(path))
    before = s.get("/v1/policy/source").json()
    path.write_text(path.read_text().replace("since 2026-01-06", "since 2026-01-07"))
    r = s.post("/v1/reload")
    assert r.status == 200
    after = s.get("/v1/policy/source").json()
    assert after["digest"] != before["digest"]
    jp = [d for d in after["files"][0]["declarations"] if d["name"] == "jp-military"][0]
    assert jp["since"] == "2026-01-07"
    assert s.get("/v1/schema").json()["digest"] == after["digest"]


def test_methods_queries_and_auth(serve, tmp_path):
    s = serve(POLICY, cwd=SOURCE_DIR)
    for path in ("/v1/schema", "/v1/policy/source"):
        r = s.post(path, b"{}")
        assert r.status == 405 and r.headers["allow"] == "GET, HEAD"
        r = s.get(path + "?x=1")
        assert r.status == 400 and r.json()["error"]["code"] == "bad_query"
        assert s.request("HEAD", path).status == 200
    token = tmp_path / "token"
    token.write_text("s3cret\n")
    t = serve(POLICY, "--token-file", str(token), "--ui", cwd=SOURCE_DIR)
    for path in ("/v1/schema", "/v1/policy/source"):
        assert t.get(path).status == 401
        assert t.get(path, headers={"Authorization": "Bearer s3cret"}).status == 200
    # The page holds no policy data: a browser opens it without a token, then types one in.
    assert t.get("/").status == 200


def test_page_only_with_ui(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    r = s.get("/")
    assert r.status == 404 and r.json()["error"]["code"] == "not_found"
    u = serve(POLICY, "--ui", cwd=SOURCE_DIR)
    r = u.get("/")
    assert r.status == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["x-licit-policy-digest"] == u.digest
    page = r.text
    assert page.startswith("<!doctype html>")
    # One page: the style sheet and the script are inline, nothing is loaded from elsewhere.
    assert "<style>" in page and "<script>" in page
    assert 'src="' not in page and 'rel="stylesheet"' not in page
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", page, re.I)
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/]{43}='", csp)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert u.post("/", b"{}").status == 405
    assert u.get("/index.html").status == 404
    assert u.get("/?x=1").status == 200  # a query on the page (a bookmark) is harmless
    metrics = u.get("/metrics").text
    assert 'licit_http_requests_total{handler="/",code="200"} 2' in metrics

