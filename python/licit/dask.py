"""Licit on Dask: screen bags of JSON lines and dataframes on a Dask cluster (docs/python.md).

The policy travels to the workers pickled as its sources (licit.Policy.__reduce__) and is compiled
once per worker process; each partition is decided by the native engine in one call
(decide_many), so no per-record Python runs in the hot path. Scale beyond one machine is Dask's:
its scheduler and workers (`dask scheduler`, `dask worker`), not anything of Licit's.
"""

from . import Policy as _Policy, _as_of

__all__ = ["screen", "screen_frame", "main"]


def _check_policy(policy):
    if not isinstance(policy, _Policy):
        raise TypeError("licit.dask takes a licit.Policy (licit.compile_files), not %s"
                        % type(policy).__name__)


def _decide_partition(lines, policy, as_of):
    # dask.bag.read_text keeps each line's "\n"; blank lines are not records (as in licit run).
    records = []
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8", "replace")
        line = line.rstrip("\r\n")
        if line.strip():
            records.append(line)
    return policy.decide_many(records, as_of=as_of, threads=1)


def screen(lines, policy, as_of=None):
    """A dask.bag of JSON lines (db.read_text(...)) -> a bag of decision JSON strings, one per
    record, in order within each partition. Blank lines are skipped, as `licit run` skips them; a
    line that cannot be judged gives an `error` decision."""
    import dask.bag as db
    if not isinstance(lines, db.Bag):
        raise TypeError("licit.dask.screen takes a dask.bag.Bag of lines, not %s"
                        % type(lines).__name__)
    _check_policy(policy)
    return lines.map_partitions(_decide_partition, policy, _as_of(as_of))


def _screen_frame_partition(df, policy, as_of):
    from . import pandas as licit_pandas
    out = licit_pandas.screen(df, policy, as_of=as_of, threads=1)
    return df.assign(**{c: out[c] for c in licit_pandas.COLUMNS})


def screen_frame(ddf, policy, as_of=None):
    """A dask.dataframe -> the same with licit.pandas.screen's columns added (effect, rules,
    licenses, unknowns, error), partition by partition."""
    import dask.dataframe as dd
    import pandas as pd
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError("licit.dask.screen_frame takes a dask.dataframe.DataFrame, not %s"
                        % type(ddf).__name__)
    _check_policy(policy)
    from . import pandas as licit_pandas
    meta = ddf._meta.assign(**{c: pd.Series([], dtype=object) for c in licit_pandas.COLUMNS})
    return ddf.map_partitions(_screen_frame_partition, policy, _as_of(as_of), meta=meta)


# --- python3 -m licit.dask ------------------------------------------------------------------------

def _screen_one_file(path, out, policy, as_of):
    # On a worker: `licit run` on one file (screen_file), so the decisions file is byte for byte
    # what `licit run --records PATH --out OUT` writes, error decisions naming their lines.
    summary = policy.screen_file(path, out=out, threads=1, as_of=as_of)
    return summary.records, summary.counts, summary.error


def _thousands(n):
    return "{:,}".format(int(n))


def main(argv=None):
    """python3 -m licit.dask --policy P.licit... --records 'GLOB'... --out DIR
    [--scheduler tcp://HOST:8786 | --workers N] [--as-of DATE]"""
    import argparse
    import glob
    import os
    import sys
    import time

    from . import CompileError, compile_files

    parser = argparse.ArgumentParser(
        prog="python3 -m licit.dask",
        description="Screens record files on a Dask cluster: one decisions file per input file "
                    "in --out (each byte for byte what `licit run` writes for it), and the "
                    "`licit run` summary. Without --scheduler, a LocalCluster of worker "
                    "processes on this machine. Workers must see the input files and --out at "
                    "the same paths (a shared file system).")
    parser.add_argument("--policy", nargs="+", required=True, action="extend",
                        help="policy files or directories, judged together")
    parser.add_argument("--records", nargs="+", required=True, action="extend",
                        help="record files (.jsonl or .csv) or glob patterns")
    parser.add_argument("--out", required=True, help="the directory for the decisions files")
    parser.add_argument("--scheduler", help="a Dask scheduler's address (tcp://HOST:8786)")
    parser.add_argument("--workers", type=int, default=0,
                        help="LocalCluster worker processes (default: one per core)")
    parser.add_argument("--as-of", help="judge every record at this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)

    files = []
    for pattern in args.records:
        found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        files += [f for f in found if f not in files]
    missing = [f for f in files if not os.path.isfile(f)]
    if not files or missing:
        parser.error("no such record file: %s" % (missing[0] if missing else args.records[0]))
    outputs = {}
    for f in files:
        stem = os.path.splitext(os.path.basename(f))[0]
        name = stem + ".decisions.jsonl"
        if name in outputs:
            parser.error("two record files would write %s: %s and %s" % (name, outputs[name], f))
        outputs[name] = f
    try:
        policy = compile_files(args.policy)  # before any work is sent to the workers
    except CompileError as e:
        print(str(e), file=sys.stderr)
        print("licit: the policies do not compile; nothing was screened", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)

    from dask.distributed import Client, LocalCluster
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    start = time.monotonic()
    try:
        names = list(outputs)
        futures = client.map(_screen_one_file, [os.path.abspath(outputs[n]) for n in names],
                             [os.path.abspath(os.path.join(args.out, n)) for n in names],
                             policy=policy, as_of=args.as_of, pure=False)
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    seconds = time.monotonic() - start

    records = sum(r[0] for r in results)
    counts = {}
    for _, c, _ in results:
        for effect, n in c.items():
            counts[effect] = counts.get(effect, 0) + n
    failed = [(outputs[n], r[2]) for n, r in zip(names, results) if r[2]]
    for path, error in failed:
        print("licit: %s: %s" % (path, error), file=sys.stderr)
    rate = records / seconds if seconds > 0 else 0
    print("licit: screened %s record%s in %.3f s (%s records/s); decisions in %s"
          % (_thousands(records), "" if records == 1 else "s", seconds, _thousands(rate), args.out),
          file=sys.stderr)
    order = ["deny", "license", "review", "exempt", "allow", "error"]
    print("  " + ", ".join("%s %s" % (e, _thousands(counts.get(e, 0))) for e in order),
          file=sys.stderr)
    if failed:
        return 1
    return 4 if counts.get("error", 0) else 0


if __name__ == "__main__":
    import sys
    sys.exit(main())
