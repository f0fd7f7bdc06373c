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
import re
import statistics
import subprocess
import sys
import tempfile
import time


def screening_seconds(out):
    # `licit run` and `python3 -m licit.dask` print "licit: screened N records in S s (...)": the
    # time spent screening, without process and cluster start-up.
    m = re.search(r"screened [\d,]+ records? in ([\d.]+) s", out.stderr.decode())
    if not m:
        sys.exit("no summary line in:\n" + out.stderr.decode())
    return float(m.group(1))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--blocksize", default="16MiB",
                   help="licit.dask's partition size (the bag's stays 64 MiB, Dask's default)")
    p.add_argument("--repeat", type=int, default=5, help="runs per row (the median is shown)")
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

        def timed(cmd, screening=None, **kw):
            # The command run --repeat times: the median wall and screening seconds (sub-second
            # runs on a shared 2-core VM vary by tens of percent), and the last run's output.
            walls, works = [], []
            for _ in range(args.repeat):
                start = time.monotonic()
                out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
                walls.append(time.monotonic() - start)
                if out.returncode not in (0, 4):
                    sys.exit("%s failed: %s" % (" ".join(cmd[:3]), out.stderr.decode()))
                works.append((screening or screening_seconds)(out))
            return statistics.median(walls), statistics.median(works), out

        for threads in (1, 2):
            wall, work, _ = timed([args.licit, "run", args.policy, "--records", records,
                                   "--threads", str(threads), "--out",
                                   os.path.join(tmp, "run%d.jsonl" % threads)])
            baseline[threads] = (wall, work)
            rows.append(("`licit run --threads %d`" % threads, threads, wall, work, None))
        with open(os.path.join(tmp, "run1.jsonl"), "rb") as f:
            expected = f.read()

        env = dict(os.environ)
        for workers in (1, 2):
            out_dir = os.path.join(tmp, "dask%d" % workers)
            wall, work, _ = timed([sys.executable, "-m", "licit.dask", "--policy", args.policy,
                                   "--records", records, "--out", out_dir, "--workers",
                                   str(workers), "--blocksize", args.blocksize], env=env)
            parts = sorted(os.listdir(out_dir))
            got = b"".join(open(os.path.join(out_dir, name), "rb").read() for name in parts)
            if got != expected:
                sys.exit("licit.dask's decisions differ from licit run's")
            rows.append(("`python3 -m licit.dask --workers %d` (%d partitions of %s)"
                         % (workers, len(parts), args.blocksize), workers, wall, work,
                         baseline[workers]))

        script = """
import sys, time, dask.bag as db, licit, licit.dask
from dask.distributed import Client, LocalCluster
start = time.monotonic()
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                  silence_logs=40) as cluster, Client(cluster) as client:
    policy = licit.compile_files([sys.argv[1]])
    client.run(licit.dask._prepare_worker, policy)  # as the command does before its clock
    up = time.monotonic()
    n = licit.dask.screen(db.read_text(sys.argv[2], blocksize="64MiB"), policy).count().compute()
    done = time.monotonic()
print(n, done - start, done - up)
"""
        def bag_screening(out):
            n, _, work = out.stdout.decode().split()
            if int(n) != args.records:
                sys.exit("licit.dask.screen gave %s decisions for %d records" % (n, args.records))
            return float(work)
        wall, work, _ = timed([sys.executable, "-c", script, args.policy, records], bag_screening,
                              env=env)
        rows.append(("`licit.dask.screen` on a bag (64 MiB blocks), 2 workers", 2, wall, work,
                     baseline[2]))

    print("%s records, policy %s, %d CPUs\n" % ("{:,}".format(args.records),
                                                os.path.basename(args.policy), os.cpu_count()))
    print("Medians of %d runs. Wall: the whole command, process and cluster start-up included. "
          "Screening: from the policy being compiled (licit run's summary; licit.dask's, once "
          "every worker holds it) to the last decision.\n" % args.repeat)
    print("| what | cores | wall s | screening s | records/s | records/s per core "
          "| over `licit run` (screening) | over `licit run` (wall) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, cores, wall, work, base in rows:
        rate = args.records / work
        overs = ["", ""] if base is None else ["%+.0f%%" % ((mine / theirs - 1) * 100)
                                               for mine, theirs in ((work, base[1]), (wall, base[0]))]
        print("| %s | %d | %.2f | %.2f | %s | %s | %s | %s |"
              % (name, cores, wall, work, "{:,.0f}".format(rate), "{:,.0f}".format(rate / cores),
                 *overs))


if __name__ == "__main__":
    main()
