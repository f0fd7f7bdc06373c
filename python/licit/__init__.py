"""Licit from Python: compile export-control policies and decide trade records (docs/python.md).

    import licit
    policy = licit.compile_files(["examples/cn-japan-2026.licit"])
    d = policy.decide({"id": "S1", "date": "2026-02-01", "destination": "JP", ...})
    d.effect, d.rules, d.to_json()

The engine is the native module `licit._licit` (the public C++ API, built by the same CMake
project); this file gives it a Pythonic surface. A decision is what `licit eval` prints: its JSON
text is kept as is (`to_json()`) and read into attributes.
"""

import datetime as _datetime
import json as _json
import os as _os

try:
    from . import _licit
except ImportError as _error:  # pragma: no cover - the message is the point
    import sys as _sys
    raise ImportError(
        "licit's native module could not be loaded into Python %d.%d (%s): %s. It is built for "
        "the interpreter CMake found (docs/python.md, 'Which Python'); rebuild with "
        "-DPython3_EXECUTABLE=%s or run the interpreter it was built for."
        % (_sys.version_info[0], _sys.version_info[1], _sys.executable, _error, _sys.executable)
    ) from _error

__version__ = _licit.__version__

# A policy kept to the end (a module global) may be compiling, on a thread of its own, the code
# for records with unknown values when the interpreter exits: stopped first (docs/python.md).
import atexit as _atexit  # noqa: E402
_atexit.register(_licit._stop_background_compiles)

__all__ = ["CompileError", "Decision", "Policy", "ScreenSummary", "compile_files", "compile_source",
           "__version__"]


class CompileError(ValueError):
    """The policy did not compile. str(e) is the diagnostics as `licit check` prints them;
    e.diagnostics is a list of dicts in the `--diagnostics=json` form."""

    def __init__(self, text, diagnostics):
        super().__init__(text.rstrip("\n") or "the policy does not compile")
        self.diagnostics = diagnostics


def _as_of(value):
    """`as_of=`: None, a datetime.date or a "YYYY-MM-DD" string."""
    if value is None:
        return None
    if isinstance(value, _datetime.datetime):
        value = value.date()
    if isinstance(value, _datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError("as_of must be a datetime.date or a 'YYYY-MM-DD' string, not %s"
                    % type(value).__name__)


def _record_text(record):
    """A record to decide: a dict (sent as JSON) or a JSON string, as given."""
    if isinstance(record, str):
        return record
    if isinstance(record, bytes):
        return record.decode("utf-8")
    if isinstance(record, dict):
        return _json.dumps(record, ensure_ascii=False, default=_json_default)
    raise TypeError("a record is a dict or a JSON string, not %s" % type(record).__name__)


def _json_default(value):
    # Dates in a record dict are written as the ISO dates Licit reads; sets as lists.
    if isinstance(value, (_datetime.date, _datetime.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError("a record's values are JSON values, dates or sets, not %s"
                    % type(value).__name__)


class Decision:
    """One decision: effect, the rules that fired, licences, unknowns, waivers, as `licit eval`
    prints it (to_json() is that text, byte for byte)."""

    __slots__ = ("_json", "_dict")

    def __init__(self, text):
        self._json = text
        self._dict = _json.loads(text)

    effect = property(lambda self: self._dict["effect"])
    id = property(lambda self: self._dict.get("id"))
    date = property(lambda self: self._dict.get("date"))
    rules = property(lambda self: self._dict.get("rules", []))
    licenses = property(lambda self: self._dict.get("licenses", []))
    unknowns = property(lambda self: self._dict.get("unknowns", []))
    waived = property(lambda self: self._dict.get("waived", []))
    # Parties that rules which fired found on restricted-party lists (docs/screening.md).
    matches = property(lambda self: self._dict.get("matches", []))
    error = property(lambda self: self._dict.get("error"))

    def to_json(self):
        return self._json

    def to_dict(self):
        return _json.loads(self._json)

    def __repr__(self):
        return "<licit.Decision %s %s>" % (self.id, self.effect)


class Policy:
    """A compiled policy: immutable, safe to use from many threads at once."""

    def __init__(self, native):
        if not isinstance(native, _licit.NativePolicy):
            raise TypeError("use licit.compile_files() or licit.compile_source() to make a Policy")
        self._native = native

    digest = property(lambda self: self._native.digest, doc="sha256 over every source file")
    names = property(lambda self: list(self._native.names), doc="the root policies' names")
    rule_count = property(lambda self: self._native.rule_count)
    input_type = property(lambda self: self._native.input_type)
    source_files = property(lambda self: list(self._native.source_files))
    jit_state = property(
        lambda self: self._native.jit_state,
        doc="the JIT's background compile: 'compiling' (the interpreter decides meanwhile, the "
        "same decisions), 'ready', 'failed' (the interpreter goes on), or 'none'")

    def wait_for_jit(self):
        """Blocks (the GIL released) until the JIT's background compile has ended; its state."""
        return self._native.wait_for_jit()

    @property
    def fields(self):
        """What the policy reads: [{"path": "item.hs", "type": "code", "optional": True}, ...]."""
        return [{"path": p, "type": t, "optional": o} for p, t, o in self._native.fields]

    def decide(self, record, as_of=None):
        """Decides one record (a dict or a JSON string). A record that cannot be judged gives an
        `error` decision, never an exception."""
        return Decision(self._native.decide_json(_record_text(record), _as_of(as_of)))

    def decide_many(self, lines, as_of=None, threads=0):
        """Decides many records (an iterable of JSON strings or dicts) on `threads` threads
        (0: every core), the GIL released: a list of decision JSON strings, in order."""
        if isinstance(lines, (str, bytes)):
            raise TypeError("decide_many takes an iterable of records, not one string")
        if not isinstance(threads, int) or threads < 0:
            raise ValueError("threads is a whole number >= 0 (0: every core)")
        return self._native.decide_many([_record_text(r) for r in lines], _as_of(as_of), threads)

    def explain(self, record, as_of=None):
        """The text `licit explain` prints for the record: every rule and exception's outcome."""
        return self._native.explain_text(_record_text(record), _as_of(as_of))

    def explain_json(self, record, as_of=None):
        """The explanation as a dict (`licit explain --format json`)."""
        return _json.loads(self._native.explain_json(_record_text(record), _as_of(as_of)))

    def test(self):
        """Runs the policy's `test` blocks: the report as a dict, as `licit test --format json`
        prints it, with "ok" added (True when every test passed)."""
        report = _json.loads(self._native.test_json())
        report["ok"] = report.get("failed", 0) == 0
        return report

    def screen_file(self, records, out=None, threads=0, as_of=None, format=None,
                    out_format=None, start=0, stop=None, first_line=1):
        """`licit run` on a file: one decision per record, in input order, written to `out`
        (it appears only when complete) or only counted when out is None. `format` and
        `out_format` are "jsonl" or "csv" (default: from the file names' extensions, as the CLI).
        A part of a JSON Lines file: the bytes [start, stop) (start at a line's beginning),
        its first line numbered `first_line`, so decisions name the whole file's lines.
        Returns a ScreenSummary; a record that cannot be read or judged is an `error` decision
        naming its line, never an exception. Raises OSError when the files cannot be read or
        written."""
        records = _os.fspath(records)
        out = "" if out is None else _os.fspath(out)
        if not _is_count(threads, 0):
            raise ValueError("threads is a whole number >= 0 (0: every core)")
        if format is None:
            format = "csv" if records.lower().endswith(".csv") else "jsonl"
        if out_format is None:
            out_format = "csv" if out.lower().endswith(".csv") else "jsonl"
        for f in (format, out_format):
            if f not in ("jsonl", "csv"):
                raise ValueError('a format is "jsonl" or "csv", not %r' % (f,))
        if not _is_count(start, 0) or not _is_count(first_line, 1):
            raise ValueError("start is a byte offset >= 0 and first_line a line number >= 1")
        if stop is not None and not _is_count(stop, start):
            raise ValueError("stop is None (the end) or a byte offset >= start")
        if format == "csv" and (start != 0 or stop is not None or first_line != 1):
            raise ValueError("a CSV file is screened whole: a part would lack its header, and a "
                             "quoted field may span lines")
        result = self._native.screen_file(records, out, format, out_format, threads,
                                          _as_of(as_of), start, stop, first_line)
        if result.file_error:
            raise OSError(result.error)
        return ScreenSummary(result)

    def __reduce__(self):
        # Pickled as its sources (every file's name and text, the roots first), not as paths to
        # read again: a Dask worker on another machine compiles exactly this policy.
        sources = self._native.sources
        roots = list(dict.fromkeys(self._native.root_files))
        ordered = [f for r in roots for f in sources if f[0] == r]
        ordered += [f for f in sources if f[0] not in roots]
        return (_from_sources, (self.digest, ordered, len(roots)))

    def __repr__(self):
        return "<licit.Policy %s %s>" % (",".join(self.names), self.digest[:19])


def _is_count(value, least):
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


class ScreenSummary:
    """What screen_file did: records (decisions written), counts by effect (as `licit run`'s
    summary), seconds, records_per_second, and error ("" when every record was screened)."""

    def __init__(self, result):
        self.records = result.records
        self.counts = dict(result.counts)
        self.error = result.error
        self.seconds = result.seconds
        self.records_per_second = result.records / result.seconds if result.seconds else 0.0

    @property
    def ok(self):
        return not self.error

    def __repr__(self):
        return "<licit.ScreenSummary %d records %s>" % (self.records, self.counts)


# Policies unpickled in this process, by digest and roots (the digest covers the files, not which
# of them are roots): a worker compiles each policy once however many tasks bring it.
_compiled_by_digest = {}
_compiled_lock = __import__("threading").Lock()


def _from_sources(digest, files, roots):
    key = (digest, tuple(name for name, _ in files[:roots]))
    with _compiled_lock:
        cached = _compiled_by_digest.get(key)
    if cached is not None:
        return cached
    policy = _checked(_licit.compile_sources(files, roots))
    if policy.digest != digest:
        raise ValueError("the unpickled policy compiled to %s, not %s: this process runs another "
                         "licit (%s) or standard library than the one that pickled it"
                         % (policy.digest, digest, __version__))
    with _compiled_lock:
        return _compiled_by_digest.setdefault(key, policy)


def _checked(result):
    if result.policy is None:
        doc = _json.loads(result.diagnostics_json or "{}")
        raise CompileError(result.diagnostics_text, doc.get("diagnostics", []))
    return Policy(result.policy)


def _policy_paths(paths):
    """Files as given; a directory means every *.licit under it, in name order (as the CLI)."""
    if isinstance(paths, (str, bytes, _os.PathLike)):
        paths = [paths]
    out = []
    for p in paths:
        p = _os.fspath(p)
        if isinstance(p, bytes):
            p = _os.fsdecode(p)
        if _os.path.isdir(p):
            found = []
            for root, dirs, files in _os.walk(p):
                dirs.sort()
                found += [_os.path.join(root, f) for f in sorted(files) if f.endswith(".licit")]
            if not found:
                raise ValueError("no .licit files under the directory %r" % p)
            out += found
        else:
            out.append(p)
    if not out:
        raise ValueError("compile_files needs at least one policy file")
    return out


def compile_files(paths):
    """Compiles policy files (a path, a list of paths, or directories of *.licit files) that are
    judged together, as `licit run FILE...` judges them. Raises CompileError."""
    return _checked(_licit.compile_files(_policy_paths(paths)))


def compile_source(text, name="<string>"):
    """Compiles one policy from its text; `name` is the file name diagnostics show."""
    if not isinstance(text, str):
        raise TypeError("compile_source takes the policy's text as a str, not %s"
                        % type(text).__name__)
    return _checked(_licit.compile_source(name, text))
