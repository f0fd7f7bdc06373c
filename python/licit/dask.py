"""Licit on Dask: screen bags of JSON lines and dataframes on a Dask cluster (docs/python.md).

The policy travels to the workers pickled as its sources (licit.Policy.__reduce__) and is compiled
once per worker process; each partition is decided by the native engine in one call
(decide_many), so no per-record Python runs in the hot path. Scale beyond one machine is Dask's:
its scheduler and workers (`dask scheduler`, `dask worker`), not anything of Licit's.
"""

import os

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

def _screen_part(path, out, start, stop, first_line, policy, as_of):
    # On a worker: `licit run` on one partition of a file (screen_file), so the decisions file
    # is byte for byte the partition's lines of what `licit run --records PATH` writes, error
    # decisions naming the whole file's lines.
    summary = policy.screen_file(path, out=out, threads=1, as_of=as_of, start=start, stop=stop,
                                 first_line=first_line)
    return summary.records, summary.counts, summary.error


def _prepare_worker(policy):
    # Run on every worker before any record is sent. Receiving `policy` is the work: the package
    # is imported (the native module loads LLVM) and the policy unpickled, so compiled and cached
    # for the tasks to come. A worker that cannot compile it (another licit version) fails here,
    # before any output is written.
    del policy


def _partitions(path, blocksize):
    """A JSON Lines file cut at line ends into parts of about `blocksize` bytes: a list of
    (start, stop, first_line). One pass over the file on the client, counting newlines, so each
    part knows the number of its first line (what its error decisions name). A CSV file is one
    part: it has a header, and a quoted field may span lines."""
    size = os.path.getsize(path)
    if blocksize <= 0 or size <= blocksize or path.lower().endswith(".csv"):
        return [(0, None, 1)]
    parts = []
    start, first_line = 0, 1   # the open part
    pos, lines = 0, 0          # bytes and newlines before the current chunk
    target = blocksize         # the open part ends at the first line end at or after this
    with open(path, "rb") as f:
        while True:
            chunk = f.read(8 << 20)
            if not chunk:
                break
            searched = 0
            while target < pos + len(chunk):
                nl = chunk.find(b"\n", max(target - pos, searched))
                if nl < 0:
                    break
                stop = pos + nl + 1
                parts.append((start, stop, first_line))
                first_line = lines + chunk.count(b"\n", 0, nl + 1) + 1
                start, target, searched = stop, stop + blocksize, nl + 1
            lines += chunk.count(b"\n")
            pos += len(chunk)
    if start < size:
        parts.append((start, None, first_line))
    return parts


def _thousands(n):
    return "{:,}".format(int(n))


def main(argv=None):
    """python3 -m licit.dask --policy P.licit... --records 'GLOB'... --out DIR
    [--scheduler tcp://HOST:8786 | --workers N] [--as-of DATE] [--blocksize SIZE]"""
    import argparse
    import glob
    import sys
    import time

    from dask.utils import parse_bytes

    from . import CompileError, compile_files

    parser = argparse.ArgumentParser(
        prog="python3 -m licit.dask",
        description="Screens record files on a Dask cluster: JSON Lines files cut into "
                    "partitions of about --blocksize at line ends (a CSV file is one "
                    "partition), one task and one decisions file per partition in --out, and "
                    "the `licit run` summary. The decisions files of a record file, in order, are "
                    "byte for byte what `licit run` writes for it. Without --scheduler, a "
                    "LocalCluster of worker processes on this machine. Workers must see the "
                    "input files and --out at the same paths (a shared file system).")
    parser.add_argument("--policy", nargs="+", required=True, action="extend",
                        help="policy files or directories, judged together")
    parser.add_argument("--records", nargs="+", required=True, action="extend",
                        help="record files (.jsonl or .csv) or glob patterns")
    parser.add_argument("--out", required=True, help="the directory for the decisions files")
    parser.add_argument("--scheduler", help="a Dask scheduler's address (tcp://HOST:8786)")
    parser.add_argument("--workers", type=int, default=0,
                        help="LocalCluster worker processes (default: one per core)")
    parser.add_argument("--as-of", help="judge every record at this date (YYYY-MM-DD)")
    parser.add_argument("--blocksize", default="64MiB",
                        help="the size of a JSON Lines partition (default 64MiB, as "
                             "dask.bag.read_text; 0: one partition per file)")
    args = parser.parse_args(argv)
    try:
        blocksize = parse_bytes(args.blocksize)
    except (ValueError, TypeError):
        blocksize = -1
    if blocksize < 0:
        parser.error("--blocksize is a size such as 64MiB or 1000000, not %r" % args.blocksize)

    files = []
    for pattern in args.records:
        found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        files += [f for f in found if f not in files]
    missing = [f for f in files if not os.path.isfile(f)]
    if not files or missing:
        parser.error("no such record file: %s" % (missing[0] if missing else args.records[0]))
    stems = {}
    for f in files:
        stem = os.path.splitext(os.path.basename(f))[0]
        if stem in stems:
            parser.error("two record files would write %s.*decisions.jsonl: %s and %s"
                         % (stem, stems[stem], f))
        stems[stem] = f
    try:
        policy = compile_files(args.policy)  # before any work is sent to the workers
    except CompileError as e:
        print(str(e), file=sys.stderr)
        print("licit: the policies do not compile; nothing was screened", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    # One task per partition: STEM.decisions.jsonl for a file screened whole, and
    # STEM.00000.decisions.jsonl, STEM.00001... (in order) for the parts of a file cut in parts.
    tasks = []  # (record file, decisions file, start, stop, first line)
    for stem, path in stems.items():
        parts = _partitions(path, blocksize)
        for i, (begin, end, first_line) in enumerate(parts):
            name = stem + (".%05d" % i if len(parts) > 1 else "") + ".decisions.jsonl"
            tasks.append((path, os.path.abspath(os.path.join(args.out, name)), begin, end,
                          first_line))

    from dask.distributed import Client, LocalCluster
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        try:
            client.run(_prepare_worker, policy)
        except Exception as e:  # noqa: BLE001 (whatever a worker raised, said in one line)
            print("licit: a worker could not take the policy: %s: %s" % (type(e).__name__, e),
                  file=sys.stderr)
            return 1
        # As `licit run`'s summary, the time from here on is screening: the workers have the
        # policy compiled, as licit run has before its clock starts.
        start = time.monotonic()
        paths, outs, starts, stops, first_lines = zip(*tasks)
        futures = client.map(_screen_part, [os.path.abspath(p) for p in paths], outs, starts,
                             stops, first_lines, policy=policy, as_of=args.as_of, pure=False)
        results = client.gather(futures)
        seconds = time.monotonic() - start
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    records = sum(r[0] for r in results)
    counts = {}
    for _, c, _ in results:
        for effect, n in c.items():
            counts[effect] = counts.get(effect, 0) + n
    failed = [(t[0], r[2]) for t, r in zip(tasks, results) if r[2]]
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
