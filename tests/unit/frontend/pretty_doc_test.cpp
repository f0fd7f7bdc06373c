// The formatter's layout algorithm (frontend/syntax/pretty_doc.h) on small documents.

#include "frontend/syntax/pretty_doc.h"

#include <catch2/catch.hpp>

using licit::syntax::pretty::DocBuilder;
using licit::syntax::pretty::DocId;

namespace {

// "[a, b, c]" as a group whose items are one indent deeper when broken.
DocId Bracketed(DocBuilder& d, std::vector<std::string> items) {
  std::vector<DocId> cells;
  for (size_t i = 0; i < items.size(); ++i) {
    cells.push_back(d.Text(items[i] + (i + 1 < items.size() ? "," : "")));
  }
  return d.Group(d.Concat({d.Text("["), d.Nest(2, d.Concat({d.SoftLine(), d.Fill(cells)})),
                           d.IfBreak(d.Glue(","), d.Empty()), d.SoftLine(), d.Text("]")}));
}

}  // namespace

TEST_CASE("pretty: a group is flat when it fits and broken when it does not", "[pretty]") {
  DocBuilder d;
  DocId doc = Bracketed(d, {"aaa", "bbb", "ccc"});
  CHECK(d.Render(doc, 15) == "[aaa, bbb, ccc]\n");
  CHECK(d.Render(doc, 14) == "[\n  aaa, bbb,\n  ccc,\n]\n");
}

TEST_CASE("pretty: a fill packs as many items per line as fit", "[pretty]") {
  DocBuilder d;
  DocId doc = Bracketed(d, {"a1", "a2", "a3", "a4", "a5", "a6", "a7"});
  CHECK(d.Render(doc, 13) == "[\n  a1, a2, a3,\n  a4, a5, a6,\n  a7,\n]\n");
}

TEST_CASE("pretty: a hard line breaks every group around it", "[pretty]") {
  DocBuilder d;
  DocId doc = d.Group(d.Concat({d.Text("a"), d.Nest(2, d.Concat({d.Line(), d.Text("b")})),
                                d.Nest(2, d.Concat({d.HardLine(), d.Text("c")}))}));
  CHECK(d.Render(doc, 80) == "a\n  b\n  c\n");
}

TEST_CASE("pretty: a line suffix is printed before the next newline, never before code",
          "[pretty]") {
  DocBuilder d;
  // Code after a comment cannot share its line: the group breaks.
  DocId doc = d.Group(d.Concat({d.Text("a"), d.LineSuffix("  # note"), d.Line(), d.Text("b")}));
  CHECK(d.Render(doc, 80) == "a  # note\nb\n");
  // Glue (a trailing comma) goes before the comment; a group whose comment ends it stays flat.
  DocBuilder e;
  DocId doc2 = e.Concat({e.Group(e.Concat({e.Text("x"), e.LineSuffix("  # c"), e.Glue(",")})),
                         e.HardLine(), e.Text("y")});
  CHECK(e.Render(doc2, 80) == "x,  # c\ny\n");
}

TEST_CASE("pretty: blank lines collapse, lines carry no trailing spaces", "[pretty]") {
  DocBuilder d;
  DocId doc = d.Concat({d.Text("a "), d.BlankLine(), d.BlankLine(), d.HardLine(), d.Text("b"),
                        d.Nest(4, d.HardLine()), d.HardLine()});
  CHECK(d.Render(doc, 80) == "a\n\nb\n");
}
