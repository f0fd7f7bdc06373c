#include "frontend/syntax/pretty_doc.h"

#include <algorithm>

namespace licit::syntax::pretty {
namespace {

int CodePoints(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

DocBuilder::DocBuilder() { texts_.emplace_back(); }

DocId DocBuilder::Add(Node node, const std::vector<DocId>& children) {
  node.first = static_cast<uint32_t>(children_.size());
  node.count = static_cast<uint32_t>(children.size());
  for (DocId c : children) {
    children_.push_back(c);
    node.hard = node.hard || nodes_[c].hard;
  }
  nodes_.push_back(node);
  return static_cast<DocId>(nodes_.size() - 1);
}

DocId DocBuilder::Text(std::string_view text) {
  texts_.emplace_back(text);
  return Add(Node{Kind::Text, false, 0, static_cast<uint32_t>(texts_.size() - 1)});
}
DocId DocBuilder::Glue(std::string_view text) {
  texts_.emplace_back(text);
  return Add(Node{Kind::Glue, false, 0, static_cast<uint32_t>(texts_.size() - 1)});
}
DocId DocBuilder::Line() { return Add(Node{Kind::Line}); }
DocId DocBuilder::SoftLine() { return Add(Node{Kind::SoftLine}); }
DocId DocBuilder::HardLine() { return Add(Node{Kind::HardLine, true}); }
DocId DocBuilder::BlankLine() { return Add(Node{Kind::BlankLine, true}); }
DocId DocBuilder::Nest(int indent, DocId doc) {
  return Add(Node{Kind::Nest, false, indent}, {doc});
}
DocId DocBuilder::Group(DocId doc) { return Add(Node{Kind::Group}, {doc}); }
DocId DocBuilder::Concat(std::vector<DocId> docs) { return Add(Node{Kind::Concat}, docs); }
DocId DocBuilder::Fill(std::vector<DocId> items) { return Add(Node{Kind::Fill}, items); }
DocId DocBuilder::IfBreak(DocId broken, DocId flat) {
  // Only the chosen branch prints, so only the broken one may force a break (a group whose
  // broken form holds a hard line is still flat when its flat form fits).
  DocId id = Add(Node{Kind::IfBreak}, {broken, flat});
  nodes_[id].hard = nodes_[broken].hard && nodes_[flat].hard;
  return id;
}
DocId DocBuilder::LineSuffix(std::string_view text) {
  texts_.emplace_back(text);
  return Add(Node{Kind::LineSuffix, false, 0, static_cast<uint32_t>(texts_.size() - 1)});
}
DocId DocBuilder::Empty() { return Concat({}); }

class DocBuilder::Printer {
 public:
  Printer(const DocBuilder& b, int width) : b_(b), width_(width) {}

  std::string Run(DocId root) {
    std::vector<Cmd> stack{{0, Mode::Break, root, 0}};
    while (!stack.empty()) {
      Cmd c = stack.back();
      stack.pop_back();
      const Node& n = b_.nodes_[c.doc];
      switch (n.kind) {
        case Kind::Text:
          // Code never follows a comment on its line (the groups are laid out so that it does
          // not; this is the guarantee).
          if (!suffixes_.empty()) NewLine(c.indent);
          Write(b_.texts_[n.text]);
          break;
        case Kind::Glue: Write(b_.texts_[n.text]); break;
        case Kind::Line:
          if (c.mode == Mode::Flat) {
            Space();
          } else {
            NewLine(c.indent);
          }
          break;
        case Kind::SoftLine:
          if (c.mode == Mode::Break) NewLine(c.indent);
          break;
        case Kind::HardLine: NewLine(c.indent); break;
        case Kind::BlankLine: Blank(c.indent); break;
        case Kind::Nest: stack.push_back({c.indent + n.indent, c.mode, Child(n, 0), 0}); break;
        case Kind::Group: {
          Mode mode = Mode::Break;
          if (!n.hard) {
            Cmd flat{c.indent, Mode::Flat, Child(n, 0), 0};
            if (c.mode == Mode::Flat || Fits({flat}, &stack, width_ - Column(), false)) {
              mode = Mode::Flat;
            }
          }
          stack.push_back({c.indent, mode, Child(n, 0), 0});
          break;
        }
        case Kind::Concat:
          for (uint32_t i = n.count; i-- > 0;) stack.push_back({c.indent, c.mode, Child(n, i), 0});
          break;
        case Kind::IfBreak:
          stack.push_back({c.indent, c.mode, Child(n, c.mode == Mode::Break ? 0 : 1), 0});
          break;
        case Kind::LineSuffix: suffixes_.push_back(b_.texts_[n.text]); break;
        case Kind::Fill: FillStep(c, n, stack); break;
      }
    }
    NewLine(0);
    while (!lines_.empty() && lines_.back().empty()) lines_.pop_back();
    std::string out;
    for (const std::string& line : lines_) {
      out += line;
      out += '\n';
    }
    return out;
  }

 private:
  enum class Mode : uint8_t { Flat, Break };
  struct Cmd {
    int indent;
    Mode mode;
    DocId doc;
    uint32_t fill_pos;  // Fill: the next item to print
  };

  DocId Child(const Node& n, uint32_t i) const { return b_.children_[n.first + i]; }

  // The separator before item `fill_pos` (if it is not the first) and the item; the rest of the
  // fill goes back on the stack as a command of its own. Each separator is decided where it is
  // printed, after the item before it: a space when the next item fits on the line (with what
  // follows the fill, for the last item), a newline otherwise or after a trailing comment.
  void FillStep(const Cmd& c, const Node& n, std::vector<Cmd>& stack) {
    if (c.fill_pos >= n.count) return;
    DocId item = Child(n, c.fill_pos);
    bool last = c.fill_pos + 1 == n.count;
    if (c.fill_pos > 0) {
      if (c.mode == Mode::Flat) {
        Space();
      } else if (!suffixes_.empty() ||
                 !Fits({{c.indent, Mode::Flat, item, 0}}, last ? &stack : nullptr,
                       width_ - Column() - 1, true)) {
        NewLine(c.indent);
      } else {
        Space();
      }
    }
    Mode item_mode = c.mode;
    if (c.mode == Mode::Break) {
      item_mode =
          Fits({{c.indent, Mode::Flat, item, 0}}, last ? &stack : nullptr, width_ - Column(), true)
              ? Mode::Flat
              : Mode::Break;
    }
    if (!last) stack.push_back({c.indent, c.mode, c.doc, c.fill_pos + 1});
    stack.push_back({c.indent, item_mode, item, 0});
  }

  // Whether `cmds` (a stack: the last is printed first), printed from here, leave the line
  // within `remaining` columns before its next possible newline. The commands of `rest` (the
  // printer's stack) follow them, in their own modes, until a line where they may break. With
  // `must_be_flat`, anything holding a hard line does not fit.
  bool Fits(std::vector<Cmd> cmds, const std::vector<Cmd>* rest, int remaining,
            bool must_be_flat) const {
    size_t rest_i = rest ? rest->size() : 0;
    bool after_suffix = false;  // a line suffix is pending: code on this line cannot fit
    while (remaining >= 0) {
      if (cmds.empty()) {
        if (rest_i == 0) return true;
        cmds.push_back((*rest)[--rest_i]);
        must_be_flat = false;  // what follows is printed in its own mode
        continue;
      }
      Cmd c = cmds.back();
      cmds.pop_back();
      if (c.doc == kSeparator) {
        if (c.mode == Mode::Break) return true;
        remaining -= 1;
        continue;
      }
      const Node& n = b_.nodes_[c.doc];
      if (must_be_flat && n.hard) return false;
      switch (n.kind) {
        case Kind::Text:
          if (after_suffix) return false;
          remaining -= CodePoints(b_.texts_[n.text]);
          break;
        case Kind::Glue: remaining -= CodePoints(b_.texts_[n.text]); break;
        case Kind::Line:
          if (c.mode == Mode::Break) return true;
          remaining -= 1;
          break;
        case Kind::SoftLine:
          if (c.mode == Mode::Break) return true;
          break;
        case Kind::HardLine:
        case Kind::BlankLine: return true;
        case Kind::Nest: cmds.push_back({c.indent + n.indent, c.mode, Child(n, 0), 0}); break;
        case Kind::Group:
          cmds.push_back({c.indent, n.hard ? Mode::Break : c.mode, Child(n, 0), 0});
          break;
        case Kind::Concat:
          for (uint32_t i = n.count; i-- > 0;) cmds.push_back({c.indent, c.mode, Child(n, i), 0});
          break;
        case Kind::Fill:
          for (uint32_t i = n.count; i-- > c.fill_pos;) {
            cmds.push_back({c.indent, c.mode, Child(n, i), 0});
            // A remainder (fill_pos > 0) still owes the separator before its first item.
            if (i > 0) cmds.push_back({c.indent, c.mode, kSeparator, 0});
          }
          break;
        case Kind::IfBreak:
          cmds.push_back({c.indent, c.mode, Child(n, c.mode == Mode::Break ? 0 : 1), 0});
          break;
        case Kind::LineSuffix:
          // A trailing comment does not count against the width, but ends the line.
          after_suffix = true;
          break;
      }
    }
    return false;
  }

  int Column() const { return has_content_ ? column_ : pending_indent_; }

  void Write(std::string_view text) {
    if (text.empty()) return;
    if (!has_content_) {
      line_.assign(static_cast<size_t>(pending_indent_), ' ');
      column_ = pending_indent_;
      has_content_ = true;
    }
    line_ += text;
    column_ += CodePoints(text);
  }

  void Space() {
    if (has_content_) Write(" ");
  }

  // Ends the current line (printing pending line suffixes first); a line with nothing on it is
  // not ended twice, so a newline right after another is free.
  void NewLine(int indent) {
    if (has_content_ || !suffixes_.empty()) {
      for (const std::string& s : suffixes_) Write(s);
      suffixes_.clear();
      while (!line_.empty() && line_.back() == ' ') line_.pop_back();
      lines_.push_back(std::move(line_));
      line_.clear();
      has_content_ = false;
    }
    pending_indent_ = indent;
  }

  void Blank(int indent) {
    NewLine(indent);
    if (!lines_.empty() && !lines_.back().empty()) lines_.emplace_back();
  }

  // A pseudo-document for a fill's separator while measuring (never a real node id).
  static constexpr DocId kSeparator = UINT32_MAX;

  const DocBuilder& b_;
  int width_;
  std::vector<std::string> lines_;
  std::string line_;
  bool has_content_ = false;
  int column_ = 0;
  int pending_indent_ = 0;
  std::vector<std::string> suffixes_;
};

std::string DocBuilder::Render(DocId root, int width) const {
  return Printer(*this, width).Run(root);
}

}  // namespace licit::syntax::pretty
