"""licit.dask on a real LocalCluster of 2 worker processes (docs/python.md): the same decisions
as `licit run` on the example records, malformed lines included."""

import json
import os
import subprocess

import pandas as pd
import pytest

import licit
import licit.dask
import licit.pandas

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402

LICIT = os.environ.get("LICIT", "build/dev/licit")
POLICY = "examples/cn-japan-2026.licit"
RECORDS = "examples/shipments.jsonl"


def counts_line(stderr):
    # The summary's counts ("  deny N, license N, ..."): found by its shape, not as the last line,
    # since Dask may log after it while the process shuts down.
    lines = [line for line in stderr.decode().splitlines() if line.startswith("  deny ")]
    assert lines, stderr.decode()
    return lines[-1]


@pytest.fixture(scope="module")
def client():
    # Worker processes, as on other machines: the policy reaches them pickled.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def policy():
    return licit.compile_files([POLICY])


def test_screen_a_bag_is_licit_run(client, policy):
    expected = subprocess.run([LICIT, "run", POLICY, "--records", RECORDS],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120).stdout.decode().splitlines()
    with open(RECORDS, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    # Several partitions, so the order across them matters too.
    bag = db.from_sequence(lines, npartitions=3)
    got = licit.dask.screen(bag, policy).compute()
    assert len(got) == len(expected)
    # licit run's error decisions carry their line; the bag's lines have none: compare the rest.
    for g, e in zip(got, expected):
        g, e = json.loads(g), json.loads(e)
        e.pop("line", None)
        if e["effect"] == "error":
            assert g["effect"] == "error"
        else:
            assert g == e
    # Each worker process compiled the policy at most once, however many tasks it ran.
    compiled = client.run(lambda: len(__import__("licit")._compiled_by_digest))
    assert len(compiled) == 2 and all(n <= 1 for n in compiled.values())
    assert sum(compiled.values()) >= 1


def test_screen_frame_adds_the_pandas_columns(client, policy):
    records = []
    with open(RECORDS, encoding="utf-8") as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict):
                records.append(r)
    df = pd.json_normalize(records)
    ddf = dd.from_pandas(df, npartitions=2)
    got = licit.dask.screen_frame(ddf, policy).compute()
    expected = licit.pandas.screen(df, policy)
    for column in licit.pandas.COLUMNS:
        assert list(got[column]) == list(expected[column])
    assert list(got["destination"]) == list(df["destination"])


def test_misuse_raises(policy):
    with pytest.raises(TypeError, match="Bag"):
        licit.dask.screen(["{}"], policy)
    with pytest.raises(TypeError, match="licit.Policy"):
        licit.dask.screen(db.from_sequence(["{}"]), "p.licit")


def test_the_command_line_is_licit_run_per_file(tmp_path):
    import shutil
    import sys
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(RECORDS, inputs / "a.jsonl")
    shutil.copy(RECORDS, inputs / "b.jsonl")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(
        os.path.abspath(licit.__file__))))
    out = subprocess.run([sys.executable, "-m", "licit.dask", "--policy", POLICY, "--records",
                          str(inputs / "*.jsonl"), "--out", str(tmp_path / "out"), "--workers", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, env=env)
    run = subprocess.run([LICIT, "run", POLICY, "--records", RECORDS], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120)
    assert out.returncode == run.returncode == 4, out.stderr.decode()  # the example has bad lines
    for name in ("a", "b"):
        assert (tmp_path / "out" / (name + ".decisions.jsonl")).read_bytes() == run.stdout
    counts = counts_line(run.stderr)
    doubled = ", ".join("%s %d" % (e, 2 * int(n)) for e, n in
                        (part.strip().split(" ") for part in counts.split(",")))
    assert counts_line(out.stderr).strip() == doubled
    # A policy that does not compile stops it before any work is sent.
    bad = tmp_path / "bad.licit"
    bad.write_text("policy bad\nimport std.trade\nrule r:\n  deny to UK\n")
    failed = subprocess.run([sys.executable, "-m", "licit.dask", "--policy", str(bad),
                             "--records", RECORDS, "--out", str(tmp_path / "o2")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, env=env)
    assert failed.returncode == 1 and b"E0305" in failed.stderr
    assert not (tmp_path / "o2").exists()


def test_the_command_line_cuts_a_file_into_partitions_at_line_ends(tmp_path):
    import sys
    size = os.path.getsize(RECORDS)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(
        os.path.abspath(licit.__file__))))
    out = subprocess.run([sys.executable, "-m", "licit.dask", "--policy", POLICY, "--records",
                          RECORDS, "--out", str(tmp_path / "out"), "--workers", "2",
                          "--blocksize", str(size // 4)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, env=env)
    run = subprocess.run([LICIT, "run", POLICY, "--records", RECORDS], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120)
    assert out.returncode == run.returncode == 4, out.stderr.decode()
    parts = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in parts] == ["shipments.%05d.decisions.jsonl" % i
                                       for i in range(len(parts))]
    assert len(parts) >= 4
    # In order, the parts are licit run's output byte for byte: the error decisions of the later
    # parts name the whole file's lines.
    assert b"".join(p.read_bytes() for p in parts) == run.stdout
    assert counts_line(out.stderr) == counts_line(run.stderr)
    bad = subprocess.run([sys.executable, "-m", "licit.dask", "--policy", POLICY, "--records",
                          RECORDS, "--out", str(tmp_path / "o3"), "--blocksize", "lots"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, env=env)
    assert bad.returncode == 2 and b"--blocksize" in bad.stderr


@pytest.mark.parametrize("blocksize", [1, 7, 64, 1000, 10**6])
def test_partitions_cover_the_file_at_line_ends_and_number_their_lines(tmp_path, blocksize):
    import random
    rng = random.Random(blocksize)
    lines = []
    for i in range(400):
        lines.append(rng.choice([b"", b"  ", b'{"id":"%d"}' % i, b"x" * rng.randrange(300)])
                     + rng.choice([b"\n", b"\r\n"]))
    data = b"".join(lines) + b'{"last":"no newline"}'
    path = tmp_path / "r.jsonl"
    path.write_bytes(data)
    parts = licit.dask._partitions(str(path), blocksize)
    assert parts[0][0] == 0 and parts[-1][1] is None
    for (start, stop, first_line), following in zip(parts, parts[1:] + [(None,)]):
        assert first_line == data.count(b"\n", 0, start) + 1
        if stop is not None:
            assert data[stop - 1:stop] == b"\n" and stop == following[0]
            assert stop - start >= min(blocksize, len(data) - start)
            # A part ends at the first line end at or after its start + blocksize.
            assert data.find(b"\n", start + blocksize) == stop - 1
    csv = tmp_path / "r.csv"
    csv.write_bytes(data)
    assert licit.dask._partitions(str(csv), blocksize) == [(0, None, 1)]


def test_a_worker_lost_mid_run_changes_nothing(tmp_path):
    # Dask's recovery, not Licit's: the scheduler runs a lost worker's tasks again elsewhere, and
    # a decisions file appears only when its task finished (.partial, then renamed).
    import signal
    import sys
    import time
    gen = os.path.join(os.path.dirname(LICIT), "bench", "gen_records")
    if not os.path.exists(gen):
        pytest.skip("no gen_records next to licit")
    records = tmp_path / "many.jsonl"
    subprocess.run([gen, "--n", "300000", "--out", str(records)], check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    run = subprocess.run([LICIT, "run", POLICY, "--records", str(records)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    try:
        with distributed.Client(cluster) as c:
            pids = list(c.run(os.getpid).values())
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(
            os.path.abspath(licit.__file__))))
        out_dir = tmp_path / "out"
        cli = subprocess.Popen([sys.executable, "-m", "licit.dask", "--policy", POLICY,
                                "--records", str(records), "--out", str(out_dir),
                                "--scheduler", cluster.scheduler_address, "--blocksize",
                                "512KiB"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env)
        deadline = time.monotonic() + 120
        while not (out_dir.exists() and any(p.name.endswith(".decisions.jsonl")
                                            for p in out_dir.iterdir())):
            assert cli.poll() is None and time.monotonic() < deadline, cli.stderr.read()
            time.sleep(0.02)
        os.kill(pids[0], signal.SIGKILL)  # its nanny starts another; its tasks run again
        done_at_kill = len([p for p in out_dir.iterdir() if p.name.endswith(".decisions.jsonl")])
        _, err = cli.communicate(timeout=300)
        assert cli.returncode == run.returncode, err.decode()
        parts = sorted(p for p in out_dir.iterdir() if p.name.endswith(".decisions.jsonl"))
        assert len(parts) > 10 and done_at_kill < len(parts) / 2  # killed well before the end
        assert b"".join(p.read_bytes() for p in parts) == run.stdout
        assert counts_line(err) == counts_line(run.stderr)
        assert not [p for p in out_dir.iterdir() if p.name.endswith(".partial")]
    finally:
        cluster.close()
