"""Licit on Dask: screen bags of JSON lines and dataframes on a Dask cluster (docs/python.md).

The policy travels to the workers pickled as its sources (licit.Policy.__reduce__) and is compiled
once per worker process; each partition is decided by the native engine in one call
(decide_many), so no per-record Python runs in the hot path. Scale beyond one machine is Dask's:
its scheduler and workers (`dask scheduler`, `dask worker`), not anything of Licit's.
"""

from . import Policy as _Policy, _as_of

__all__ = ["screen", "screen_frame"]


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
