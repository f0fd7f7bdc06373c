#!/usr/bin/python3
"""The Dask benchmark of the Python package (bench/README.md, "Python and Dask"; goal in the
design's python.md: licit.dask at most 30 % over `licit run` on the same cores).

Screens N reference records (default 1,000,000; bench/gen_records) with
  - `licit run --threads 1` and `--threads 2` (the baseline),
  - `python3 -m licit.dask --workers 1` and `--workers 2` (a LocalCluster of worker processes;
    the one records file cut into partitions of BLOCKSIZE at line ends, a partition a task),
  - licit.dask.screen on a bag (dask.bag.read_text, 64 MiB blocks) with 2 workers,
and prints a markdown table: seconds (wall, cluster start-up included for the Dask rows),
records/s, records/s per core, and the overhead against `licit run` on as many cores. Each
Dask output is checked against `licit run`'s (the decisions files byte for byte).

    PYTHONPATH=build/release/python bench/python/dask_bench.py [--records N] [--blocksize SIZE]
        [--licit build/release/licit] [--policy bench/policies/small.licit]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--blocksize", default="16MiB",
                   help="licit.dask's partition size (the bag's stays 64 MiB, Dask's default)")
    p.add_argument("--licit", default=os.path.join(root, "build/release/licit"))
    p.add_argument("--gen", default=None)
    p.add_argument("--policy", default=os.path.join(root, "bench/policies/small.licit"))
    args = p.parse_args()
    gen = args.gen or os.path.join(os.path.dirname(args.licit), "bench/gen_records")
    import licit  # noqa: F401  (fails early, with the package's own message, when not built)

    with tempfile.TemporaryDirectory() as tmp:
        records = os.path.join(tmp, "records.jsonl")
        subprocess.run([gen, "--n", str(args.records), "--out", records], check=True,
                       stdout=subprocess.DEVNULL)
        rows = []
        baseline = {}

        def timed(cmd, **kw):
            start = time.monotonic()
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
            return time.monotonic() - start, out

        for threads in (1, 2):
            seconds, out = timed([args.licit, "run", args.policy, "--records", records,
                                  "--threads", str(threads), "--out",
                                  os.path.join(tmp, "run%d.jsonl" % threads)])
            if out.returncode not in (0, 4):
                sys.exit("licit run failed: " + out.stderr.decode())
            baseline[threads] = seconds
            rows.append(("`licit run --threads %d`" % threads, threads, seconds, None))
        with open(os.path.join(tmp, "run1.jsonl"), "rb") as f:
            expected = f.read()

        env = dict(os.environ)
        for workers in (1, 2):
            out_dir = os.path.join(tmp, "dask%d" % workers)
            seconds, out = timed([sys.executable, "-m", "licit.dask", "--policy", args.policy,
                                  "--records", records, "--out", out_dir, "--workers",
                                  str(workers), "--blocksize", args.blocksize], env=env)
            if out.returncode not in (0, 4):
                sys.exit("licit.dask failed: " + out.stderr.decode())
            parts = sorted(os.listdir(out_dir))
            got = b"".join(open(os.path.join(out_dir, name), "rb").read() for name in parts)
            if got != expected:
                sys.exit("licit.dask's decisions differ from licit run's")
            rows.append(("`python3 -m licit.dask --workers %d` (%d partitions of %s)"
                         % (workers, len(parts), args.blocksize), workers, seconds,
                         baseline[workers]))

        script = """
import sys, time, dask.bag as db, licit, licit.dask
from dask.distributed import Client, LocalCluster
start = time.monotonic()
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                  silence_logs=40) as cluster, Client(cluster):
    policy = licit.compile_files([sys.argv[1]])
    n = licit.dask.screen(db.read_text(sys.argv[2], blocksize="64MiB"), policy).count().compute()
print(n, time.monotonic() - start)
"""
        out = subprocess.run([sys.executable, "-c", script, args.policy, records],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        if out.returncode != 0:
            sys.exit("licit.dask.screen failed: " + out.stderr.decode())
        n, seconds = out.stdout.decode().split()
        if int(n) != args.records:
            sys.exit("licit.dask.screen gave %s decisions for %d records" % (n, args.records))
        rows.append(("`licit.dask.screen` on a bag (64 MiB blocks), 2 workers", 2, float(seconds),
                     baseline[2]))

    print("%s records, policy %s, %d CPUs\n" % ("{:,}".format(args.records),
                                                os.path.basename(args.policy), os.cpu_count()))
    print("| what | cores | seconds | records/s | records/s per core | over `licit run` |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, cores, seconds, base in rows:
        rate = args.records / seconds
        over = "" if base is None else "%+.0f%%" % ((seconds / base - 1) * 100)
        print("| %s | %d | %.2f | %s | %s | %s |" % (name, cores, seconds, "{:,.0f}".format(rate),
                                                     "{:,.0f}".format(rate / cores), over))


if __name__ == "__main__":
    main()
