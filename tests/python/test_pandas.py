"""licit.pandas.screen against `licit run` on the same data written as CSV (docs/python.md)."""

import json
import math
import os
import re
import subprocess

import pandas as pd
import pytest

import licit
import licit.pandas

LICIT = os.environ.get("LICIT", "build/dev/licit")
POLICY = "examples/cn-japan-2026.licit"
RECORDS = "examples/shipments.jsonl"


@pytest.fixture(scope="module")
def policy():
    return licit.compile_files([POLICY])


def example_frame():
    records = []
    with open(RECORDS, encoding="utf-8") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    # Nested records become dotted columns (item.cn), as CSV headers name them.
    return pd.json_normalize(records)


def run_csv(df, tmp_path, *extra):
    """`licit run` on the frame written as CSV by pandas itself (lists `;`-joined)."""
    path = tmp_path / "records.csv"
    flat = df.copy()
    for column in flat.columns:
        flat[column] = flat[column].map(
            lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    flat.to_csv(path, index=False)
    out = subprocess.run([LICIT, "run", POLICY, "--records", str(path), *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return [json.loads(l) for l in out.stdout.decode().splitlines()]


def test_screen_is_licit_run_on_the_same_csv(policy, tmp_path):
    df = example_frame()
    df.index = [f"row{i}" for i in range(len(df))]  # the index is kept, whatever it is
    got = licit.pandas.screen(df, policy)
    assert list(got.columns) == ["effect", "rules", "licenses", "unknowns", "error"]
    assert list(got.index) == list(df.index)
    expected = run_csv(df, tmp_path)
    assert len(expected) == len(df)
    assert list(got["effect"]) == [d["effect"] for d in expected]
    assert list(got["rules"]) == [[r["rule"] for r in d.get("rules", [])] for d in expected]
    assert list(got["licenses"]) == [d.get("licenses", []) for d in expected]
    assert list(got["unknowns"]) == [[u["rule"] for u in d.get("unknowns", [])] for d in expected]
    # The reason without the CSV line (the index names the row).
    assert list(got["error"]) == [
        re.sub(r"^line [0-9]+: ", "", d["error"]) if d.get("error") else None for d in expected]
    assert not any(e and e.startswith("line ") for e in got["error"])
    assert set(got["effect"]) - {"error"}  # it did decide something
    dated = licit.pandas.screen(df, policy, as_of="2026-03-01")
    assert list(dated["effect"]) == [d["effect"] for d in run_csv(df, tmp_path, "--as-of",
                                                                   "2026-03-01")]


def test_nan_and_none_are_missing_fields(policy):
    df = example_frame().head(3).copy()
    with_nan = df.copy()
    with_nan["end_use"] = [math.nan, None, pd.NA]
    without = df.drop(columns=["end_use"])
    a = licit.pandas.screen(with_nan, policy)
    b = licit.pandas.screen(without, policy)
    assert a.equals(b)
    # A row of nothing but missing fields is still one row, with its decision (an error).
    empty = pd.DataFrame({"destination": [math.nan], "date": [None]})
    out = licit.pandas.screen(empty, policy)
    assert len(out) == 1 and out["effect"].iloc[0] == "error" and out["error"].iloc[0]


def test_a_bad_row_is_an_error_row_and_the_rest_are_judged(policy):
    df = example_frame().head(4).copy()
    df["date"] = df["date"].astype(object)
    df.loc[df.index[1], "date"] = "not a date"
    out = licit.pandas.screen(df, policy)
    assert out["effect"].iloc[1] == "error" and "date" in out["error"].iloc[1]
    assert (out["effect"].drop(out.index[1]) != "error").all()


def test_misuse_raises(policy):
    with pytest.raises(TypeError, match="DataFrame"):
        licit.pandas.screen([{"id": "x"}], policy)
    with pytest.raises(TypeError, match="licit.Policy"):
        licit.pandas.screen(pd.DataFrame({"id": ["x"]}), "policy.licit")
    empty = licit.pandas.screen(pd.DataFrame({"id": []}), policy)
    assert len(empty) == 0 and list(empty.columns) == ["effect", "rules", "licenses", "unknowns",
                                                       "error"]
