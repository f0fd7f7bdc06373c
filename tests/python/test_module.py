"""The Python package `licit` (docs/python.md) against the CLI: compiled policies, decisions,
errors, threads. Run by ctest `python/module` with PYTHONPATH at the build's python/ and LICIT
at the CLI; from a shell:

    PYTHONPATH=build/dev/python LICIT=build/dev/licit /usr/bin/python3 -m pytest -q tests/python
"""

import datetime
import json
import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

import licit

LICIT = os.environ.get("LICIT", "build/dev/licit")
POLICY = "examples/cn-japan-2026.licit"
RECORDS = "examples/shipments.jsonl"


def example_lines():
    with open(RECORDS, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def cli(*args, stdin=None):
    out = subprocess.run([LICIT, *args], input=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def policy():
    return licit.compile_files([POLICY])


def test_version_and_policy_facts(policy):
    assert licit.__version__ == cli("--version").split()[1]
    assert policy.names == ["cn.mofcom.japan_2026"]
    assert policy.digest.startswith("sha256:") and len(policy.digest) == 7 + 64
    assert policy.rule_count > 0
    paths = {f["path"]: f for f in policy.fields}
    assert paths["destination"]["type"] == "country"
    assert POLICY in policy.source_files


def test_the_jit_compiles_in_the_background(policy):
    # The default engine is tiered: decisions come at once, the same before and after the JIT.
    record = {"id": "T1", "date": "2026-02-01", "destination": "JP", "item": {"cn": "1C902"}}
    assert policy.jit_state in ("compiling", "ready")
    before = policy.decide(record).to_json()
    assert policy.wait_for_jit() == "ready"
    assert policy.jit_state == "ready"
    assert policy.decide(record).to_json() == before


def test_an_interpreter_exiting_while_the_jit_compiles_ends_cleanly():
    # A script that compiles a policy and ends at once, its JIT still compiling (600 rules with
    # code). The interpreter's exit drops the policy, which cancels the compile and waits for it,
    # before C++'s static destructors run: were the policy kept past them, the exit could crash
    # in LLVM under the compile (docs/embedding.md).
    script = r"""
import licit, sys
codes = ["3A001", "3A001.a", "3B001", "5A002", "EAR99"]
countries = ["JP", "KR", "DE", "CN", "US", "FR", "IR"]
text = "policy exit.test\n\nrecord R { id: string, date: date, destination: country, eccn: code }\n"
text += "input R\n"
for i in range(600):
    text += "\nrule coded%d:\n  review when eccn == \"%s\" and destination != %s\n" % (
        i, codes[i % 5], countries[(i // 5) % 7])
text += "\ndefault allow\n"
policy = licit.compile_source(text, "exit.licit")
sys.exit(0 if policy.jit_state == "compiling" else 3)
"""
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120, env=dict(os.environ))
        assert done.returncode == 0, done.stderr.decode()


def test_decide_is_licit_eval_byte_for_byte(policy):
    for line in example_lines()[:8]:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        expected = cli("eval", POLICY, "--record", line).rstrip("\n")
        assert policy.decide(line).to_json() == expected
        d = policy.decide(record)  # a dict decides the same
        assert d.effect == json.loads(expected)["effect"]
        assert d.to_dict() == json.loads(expected)
        assert d.id == record.get("id")
        assert [r["rule"] for r in d.rules] == [r["rule"] for r in json.loads(expected)["rules"]]


def test_as_of_as_a_date_or_a_string(policy):
    line = example_lines()[0]
    expected = cli("eval", POLICY, "--record", line, "--as-of", "2026-03-01").rstrip("\n")
    assert policy.decide(line, as_of="2026-03-01").to_json() == expected
    assert policy.decide(line, as_of=datetime.date(2026, 3, 1)).to_json() == expected
    with pytest.raises(TypeError, match="as_of"):
        policy.decide(line, as_of=20260301)
    # A malformed date is the record's error, as in the CLI, not an exception.
    assert policy.decide(line, as_of="2026-13-45").effect == "error"


def test_a_record_that_cannot_be_judged_is_an_error_decision(policy):
    for bad in ["{broken", "[]", '{"id": "X"}', ""]:
        d = policy.decide(bad)
        assert d.effect == "error" and d.error
    with pytest.raises(TypeError, match="dict or a JSON string"):
        policy.decide(42)


def test_compile_error_has_diagnostics():
    with pytest.raises(licit.CompileError) as e:
        licit.compile_source("policy bad\nimport std.trade\nrule r:\n  deny to UK\n",
                             name="bad.licit")
    assert "E0305" in str(e.value) and "bad.licit" in str(e.value)
    assert isinstance(e.value, ValueError)
    codes = [d["code"] for d in e.value.diagnostics]
    assert "E0305" in codes
    with pytest.raises(licit.CompileError):
        licit.compile_files(["no/such/file.licit"])
    with pytest.raises(TypeError):
        licit.compile_source(b"policy p")


def test_a_listed_party_is_named_in_the_decision(policy):
    base = json.loads(example_lines()[0])
    listed = dict(base, date="2026-03-01", destination="JP",
                  end_user={"name": "KAWASAKI HEAVY INDUSTRIES, LTD., AEROSPACE SYSTEMS COMPANY"},
                  item={"cn": "9A001"})
    d = policy.decide(json.dumps(listed))
    assert d.effect == "deny"
    assert [m["entry"] for m in d.matches] == ["Kawasaki Heavy Industries Aerospace Systems Co."]
    assert d.matches[0]["list"] == "jp-control" and d.matches[0]["score"] == 1.0
    near = dict(listed, end_user={"name": "Kawasaki Heavy Industries Aerospace"})
    d = policy.decide(json.dumps(near))
    assert d.matches == []
    assert any(u["reason"].startswith("possible match:") for u in d.unknowns)


def test_compile_source_and_a_directory(tmp_path, policy):
    with open(POLICY, encoding="utf-8") as f:
        text = f.read()
    again = licit.compile_source(text, name=POLICY)
    line = example_lines()[0]
    assert again.decide(line).to_json() == policy.decide(line).to_json()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p.licit").write_text(text)
    # The policy's restricted-party lists travel with it, relative to the policy file.
    shutil.copytree(os.path.join(os.path.dirname(POLICY), "lists"), tmp_path / "sub" / "lists")
    (tmp_path / "notes.txt").write_text("not a policy")
    from_dir = licit.compile_files(str(tmp_path))
    assert from_dir.names == policy.names
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no .licit files"):
        licit.compile_files(tmp_path / "empty")


def test_decide_many_matches_decide_on_every_thread_count(policy):
    lines = example_lines() * 40
    one = [policy.decide(l).to_json() for l in lines]
    assert policy.decide_many(lines, threads=1) == one
    assert policy.decide_many(lines, threads=3) == one
    assert policy.decide_many(lines) == one
    assert policy.decide_many([]) == []
    with pytest.raises(TypeError):
        policy.decide_many("{}")
    with pytest.raises(ValueError):
        policy.decide_many(lines, threads=-1)


def test_one_policy_from_many_python_threads(policy):
    lines = example_lines()
    expected = [policy.decide(l).to_json() for l in lines]
    failures = []

    def work():
        for _ in range(20):
            if policy.decide_many(lines, threads=2) != expected:
                failures.append("differs")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_explain_is_licit_explain(policy):
    line = example_lines()[0]
    assert policy.explain(line) == cli("explain", POLICY, "--record", line)
    as_json = policy.explain_json(json.loads(line))
    assert as_json == json.loads(cli("explain", POLICY, "--record", line, "--format", "json"))
    assert policy.explain(line, as_of="2026-03-01") == cli("explain", POLICY, "--record", line,
                                                           "--as-of", "2026-03-01")


def test_test_blocks_report(policy):
    report = policy.test()
    assert report == dict(json.loads(cli("test", POLICY, "--format", "json")), ok=report["ok"])
    assert report["ok"] == (report["failed"] == 0)
    failing = licit.compile_source(
        "policy t\nimport std.trade\nrule r:\n  deny to JP\n"
        "test \"jp is allowed\" {\n  given { id: \"T\", date: 2026-02-01, destination: JP }\n"
        "  expect allow\n}\n",
        name="t.licit")
    bad = failing.test()
    assert bad["ok"] is False and bad["failed"] == 1


def test_screen_file_is_licit_run(policy, tmp_path):
    out = tmp_path / "decisions.jsonl"
    summary = policy.screen_file(RECORDS, out=out, threads=2)
    expected = subprocess.run([LICIT, "run", POLICY, "--records", RECORDS], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120).stdout
    assert out.read_bytes() == expected
    assert summary.records == len(expected.splitlines())
    assert sum(summary.counts.values()) == summary.records
    assert summary.counts["error"] >= 1  # the example file holds malformed lines on purpose
    assert summary.ok and summary.records_per_second > 0
    as_csv = tmp_path / "decisions.csv"
    policy.screen_file(RECORDS, out=as_csv, as_of=datetime.date(2026, 3, 1))
    assert as_csv.read_bytes() == subprocess.run(
        [LICIT, "run", POLICY, "--records", RECORDS, "--out-format", "csv", "--as-of",
         "2026-03-01"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120).stdout
    counted = policy.screen_file(RECORDS)  # no out: counted only
    assert counted.counts == summary.counts
    with pytest.raises(OSError, match="cannot read"):
        policy.screen_file(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="jsonl"):
        policy.screen_file(RECORDS, format="xml")


def test_screen_file_writes_a_fifo_in_place(policy, tmp_path):
    # out= naming a FIFO (as /dev/null, a device) is written in place, not renamed over.
    import threading
    fifo = tmp_path / "decisions.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    summary = policy.screen_file(RECORDS, out=fifo)
    reader.join(timeout=60)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and len(got[0].splitlines()) == summary.records
    assert not list(tmp_path.glob("*.partial"))


def test_screen_file_on_a_part_numbers_the_whole_files_lines(policy, tmp_path):
    data = open(RECORDS, "rb").read()
    whole = tmp_path / "whole.jsonl"
    policy.screen_file(RECORDS, out=whole)
    cut = data.index(b"\n", len(data) // 2) + 1
    first = tmp_path / "first.jsonl"
    second = tmp_path / "second.jsonl"
    a = policy.screen_file(RECORDS, out=first, stop=cut)
    b = policy.screen_file(RECORDS, out=second, start=cut, first_line=data.count(b"\n", 0, cut) + 1)
    assert first.read_bytes() + second.read_bytes() == whole.read_bytes()
    assert a.records + b.records == policy.screen_file(RECORDS).records
    assert b.counts["error"] >= 1  # the example's later malformed lines, named by their lines
    with pytest.raises(ValueError, match="first_line"):
        policy.screen_file(RECORDS, first_line=0)
    with pytest.raises(ValueError, match="stop"):
        policy.screen_file(RECORDS, start=10, stop=5)
    with pytest.raises(ValueError, match="CSV"):
        policy.screen_file(tmp_path / "x.csv", start=10)
    with pytest.raises(OSError, match="past its end"):
        policy.screen_file(RECORDS, start=len(data) + 1)


def test_pickling_by_sources_with_a_compile_cache(tmp_path):
    import pickle
    # A policy importing a file of its own: the import travels with it, not as a path.
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "groups.licit").write_text(
        "policy lib.groups\nimport std.trade\ngroup Watched = {JP, KR}\n")
    root = tmp_path / "main.licit"
    root.write_text("policy main\nimport std.trade\nimport \"lib/groups.licit\"\n"
                    "rule watched:\n  review to Watched\n")
    try:
        policy = licit.compile_files([str(root), POLICY])
    except licit.CompileError as e:
        pytest.fail(str(e))
    data = pickle.dumps(policy)
    (tmp_path / "lib" / "groups.licit").write_text("not a policy any more")  # not read again
    again = pickle.loads(data)
    assert again.digest == policy.digest and again.names == policy.names
    for line in example_lines():
        assert again.decide(line).to_json() == policy.decide(line).to_json()
    assert pickle.loads(data) is again  # compiled once per process
    # In another process (what a Dask worker does): the same decisions.
    script = ("import pickle, sys; p = pickle.loads(sys.stdin.buffer.read()); "
              "print(p.digest); print(p.decide(%r).to_json())" % example_lines()[0])
    import sys
    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(licit.__file__)))
    out = subprocess.run([sys.executable, "-c", script], input=data, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120, cwd=str(tmp_path),
                         env=dict(os.environ, PYTHONPATH=package_dir))
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().splitlines() == [policy.digest,
                                                policy.decide(example_lines()[0]).to_json()]


def test_pickled_policies_with_the_same_files_but_other_roots_stay_apart():
    import pickle
    common = "policy acme.common\nimport std.trade\ngroup allies = {JP, KR}\n"
    main = ("policy acme.main\nimport std.trade\nimport \"common.licit\"\n"
            "rule to-allies:\n  license to allies\n")
    # The same two files: one root, then both as roots (their digests are equal).
    one = licit._checked(licit._licit.compile_sources(
        [("m/main.licit", main), ("m/common.licit", common)], 1))
    both = licit._checked(licit._licit.compile_sources(
        [("m/main.licit", main), ("m/common.licit", common)], 2))
    assert one.digest == both.digest and one.names != both.names
    assert pickle.loads(pickle.dumps(one)).names == one.names
    assert pickle.loads(pickle.dumps(both)).names == both.names
