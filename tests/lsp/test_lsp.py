"""`licit lsp` conversation tests: a real server process driven by a scripted client
(lsp_client.py). Run by ctest (tests/lsp/CMakeLists.txt) with LICIT pointing at the binary."""

import os
import pathlib
import shutil
import tempfile

import pytest

from lsp_client import LspClient

LICIT = os.environ.get("LICIT", "build/dev/licit")

MAIN = """policy acme.main
import std.trade
import "shared.licit"

class listed = has(item.eccn) and item.eccn under listed_codes

rule jp-military:
  deny listed to JP
  when end_use == "military"
  because "no military end use (MOFCOM Announcement No. 1 of 2026, clause 1)"

test "military to JP is denied" {
  given {id: "t1", date: 2026-03-01, destination: JP, end_use: "military", item: {eccn: "3A001"}}
  expect deny by jp-military
}
"""

SHARED = """policy acme.shared
let listed_codes = ["3A001", "3A002"]
"""


@pytest.fixture
def workspace():
    d = pathlib.Path(tempfile.mkdtemp(prefix="licit-lsp-"))
    (d / "main.licit").write_text(MAIN)
    (d / "shared.licit").write_text(SHARED)
    yield d
    shutil.rmtree(d)


@pytest.fixture
def client(workspace):
    c = LspClient(LICIT, str(workspace))
    yield c
    c.close()
    assert c.garbage == [], "stdout carried something that is not a protocol message"


def uri(path):
    return pathlib.Path(path).resolve().as_uri()


def pos(text, needle, delta=0):
    """The LSP position of `needle`'s first occurrence in `text` (plus `delta` characters)."""
    i = text.index(needle) + delta
    line = text.count("\n", 0, i)
    return {"line": line, "character": i - (text.rfind("\n", 0, i) + 1)}


def open_doc(client, path, text):
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(path), "languageId": "licit", "version": 1, "text": text}})


def test_conversation(client, workspace):
    init = client.initialize()
    caps = init["result"]["capabilities"]
    for c in ["hoverProvider", "definitionProvider", "referencesProvider", "renameProvider",
              "documentFormattingProvider", "documentSymbolProvider", "codeLensProvider"]:
        assert caps[c]
    assert caps["positionEncoding"] == "utf-16"
    main = workspace / "main.licit"
    u = uri(main)

    # didOpen with an error: a diagnostic with its code and range.
    broken = MAIN.replace('destination: JP, end_use', 'destination: UK, end_use')
    open_doc(client, main, broken)
    diags = client.diagnostics(u, predicate=lambda d: len(d) > 0)
    unknown = [d for d in diags if d["code"] == "E0305"]
    assert unknown, diags
    assert unknown[0]["range"]["start"] == pos(broken, "UK, end_use")
    assert unknown[0]["severity"] == 1
    assert "GB" in unknown[0]["message"]  # the did-you-mean help
    # The link to the code's entry in docs/diagnostics.md (found beside the executable).
    href = unknown[0]["codeDescription"]["href"]
    assert href.startswith("file://") and href.endswith(
        "docs/diagnostics.md#e0305-unknowncountry-unknown-country-code"), href

    # didChange fixing it: the diagnostics are cleared.
    client.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2},
                                             "contentChanges": [{"text": MAIN}]})
    assert client.diagnostics(u, predicate=lambda d: d == []) == []

    # Hover on a field, a country and a rule.
    h = client.call("textDocument/hover", {"textDocument": {"uri": u},
                                           "position": pos(MAIN, "eccn) and", 1)})["result"]
    assert "item.eccn: code?" in h["contents"]["value"]
    h = client.call("textDocument/hover", {"textDocument": {"uri": u},
                                           "position": pos(MAIN, "JP\n")})["result"]
    assert "`JP` (Japan)" in h["contents"]["value"]
    h = client.call("textDocument/hover", {"textDocument": {"uri": u},
                                           "position": pos(MAIN, "by jp-military", 5)})["result"]
    assert "rule `jp-military`" in h["contents"]["value"]
    assert "no military end use" in h["contents"]["value"]

    # Completion after `item.`.
    text = MAIN.replace('when end_use == "military"', 'when item.')
    client.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 3},
                                             "contentChanges": [{"text": text}]})
    c = client.call("textDocument/completion", {"textDocument": {"uri": u},
                                                "position": pos(text, "item.\n", 5)})["result"]
    labels = {i["label"] for i in c["items"]}
    assert {"eccn", "hs", "tags", "origin"} <= labels, labels
    client.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 4},
                                             "contentChanges": [{"text": MAIN}]})

    # Definition across an import.
    d = client.call("textDocument/definition", {"textDocument": {"uri": u},
                                                "position": pos(MAIN, "listed_codes")})["result"]
    assert len(d) == 1 and d[0]["uri"] == uri(workspace / "shared.licit"), d
    assert d[0]["range"]["start"] == pos(SHARED, "listed_codes")
    # ... and into the standard library (a read-only copy of the embedded source).
    d = client.call("textDocument/definition", {"textDocument": {"uri": u},
                                                "position": pos(MAIN, "std.trade", 4)})["result"]
    assert d and d[0]["uri"].endswith("stdlib/std/trade.licit"), d

    # References and the outline.
    r = client.call("textDocument/references", {
        "textDocument": {"uri": u}, "position": pos(MAIN, "listed to JP"),
        "context": {"includeDeclaration": True}})["result"]
    assert len(r) == 2, r
    s = client.call("textDocument/documentSymbol", {"textDocument": {"uri": u}})["result"]
    names = [x["name"] for x in s]
    assert names == ["acme.main", "listed", "jp-military", 'test "military to JP is denied"'], names

    # Formatting: the whole document replaced by `licit fmt`'s layout.
    messy = MAIN.replace("class listed = has(item.eccn)", "class   listed=has( item.eccn )")
    client.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 5},
                                             "contentChanges": [{"text": messy}]})
    f = client.call("textDocument/formatting", {"textDocument": {"uri": u},
                                                "options": {"tabSize": 2, "insertSpaces": True}})
    assert f["result"][0]["newText"] == MAIN
    client.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 6},
                                             "contentChanges": [{"text": MAIN}]})

    # Rename: the declaration and every use.
    e = client.call("textDocument/rename", {"textDocument": {"uri": u},
                                            "position": pos(MAIN, "jp-military:"),
                                            "newName": "jp-mil"})["result"]
    edits = e["changes"][u]
    assert len(edits) == 2 and all(x["newText"] == "jp-mil" for x in edits), edits
    bad = client.call("textDocument/rename", {"textDocument": {"uri": u},
                                              "position": pos(MAIN, "jp-military:"),
                                              "newName": "JP"})
    assert "error" in bad

    # Code lenses run the tests; a failing test becomes a diagnostic on it.
    lenses = client.call("textDocument/codeLens", {"textDocument": {"uri": u}})["result"]
    titles = sorted(l["command"]["title"] for l in lenses)
    assert titles == ["run all 1 tests", "run test"], titles
    failing = MAIN.replace("expect deny by jp-military", "expect allow")
    client.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 7},
                                             "contentChanges": [{"text": failing}]})
    run = client.call("workspace/executeCommand", {"command": "licit.runTests",
                                                   "arguments": [u]})["result"]
    assert run["failed"] == 1 and run["passed"] == 0, run
    diags = client.diagnostics(u, predicate=lambda d: any(x["code"] == "test" for x in d))
    assert "expected allow, got deny by jp-military" in diags[0]["message"]

    answer, code = client.shutdown()
    assert answer["result"] is None
    assert code == 0


def test_diagnostics_follow_imports(client, workspace):
    client.initialize()
    main, shared = workspace / "main.licit", workspace / "shared.licit"
    open_doc(client, main, MAIN)
    open_doc(client, shared, SHARED)
    assert client.diagnostics(uri(main)) == []
    # Breaking the imported file re-checks the file importing it.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri(shared), "version": 2},
                                             "contentChanges": [{"text": "policy acme.shared\n"}]})
    diags = client.diagnostics(uri(main), predicate=lambda d: len(d) > 0)
    assert any("listed_codes" in d["message"] for d in diags), diags


def test_list_file_problems_show_on_the_list_declaration(client, workspace):
    # A restricted-party list's errors are in a CSV the editor has no Licit document for: they
    # are shown on the policy's `list` declaration, with the CSV's line and column.
    client.initialize()
    (workspace / "parties.csv").write_text("id,name,country\nP1,Acme Optics,XZ\n")
    text = ('policy acme.lists\nimport std.trade\nlist parties = "parties.csv"\n'
            "rule listed:\n  deny to any\n  when end_user matches parties\n")
    path = workspace / "lists.licit"
    path.write_text(text)
    open_doc(client, path, text)
    diags = client.diagnostics(uri(path), predicate=lambda d: len(d) > 0)
    assert [d["code"] for d in diags] == ["E0606"], diags
    assert "parties.csv:2:16: unknown country code `XZ`" in diags[0]["message"], diags
    assert diags[0]["range"]["start"] == pos(text, "parties.csv")
    assert diags[0]["relatedInformation"][0]["location"]["uri"] == uri(workspace / "parties.csv")


def test_bad_input_never_stops_the_server(client, workspace):
    client.initialize()
    # Not JSON; JSON but not an object; a request without a method; an unknown method; wrong
    # parameter types; a header without Content-Length; then a normal request still works.
    client.send_raw(b"Content-Length: 5\r\n\r\n{oops")
    assert client.wait(lambda m: m.get("error", {}).get("code") == -32700)
    client.send_raw(b"Content-Length: 2\r\n\r\n[]")
    assert client.wait(lambda m: m.get("error", {}).get("code") == -32600)
    client.send({"jsonrpc": "2.0", "id": 99})
    assert client.wait(lambda m: m.get("id") == 99)["error"]["code"] == -32600
    assert client.call("no/such/method")["error"]["code"] == -32601
    assert client.call("textDocument/hover", {"textDocument": 5})["error"]["code"] == -32602
    client.send_raw(b"X-Nothing: 1\r\n\r\n")
    # A document of any bytes gets diagnostics, not a crash.
    u = uri(workspace / "junk.licit")
    for text in ["\udcff\x00binary", "(" * 5000, "rule x: deny to " + "A" * 200000, "policy p\nrule"]:
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": u, "languageId": "licit", "version": 1,
            "text": text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")}})
        assert client.diagnostics(u, predicate=lambda d: len(d) > 0)
    # The outline of what could be recovered (the policy, a rule without its effect).
    symbols = client.call("textDocument/documentSymbol", {"textDocument": {"uri": u}})["result"]
    assert [s["name"] for s in symbols][:1] == ["p"]
    # A position that is not a whole number is refused, never converted (fuzz_lsp's first find).
    for line in [9.9e30, -1, 1.5, "3"]:
        answer = client.call("textDocument/hover", {"textDocument": {"uri": u},
                                                    "position": {"line": line, "character": 0}})
        assert answer["error"]["code"] == -32602, answer
    answer, code = client.shutdown()
    assert code == 0


def test_requests_before_initialize_and_exit_without_shutdown(workspace):
    c = LspClient(LICIT, str(workspace))
    try:
        assert c.call("textDocument/hover", {})["error"]["code"] == -32002
        c.notify("exit")
        assert c.proc.wait(timeout=20) == 1
    finally:
        c.close()
