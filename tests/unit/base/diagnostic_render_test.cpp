#include <catch2/catch.hpp>

#include "base/diagnostic.h"

namespace licit {
namespace {

// The caret row of a rendered diagnostic: the first line whose text after "| " has a '^'.
std::string CaretRow(const std::string& rendered) {
  size_t pos = 0;
  while (pos < rendered.size()) {
    size_t nl = rendered.find('\n', pos);
    std::string line = rendered.substr(pos, nl - pos);
    if (line.find('^') != std::string::npos) return line;
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return "";
}

TEST_CASE("RenderText header, location and caret", "[diagnostics]") {
  SourceManager sm;
  FileId f = sm.Add("p.licit", "policy x\nlet a = bad\n");
  DiagnosticSink sink;
  sink.Report(DiagKind::UnknownName, Span{f, 17, 20}, "unknown name `bad`")
      .Label("not declared")
      .Help("did you mean `bag`?");
  std::string text = RenderText(sm, sink.all()[0], {});
  CHECK(text ==
        "error[E0301]: unknown name `bad`\n"
        " --> p.licit:2:9\n"
        "  |\n"
        "2 | let a = bad\n"
        "  |         ^^^ not declared\n"
        "  |\n"
        "  = help: did you mean `bag`?\n");
}

TEST_CASE("Carets line up under tabs and multibyte characters", "[diagnostics]") {
  SourceManager sm;
  // A tab is shown as 4 spaces; "é" takes one column and each of "日本" two, as terminals do.
  FileId f = sm.Add("t.licit", "policy x\n\tlet é = 日本 + bad\n");
  const std::string text = sm.Get(f).text();
  uint32_t begin = static_cast<uint32_t>(text.find("bad"));
  DiagnosticSink sink;
  sink.Report(DiagKind::UnknownName, Span{f, begin, begin + 3}, "unknown name `bad`");
  std::string out = RenderText(sm, sink.all()[0], {});
  CHECK(out.find("2 |     let é = 日本 + bad\n") != std::string::npos);
  // Display columns before "bad": 4 (tab) + "let é = " (8) + "日本 + " (4 + 3) = 19.
  CHECK(CaretRow(out) == "  | " + std::string(19, ' ') + "^^^");
  // The location counts the tab as one column, as editors do.
  CHECK(out.find(" --> t.licit:2:15\n") != std::string::npos);
}

TEST_CASE("Empty spans still get one caret; secondary labels use dashes", "[diagnostics]") {
  SourceManager sm;
  FileId f = sm.Add("s.licit", "let a = 1\nlet a = 2\n");
  DiagnosticSink sink;
  sink.Report(DiagKind::DuplicateName, Span{f, 14, 15}, "`a` is declared twice")
      .Also(Span{f, 4, 5}, "first declared here");
  std::string out = RenderText(sm, sink.all()[0], {});
  CHECK(out.find("2 | let a = 2\n  |     ^\n") != std::string::npos);
  CHECK(out.find("1 | let a = 1\n  |     - first declared here\n") != std::string::npos);

  DiagnosticSink empty;
  empty.Report(DiagKind::SyntaxError, Span{f, 9, 9}, "expected an expression");
  CHECK(CaretRow(RenderText(sm, empty.all()[0], {})) == "  |          ^");
}

TEST_CASE("Colour adds ANSI escapes only when asked", "[diagnostics]") {
  SourceManager sm;
  FileId f = sm.Add("c.licit", "x\n");
  DiagnosticSink sink;
  sink.Report(DiagKind::UnknownName, Span{f, 0, 1}, "unknown name `x`");
  CHECK(RenderText(sm, sink.all()[0], {false}).find('\x1b') == std::string::npos);
  CHECK(RenderText(sm, sink.all()[0], {true}).find("\x1b[") != std::string::npos);
}

TEST_CASE("RenderAllText ends with a summary", "[diagnostics]") {
  SourceManager sm;
  FileId f = sm.Add("a.licit", "abc\n");
  DiagnosticSink sink;
  CHECK(RenderAllText(sm, sink.all(), {}).empty());
  sink.Report(DiagKind::UnknownName, Span{f, 0, 1}, "one");
  CHECK(RenderAllText(sm, sink.all(), {}).ends_with("\n1 error found\n"));
  sink.Report(DiagKind::UnknownName, Span{f, 1, 2}, "two");
  sink.Report(DiagKind::Unused, Span{f, 2, 3}, "three");
  CHECK(sink.error_count() == 2);
  CHECK(sink.warning_count() == 1);
  CHECK(RenderAllText(sm, sink.all(), {}).ends_with("\n2 errors and 1 warning found\n"));
}

TEST_CASE("RenderJson shape", "[diagnostics]") {
  SourceManager sm;
  FileId f = sm.Add("j.licit", "policy x\n\tlet \"q\" = bad\n");
  DiagnosticSink sink;
  CHECK(RenderJson(sm, sink.all()) == "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n");
  sink.Report(DiagKind::UnknownName, Span{f, 19, 22}, "unknown name `bad`").Help("try \"bag\"");
  sink.Report(DiagKind::Unused, Span{}, "unused");
  std::string json = RenderJson(sm, sink.all());
  CHECK(json ==
        "{\"diagnostics\":["
        "{\"code\":\"E0301\",\"kind\":\"UnknownName\",\"severity\":\"error\","
        "\"message\":\"unknown name `bad`\","
        "\"span\":{\"file\":\"j.licit\",\"line\":2,\"column\":11,\"end_line\":2,"
        "\"end_column\":14,\"offset\":19,\"length\":3},"
        "\"label\":null,\"secondary\":[],\"help\":[\"try \\\"bag\\\"\"],\"notes\":[]},"
        "{\"code\":\"W0001\",\"kind\":\"Unused\",\"severity\":\"warning\",\"message\":\"unused\","
        "\"span\":null,\"label\":null,\"secondary\":[],\"help\":[],\"notes\":[]}"
        "],\"errors\":1,\"warnings\":1}\n");
}

TEST_CASE("JsonQuote escapes control characters", "[diagnostics]") {
  CHECK(JsonQuote("a\"b\\c\n\t\x01") == "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  CHECK(JsonQuote("日本") == "\"日本\"");
}

TEST_CASE("Every diagnostic kind has a code and a title", "[diagnostics]") {
  for (DiagKind k : AllDiagKinds()) {
    const DiagKindInfo& info = InfoOf(k);
    CHECK(info.code.size() == 5);
    CHECK_FALSE(info.title.empty());
    CHECK((info.code[0] == 'E') == (info.severity == Severity::Error));
  }
}

}  // namespace
}  // namespace licit
