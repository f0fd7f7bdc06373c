"""The VS Code extension's static parts (editors/vscode): the manifest, the language
configuration and the TextMate grammar. The grammar must know every keyword of the lexer
(frontend/grammar/LicitLexer.g4), so the two cannot drift apart, and must scope a sample policy's
tokens as an author expects. (The extension's client code needs VS Code to run; the server it
starts is tested in tests/lsp.)"""

import json
import os
import pathlib
import re
import subprocess

ROOT = pathlib.Path(os.environ.get("LICIT_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
VSCODE = ROOT / "editors" / "vscode"


def load(name):
    return json.loads((VSCODE / name).read_text())


def test_manifest_declares_the_language_grammar_and_its_dependencies():
    pkg = load("package.json")
    assert pkg["main"] == "./extension.js"
    assert pkg["contributes"]["languages"][0]["extensions"] == [".licit"]
    grammar = pkg["contributes"]["grammars"][0]
    assert (VSCODE / grammar["path"]).is_file()
    assert "vscode-languageclient" in pkg["dependencies"]
    # npm dependencies are declared, never vendored.
    tracked = subprocess.run(["git", "ls-files", "editors/vscode"], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    assert tracked == [] or not any("node_modules" in p for p in tracked)
    assert "lsp" in (VSCODE / "extension.js").read_text()


def test_language_configuration():
    conf = load("language-configuration.json")
    assert conf["comments"]["lineComment"] == "#"
    word = re.compile("^(" + conf["wordPattern"] + ")$")
    for name in ["dual-use", "LVS-1C010", "jp_military", "x"]:
        assert word.match(name), name
    for not_one in ["a-1", "x-2026", "-a"]:
        assert not word.match(not_one), not_one


def grammar_patterns():
    g = load("syntaxes/licit.tmLanguage.json")
    out = []

    def walk(node):
        if "include" in node:
            walk(g["repository"][node["include"][1:]])
        for p in node.get("patterns", []):
            walk(p)
        if "match" in node or "begin" in node:
            out.append(node)

    for p in g["patterns"]:
        walk(p)
    return out


def test_grammar_regexes_compile():
    for p in grammar_patterns():
        for key in ("match", "begin", "end"):
            if key in p:
                re.compile(p[key])


def test_grammar_knows_every_keyword_of_the_lexer():
    lexer = (ROOT / "frontend" / "grammar" / "LicitLexer.g4").read_text()
    keywords = re.findall(r"^[A-Z]+\s*:\s*'([a-z]+)'\s*;", lexer, re.M)
    assert len(keywords) > 40
    regexes = " ".join(p.get("match", "") for p in grammar_patterns())
    missing = [k for k in keywords if not re.search(r"\b" + k + r"\b", regexes)]
    assert missing == [], missing


def scopes(line):
    """A minimal TextMate tokenizer (single-line `match` rules and the string rule), enough to
    check which scope the grammar gives each token of a line."""
    out = []
    pos = 0
    patterns = grammar_patterns()
    while pos < len(line):
        best = None
        for p in patterns:
            rx = re.compile(p.get("match") or p["begin"])
            m = rx.search(line, pos)
            if m and (best is None or m.start() < best[0].start()):
                best = (m, p)
        if not best:
            break
        m, p = best
        if "begin" in p:
            # Inside: the inner patterns (escapes) win over the end where they start first.
            stop, i = len(line), m.end()
            inner = [re.compile(q["match"]) for q in p.get("patterns", [])]
            while i <= len(line):
                end = re.compile(p["end"]).search(line, i)
                skip = [x for x in (r.search(line, i) for r in inner) if x]
                first = min(skip, key=lambda x: x.start()) if skip else None
                if first and end and first.start() < end.start():
                    i = first.end()
                    continue
                stop = end.end() if end else len(line)
                break
            out.append((line[m.start():stop], p["name"]))
            pos = stop
            continue
        if "captures" in p:
            for i, cap in p["captures"].items():
                out.append((m.group(int(i)), cap["name"]))
        else:
            out.append((m.group(0), p["name"]))
        pos = max(m.end(), pos + 1)
    return dict(out)


def test_grammar_scopes_a_sample():
    s = scopes('rule jp-military:  # the ban')
    assert s["rule"] == "keyword.declaration.licit"
    assert s["jp-military"] == "entity.name.function.licit"
    assert s["# the ban"] == "comment.line.number-sign.licit"
    s = scopes('  deny dual-use to JP since 2026-01-06 because "a \\"quoted\\" reason"')
    assert s["deny"] == "support.constant.effect.licit"
    assert s["JP"] == "constant.other.country.licit"
    assert s["2026-01-06"] == "constant.numeric.date.licit"
    assert s['"a \\"quoted\\" reason"'] == "string.quoted.double.licit"
    assert s["dual-use"] == "variable.other.licit"
    s = scopes("  when value <= 3000 USD and not has(item.tags)")
    assert s["3000 USD"] == "constant.numeric.money.licit"
    assert s["not"] == "keyword.operator.word.licit"
