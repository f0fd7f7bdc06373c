"""licit.pandas.screen: a DataFrame of records in, a DataFrame of decisions out (docs/python.md).

The frame is screened as `licit run` screens the same data written as CSV: it is written as CSV
(columns named by field path, as CSV headers are: `destination`, `item.hs`), in memory, and read
by Licit's CSV reader, so every cell is read as a CSV cell is, by the field's type. So the answers
are `licit run`'s on that CSV, by construction.
"""

import csv as _csv
import datetime as _datetime
import io as _io
import json as _json
import re as _re

import pandas as _pd

from . import Policy as _Policy, _as_of

__all__ = ["screen"]

COLUMNS = ["effect", "rules", "licenses", "unknowns", "error"]


def _cell(value):
    """A CSV cell for a value: NaN, None and NaT are missing (empty); a list, tuple or set is
    `;`-separated; dates are ISO; anything else is its text."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(_cell(v) for v in value)
    if hasattr(value, "tolist") and hasattr(value, "ndim") and value.ndim > 0:  # numpy arrays
        return _cell(value.tolist())
    if value is None or _pd.isna(value):  # None, NaN, NaT, pd.NA
        return ""
    if hasattr(value, "item") and hasattr(value, "dtype"):  # numpy scalars
        value = value.item()
    if isinstance(value, (_pd.Timestamp, _datetime.datetime)):
        return value.date().isoformat()
    if isinstance(value, _datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an int column with NaN became float: 3.0 is the record's 3
    return str(value)


def _row_error(error):
    """The reason alone: the CSV line it names is of the CSV written in memory, and the row is
    already named by the frame's index."""
    if error is None:
        return None
    return _re.sub(r"^line [0-9]+: ", "", error)


def screen(df, policy, as_of=None, threads=0):
    """One row per row of `df` (same index): effect, rules (their names, strongest first),
    licenses, unknowns (the rules that could not be judged) and error (None when judged).
    Columns name fields by path; columns the policy does not read are an error decision for
    every row, as unknown CSV headers are in `licit run`."""
    if not isinstance(df, _pd.DataFrame):
        raise TypeError("licit.pandas.screen takes a pandas DataFrame, not %s" % type(df).__name__)
    if not isinstance(policy, _Policy):
        raise TypeError("licit.pandas.screen takes a licit.Policy (licit.compile_files), not %s"
                        % type(policy).__name__)
    if not isinstance(threads, int) or threads < 0:
        raise ValueError("threads is a whole number >= 0 (0: every core)")
    if len(df.columns) == 0 or len(df) == 0:
        return _pd.DataFrame({c: _pd.Series([], dtype=object) for c in COLUMNS}, index=df.index)
    names = [str(c) for c in df.columns]
    text = _io.StringIO()
    writer = _csv.writer(text, lineterminator="\n")
    writer.writerow(names)
    for row in df.itertuples(index=False, name=None):
        cells = [_cell(v) for v in row]
        if not any(cells):
            # A row with every field missing must stay a row, not a blank line (which CSV readers
            # skip): one quoted empty cell keeps it.
            text.write('""' + "," * (len(cells) - 1) + "\n")
        else:
            writer.writerow(cells)
    out = policy._native.screen_text(text.getvalue(), "csv", threads, _as_of(as_of))
    decisions = [_json.loads(line) for line in out.splitlines()]
    if len(decisions) != len(df):
        raise RuntimeError("internal error: %d decisions for %d rows" % (len(decisions), len(df)))
    return _pd.DataFrame({
        "effect": [d["effect"] for d in decisions],
        "rules": [[r["rule"] for r in d.get("rules", [])] for d in decisions],
        "licenses": [list(d.get("licenses", [])) for d in decisions],
        "unknowns": [[u["rule"] for u in d.get("unknowns", [])] for d in decisions],
        "error": [_row_error(d.get("error")) for d in decisions],
    }, index=df.index)
