"""Every endpoint of `licit serve` and every row of its error table (docs/server.md)."""

import json
import re
import subprocess

from conftest import LICIT, SOURCE_DIR, example_records, licit_run, source_path

POLICY = "examples/cn-japan-2026.licit"
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def eval_output(record, *extra):
    out = subprocess.run([LICIT, "eval", POLICY, "--record", record, *extra], cwd=SOURCE_DIR,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return out.stdout


def check_error(r, status, code):
    assert r.status == status, (r.status, r.body)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    assert r.headers["x-request-id"]
    return body


def test_banner_and_common_headers(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    assert DIGEST.match(s.digest)
    assert "serving 1 policy on http://127.0.0.1:" in s.stderr()
    r = s.get("/health")
    assert r.status == 200 and r.json() == {"status": "ok"}
    assert r.headers["x-licit-policy-digest"] == s.digest
    assert re.match(r"^[0-9a-f]{32}$", r.headers["x-request-id"])
    # A request id the client sends comes back; every request gets its own otherwise.
    r = s.get("/health", headers={"X-Request-Id": "trace-42.a:b_c"})
    assert r.headers["x-request-id"] == "trace-42.a:b_c"
    ids = {s.get("/health").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5
    # An unusable id (too long, odd characters) is replaced rather than echoed.
    r = s.get("/health", headers={"X-Request-Id": "x" * 200})
    assert r.headers["x-request-id"] != "x" * 200


def test_decide_one_record_is_licit_eval_byte_for_byte(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    for record in example_records()[:12]:
        r = s.post("/v1/decide", record)
        expected = eval_output(record)
        if r.status == 200:
            assert r.body == expected
            assert r.headers["x-licit-policy-digest"] == s.digest
        else:
            # Records the example file holds on purpose that cannot be judged.
            assert r.status in (400, 422), r.body


def test_decide_as_of_and_fail_on(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    record = example_records()[0]
    r = s.post("/v1/decide?as_of=2026-02-01", record)
    assert r.status == 200
    assert r.body == eval_output(record, "--as-of", "2026-02-01")
    assert r.json()["date"] == "2026-02-01"
    effect = r.json()["effect"]
    tripped = s.post("/v1/decide?fail_on=%s" % effect, record)
    assert tripped.status == 200 and tripped.headers.get("x-licit-fail-on") == "tripped"
    calm = s.post("/v1/decide?fail_on=deny", record)
    assert calm.status == 200 and "x-licit-fail-on" not in calm.headers or effect == "deny"


def test_decide_array_in_order_with_errors_in_place(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    records = example_records()[:5]
    body = "[" + ",".join(records) + ', 42, {"id": "no-date"}, "text", [1], {"broken": ]'
    r = s.post("/v1/decide", body)
    # One malformed element breaks the array itself: a 400, not a partial answer.
    check_error(r, 400, "bad_json")
    body = "[\n" + ",\n".join(records) + ', 42, {"id": "no-date"}, "text", [1]\n]'
    r = s.post("/v1/decide", body)
    assert r.status == 200, r.body
    decisions = r.json()["decisions"]
    assert len(decisions) == len(records) + 4
    for record, decision in zip(records, decisions):
        assert json.dumps(decision, separators=(",", ":")) == eval_output(record).decode().strip()
    assert [d["effect"] for d in decisions[-4:]] == ["error"] * 4
    assert decisions[-3]["id"] == "no-date"
    assert s.post("/v1/decide", "[]").json() == {"decisions": []}


def test_decide_json_lines_is_licit_run_byte_for_byte(serve):
    """The NDJSON endpoint against `licit run` on every example's records."""
    cases = [
        (["examples/cn-japan-2026.licit"], "examples/shipments.jsonl"),
        (["examples/china/cn-export-controls.licit"], "examples/china/shipments.jsonl"),
        (["examples/us-ear/us-ear.licit"], "examples/us-ear/shipments.jsonl"),
        (["examples/eu/eu-dual-use.licit"], "examples/eu/shipments.jsonl"),
        (["examples/japan/fefta.licit"], "examples/japan/shipments.jsonl"),
        (["examples/china/cn-export-controls.licit", "examples/us-ear/us-ear.licit",
          "examples/eu/eu-dual-use.licit", "examples/japan/fefta.licit"],
         "examples/combined/shipments.jsonl"),
    ]
    for policies, records in cases:
        s = serve(*policies, cwd=SOURCE_DIR)
        with open(source_path(records), "rb") as f:
            body = f.read()
        r = s.post("/v1/decide", body, headers={"Content-Type": "application/x-ndjson"})
        assert r.status == 200
        assert r.headers["content-type"].startswith("application/x-ndjson")
        assert r.body == licit_run(policies, records), records
        # With fail_on the answer is the same, and the header says whether it tripped.
        r = s.post("/v1/decide?fail_on=deny", body,
                   headers={"Content-Type": "application/x-ndjson"})
        assert r.body == licit_run(policies, records)
        denied = any(json.loads(line)["effect"] == "deny" for line in r.body.splitlines())
        assert (r.headers.get("x-licit-fail-on") == "tripped") == denied
        s.stop()
    # Bad lines get their error decisions with their line numbers, as `licit run` writes them.
    s = serve(POLICY, cwd=SOURCE_DIR)
    body = example_records()[0] + "\n\n{bad\n42\n" + example_records()[1] + "\n"
    r = s.post("/v1/decide", body, headers={"Content-Type": "application/x-ndjson"})
    lines = r.body.decode().splitlines()
    assert len(lines) == 4
    assert json.loads(lines[1])["line"] == 3 and json.loads(lines[1])["effect"] == "error"
    assert json.loads(lines[2])["line"] == 4


def test_explain(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    record = example_records()[0]
    r = s.post("/v1/explain?as_of=2026-02-01", record)
    assert r.status == 200, r.body
    body = r.json()
    assert set(body) == {"decision", "explanation", "text"}
    assert body["decision"]["date"] == "2026-02-01"
    assert body["explanation"]["decision"] == body["decision"]
    assert body["explanation"]["outcomes"]
    explain = subprocess.run([LICIT, "explain", POLICY, "--record", record, "--as-of", "2026-02-01"],
                             cwd=SOURCE_DIR, stdout=subprocess.PIPE).stdout.decode()
    assert body["text"].strip() == explain.strip()
    check_error(s.post("/v1/explain", "[" + record + "]"), 400, "bad_json")
    check_error(s.post("/v1/explain", record, headers={"Content-Type": "application/x-ndjson"}),
                415, "unsupported_media_type")


def test_test_endpoint(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    r = s.post("/v1/test")
    assert r.status == 200
    report = r.json()
    expected = subprocess.run([LICIT, "test", POLICY, "--format", "json"], cwd=SOURCE_DIR,
                              stdout=subprocess.PIPE).stdout
    assert report["passed"] > 0 and report["failed"] == 0
    if expected.strip():
        assert report == json.loads(expected)


def test_check_endpoint(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    ok = s.post("/v1/check", {"files": {
        "main.licit": 'policy t.main\nimport std.trade\nimport "lib/foes.licit"\n'
                      "rule r:\n  deny to foes\n",
        "lib/foes.licit": "policy t.foes\nimport std.trade\ngroup foes = {RU, KP}\n"}})
    assert ok.status == 200, ok.body
    # Both files are roots, so `foes` is also unused in its own file: a warning, not an error.
    assert ok.json()["ok"] is True and ok.json()["errors"] == 0
    assert all(d["severity"] == "warning" for d in ok.json()["diagnostics"])
    bad = s.post("/v1/check", {"files": {"a.licit": "policy a\nimport std.trade\nrule r:\n  deny to UK\n"}})
    body = bad.json()
    assert bad.status == 200 and body["ok"] is False
    d = body["diagnostics"][0]
    assert d["code"] == "E0305" and d["span"]["file"] == "a.licit" and d["span"]["line"] == 4
    # Nothing on disk is read: importing the real example policy by path fails.
    disk = s.post("/v1/check", {"files": {"/tmp/x/a.licit": 'policy a\nimport "%s"\n' %
                                          source_path("examples", "cn-japan-2026.licit")}})
    assert disk.json()["ok"] is False
    assert any(d["code"] == "E0311" for d in disk.json()["diagnostics"])
    for body in ['{"files": []}', '{"nofiles": {}}', '{"files": {}}', '{"files": {"a": 1}}', "nope"]:
        check_error(s.post("/v1/check", body), 400, "bad_json")


def test_policy_and_health(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    p = s.get("/v1/policy")
    assert p.status == 200
    body = p.json()
    assert body["digest"] == s.digest
    assert body["files"] == [POLICY]
    assert body["policies"] == [{"name": "cn.mofcom.japan_2026", "version": None, "file": POLICY,
                                 "rules": body["rules"]}]
    assert body["rules"] > 0 and body["engine"] == "jit"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body["loaded_at"])
    assert body["last_reload"]["ok"] is True and body["last_reload"]["diagnostics"] == []
    ready = s.get("/health/ready")
    assert ready.status == 200 and ready.json()["digest"] == s.digest
    head = s.request("HEAD", "/health")
    assert head.status == 200 and head.body == b""


def metrics_once(s, expected, timeout=10):
    """GET /metrics until `expected` (a line of it) appears: an answer is counted by the server's
    logger once it has been sent, so the client can read an answer before it is counted."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        r = s.get("/metrics", conn=s.connection())
        if expected in r.text or time.monotonic() > deadline:
            return r
        time.sleep(0.05)


def test_metrics(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    records = example_records()
    for record in records[:3]:
        s.post("/v1/decide", record)
    s.post("/v1/decide", "[" + ",".join(records[:4]) + "]")
    s.get("/nope")
    r = metrics_once(s, 'licit_http_requests_total{handler="other",code="404"} 1')
    assert r.status == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.text
    series = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            series[name] = float(value)
    decided = sum(v for k, v in series.items() if k.startswith("licit_decisions_total"))
    assert decided == 7
    assert series['licit_http_requests_total{handler="/v1/decide",code="200"}'] >= 3
    assert series['licit_http_requests_total{handler="other",code="404"}'] == 1
    assert series['licit_http_request_duration_seconds_count{handler="/v1/decide"}'] == 4
    assert series['licit_policy_reloads_total{result="ok"}'] == 1
    assert series['licit_policy_info{digest="%s",rules="%d"}' % (s.digest, s.get("/v1/policy").json()["rules"])] == 1
    assert "licit_decision_log_queue_depth" in series
    assert series["process_resident_memory_bytes"] > 1e6
    assert series["process_start_time_seconds"] > 1.7e9
    # Every metric family has HELP and TYPE lines.
    for family in ["licit_decisions_total", "licit_http_requests_total",
                   "licit_http_request_duration_seconds", "licit_policy_reloads_total",
                   "licit_policy_info"]:
        assert "# TYPE %s " % family in text and "# HELP %s " % family in text


def test_error_table(serve):
    s = serve(POLICY, cwd=SOURCE_DIR, *[])
    record = example_records()[0]
    # 400 bad_json: not JSON, not UTF-8, a single record that is not an object, an empty body.
    check_error(s.post("/v1/decide", "{not json"), 400, "bad_json")
    check_error(s.post("/v1/decide", b'{"id": "\xff\xfe"}'), 400, "bad_json")
    check_error(s.post("/v1/decide", "42"), 400, "bad_json")
    check_error(s.post("/v1/decide", ""), 400, "bad_json")
    check_error(s.post("/v1/decide", "[1, 2"), 400, "bad_json")
    check_error(s.post("/v1/decide", "[1] x"), 400, "bad_json")
    # 400 bad_query.
    check_error(s.post("/v1/decide?as_of=2026-13-01", record), 400, "bad_query")
    check_error(s.post("/v1/decide?as_of=2026-01", record), 400, "bad_query")
    check_error(s.post("/v1/decide?fail_on=allow", record), 400, "bad_query")
    check_error(s.post("/v1/decide?colour=blue", record), 400, "bad_query")
    check_error(s.post("/v1/decide?as_of=2026-02-01&as_of=2026-02-02", record), 400, "bad_query")
    check_error(s.get("/v1/policy?x=1"), 400, "bad_query")
    # 404 and 405 (with Allow).
    check_error(s.get("/v1/nope"), 404, "not_found")
    check_error(s.post("/"), 404, "not_found")
    r = s.get("/v1/decide")
    check_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "POST"
    r = s.request("DELETE", "/v1/policy")
    check_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD"
    # 415: a body that is neither JSON nor JSON Lines.
    check_error(s.post("/v1/decide", "a=1", headers={"Content-Type": "application/x-www-form-urlencoded"}),
                415, "unsupported_media_type")
    check_error(s.post("/v1/decide", record, headers={"Content-Type": "text/csv"}), 415,
                "unsupported_media_type")
    # A missing Content-Type is JSON; parameters after the media type are fine.
    assert s.post("/v1/decide", record, headers={"Content-Type": "application/json; charset=utf-8"}).status == 200
    # 422 record_error: JSON, but not a record the policy can judge; the decision comes along.
    body = check_error(s.post("/v1/decide", '{"id": "S-9", "destination": "XX"}'), 422, "record_error")
    assert body["decision"]["effect"] == "error" and body["decision"]["id"] == "S-9"
    # The server still answers after all of that.
    assert s.post("/v1/decide", record).status == 200


def test_body_limit(serve):
    s = serve(POLICY, "--max-body", "1K", cwd=SOURCE_DIR)
    record = example_records()[0]
    assert s.post("/v1/decide", record).status == 200
    r = s.post("/v1/decide", "[" + ",".join([record] * 10) + "]", conn=s.connection())
    check_error(r, 413, "too_large")
    assert s.post("/v1/decide", record, conn=s.connection()).status == 200
    # A chunked body (no Content-Length) is bounded too.
    conn = s.connection()
    chunks = iter([record.encode()] * 10)
    conn.request("POST", "/v1/decide", body=chunks, encode_chunked=True,
                 headers={"Content-Type": "application/x-ndjson", "Transfer-Encoding": "chunked"})
    r = conn.getresponse()
    assert r.status == 413 and json.loads(r.read())["error"]["code"] == "too_large"
    small = s.connection()
    small.request("POST", "/v1/decide", body=iter([record.encode()]), encode_chunked=True,
                  headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    assert small.getresponse().status == 200
    expected = 'licit_http_requests_total{handler="/v1/decide",code="413"} 2'
    assert expected in metrics_once(s, expected).text


def test_malformed_and_slow_requests_do_not_stop_the_server(serve):
    import socket
    import time
    s = serve(POLICY, cwd=SOURCE_DIR)
    garbage = [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\xff" * 100 + b"\r\n\r\n",
               b"POST /v1/decide HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"id\":",  # truncated
               b"POST /v1/decide HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]
    for g in garbage:
        with socket.create_connection(("127.0.0.1", s.port), timeout=15) as c:
            c.sendall(g)
            c.shutdown(socket.SHUT_WR)
            try:
                while c.recv(4096):
                    pass
            except OSError:
                pass
    # A slow client holding a connection open does not block others.
    slow = socket.create_connection(("127.0.0.1", s.port), timeout=15)
    slow.sendall(b"POST /v1/decide HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{")
    start = time.time()
    assert s.post("/v1/decide", example_records()[0], conn=s.connection()).status == 200
    assert time.time() - start < 5
    slow.close()
    assert s.get("/health", conn=s.connection()).status == 200


def test_a_post_without_a_body_or_its_length_has_an_empty_body(serve):
    # `curl -X POST localhost:8181/v1/reload` sends neither Content-Length nor Transfer-Encoding:
    # the body is empty (RFC 9112, 6.3), the answer is the reload's, and the connection stays
    # open for the next request.
    import socket
    s = serve(POLICY, cwd=SOURCE_DIR)
    with socket.create_connection(("127.0.0.1", s.port), timeout=15) as c:
        answers = b""
        for path in (b"/v1/reload", b"/v1/decide"):
            c.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = c.recv(4096)
                assert chunk, "the server closed the connection"
                head += chunk
            header, _, body = head.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", header).group(1))
            while len(body) < length:
                body += c.recv(4096)
            answers += header.split(b"\r\n")[0] + b" " + body[:length] + b"\n"
    lines = answers.decode().splitlines()
    assert lines[0].startswith("HTTP/1.1 200") and '"digest"' in lines[0]
    # An empty body is not a record: the decide endpoint says so, on the same connection.
    assert lines[1].startswith("HTTP/1.1 400") and '"code":"bad_json"' in lines[1]
    assert "the body is empty" in lines[1]


def test_refuses_to_start_on_a_broken_policy(tmp_path):
    bad = tmp_path / "bad.licit"
    bad.write_text("policy bad\nimport std.trade\nrule r:\n  deny to UK\n")
    out = subprocess.run([LICIT, "serve", str(bad), "--addr", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert out.returncode == 1
    assert b"E0305" in out.stderr and b"not serving" in out.stderr
    usage = subprocess.run([LICIT, "serve"], stderr=subprocess.PIPE, timeout=60)
    assert usage.returncode == 2
    usage = subprocess.run([LICIT, "serve", str(bad), "--addr", "nowhere"], stderr=subprocess.PIPE,
                           timeout=60)
    assert usage.returncode == 2


def test_a_port_in_use_is_refused(serve):
    s = serve(POLICY, cwd=SOURCE_DIR)
    out = subprocess.run([LICIT, "serve", POLICY, "--addr", "127.0.0.1:%d" % s.port], cwd=SOURCE_DIR,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert out.returncode == 1 and b"cannot listen" in out.stderr
    assert s.get("/health").status == 200


def test_directory_argument(serve, tmp_path):
    d = tmp_path / "policies"
    (d / "sub").mkdir(parents=True)
    (d / "b.licit").write_text("policy t.b\nimport std.trade\nrule b:\n  review to KP\n")
    (d / "sub" / "a.licit").write_text("policy t.a\nimport std.trade\nrule a:\n  deny to RU\n")
    (d / "notes.txt").write_text("not a policy")
    s = serve(str(d))
    body = s.get("/v1/policy").json()
    assert body["files"] == [str(d / "b.licit"), str(d / "sub" / "a.licit")]
    assert [p["name"] for p in body["policies"]] == ["t.b", "t.a"]
    assert "serving 2 policies" in s.stderr()
