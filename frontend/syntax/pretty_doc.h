// A small pretty-printing document algebra (after Wadler's "prettier printer" and the Prettier
// project's layout algorithm), used by the formatter (format.cpp). A document is built once as a
// tree of nodes, then laid out for a line width: a group is printed flat (its lines as spaces)
// when it fits on the rest of the line, otherwise broken (its lines as newlines); a fill packs as
// many items per line as fit. Comments that end a line are line suffixes: they are printed just
// before the next newline, and nothing but glue (a trailing comma) may follow one on its line, so
// a group in which code would follow a line suffix is broken, and the printer itself ends the
// line before any code that would.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace licit::syntax::pretty {

using DocId = uint32_t;

class DocBuilder {
 public:
  DocBuilder();

  DocId Text(std::string_view text);  // text without newlines
  DocId Glue(std::string_view text);  // text that may sit between code and its line suffix
  DocId Line();                       // a space when flat, a newline when broken
  DocId SoftLine();                   // nothing when flat, a newline when broken
  DocId HardLine();                   // always a newline; breaks every enclosing group
  DocId BlankLine();                  // always ends the line and leaves one empty line
  DocId Nest(int indent, DocId doc);  // newlines inside `doc` indent `indent` more columns
  // Flat if it fits on the line (and holds no hard line, and no code follows a line suffix in
  // it), else broken.
  DocId Group(DocId doc);
  DocId Concat(std::vector<DocId> docs);
  // Items separated by Line(): each separator is a space when the next item still fits on the
  // line, a newline otherwise (and always after a line suffix).
  DocId Fill(std::vector<DocId> items);
  DocId IfBreak(DocId broken, DocId flat);  // chosen by the enclosing group's mode
  DocId LineSuffix(std::string_view text);  // printed before the next newline
  DocId Empty();

  // Lays `root` out for `width` columns (counted in code points): no trailing whitespace, and the
  // text ends in exactly one newline unless it is empty.
  std::string Render(DocId root, int width) const;

 private:
  enum class Kind : uint8_t {
    Text,
    Glue,
    Line,
    SoftLine,
    HardLine,
    BlankLine,
    Nest,
    Group,
    Concat,
    Fill,
    IfBreak,
    LineSuffix,
  };
  struct Node {
    Kind kind;
    bool hard = false;   // holds a hard line: its groups must break
    int indent = 0;      // Nest
    uint32_t text = 0;   // index into texts_ (Text, Glue, LineSuffix)
    uint32_t first = 0;  // children: children_[first, first + count)
    uint32_t count = 0;
  };
  DocId Add(Node node, const std::vector<DocId>& children = {});

  std::vector<Node> nodes_;
  std::vector<DocId> children_;
  std::vector<std::string> texts_;

  class Printer;
};

}  // namespace licit::syntax::pretty
