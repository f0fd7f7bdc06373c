#include "tools/licit/repl/repl.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include <fmt/format.h>

#include "tools/licit/repl/input.h"

namespace licit::repl {
namespace {

constexpr const char* kRed = "31";
constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";
constexpr const char* kMagenta = "35";
constexpr const char* kCyan = "36";
constexpr const char* kBold = "1";
constexpr const char* kDim = "2";

const char* EffectColor(Effect e) {
  switch (e) {
    case Effect::Deny: return kRed;
    case Effect::License: return kYellow;
    case Effect::Review: return kMagenta;
    case Effect::Exempt: return kCyan;
    case Effect::Allow: return kGreen;
    case Effect::Error: return kRed;
  }
  return kBold;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

struct CommandInfo {
  const char* name;
  const char* args;
  const char* summary;
};

constexpr CommandInfo kCommands[] = {
    {":explain", "", "why the last record got its decision: every rule and exception"},
    {":rules", "", "the rules and exceptions in force, with where they are defined"},
    {":show", "NAME", "the source of a declaration (rule, class, group, let, record, ...)"},
    {":load", "FILE...", "load policy files (their declarations join the session)"},
    {":reload", "", "re-read the loaded files after editing them elsewhere"},
    {":test", "", "run the policies' test blocks"},
    {":as-of", "[DATE|off]", "judge records at DATE instead of their own date (:date too)"},
    {":engine", "[interp|jit]", "show or switch the engine that decides"},
    {":save", "FILE", "write the definitions typed in this session to FILE"},
    {":help", "", "this help"},
    {":quit", "", "leave (Ctrl-D too)"},
};

}  // namespace

Repl::Repl(Session& session, ReplOptions options) : session_(session), options_(options) {}

const std::vector<std::string>& Repl::CommandNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const CommandInfo& c : kCommands) out.emplace_back(c.name);
    out.emplace_back(":date");
    std::sort(out.begin(), out.end());
    return out;
  }();
  return names;
}

std::string Repl::Paint(std::string_view text, const char* sgr) const {
  if (!options_.color) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

std::string Repl::Handle(std::string_view input) {
  try {
    if (input.size() > kMaxInputBytes) {
      return fmt::format(
          "error: this input is {} bytes, over the REPL's limit of {} bytes; put it in a file "
          "and :load it\n",
          input.size(), kMaxInputBytes);
    }
    switch (Classify(input)) {
      case InputKind::Empty: return "";
      case InputKind::Command: return Command(Trim(input));
      case InputKind::Definition: return Definition(input);
      case InputKind::Record: return RecordInput(input);
      case InputKind::Expression: return Expression(input);
    }
  } catch (const std::bad_alloc&) {
    return "error: out of memory handling this input; the session is unchanged\n";
  } catch (const std::exception& e) {
    return fmt::format("internal error: {}; the session is unchanged\n", e.what());
  }
  return "";
}

std::string Repl::Result(const SessionResult& r) const {
  std::string out = r.diagnostics;
  if (r.ok) {
    if (!r.message.empty()) out += Paint(r.message, kDim) + "\n";
  } else {
    if (!r.message.empty()) out += Paint("error: ", kRed) + r.message + "\n";
  }
  return out;
}

std::string Repl::Definition(std::string_view input) {
  SessionResult r = session_.define(input);
  std::string out = Result(r);
  if (!r.ok && r.message.empty())
    out += "(nothing changed: the previous definitions stay in force)\n";
  return out;
}

std::string Repl::RenderDecision(const Decision& d) const {
  std::string out = Paint(d.effect_name(), d.is_error() ? kRed : EffectColor(d.effect()));
  std::vector<std::string> about;
  if (auto id = d.id()) about.push_back("record " + *id);
  if (auto date = d.date()) about.push_back("judged " + *date);
  if (!about.empty()) {
    out += "  (";
    for (size_t i = 0; i < about.size(); ++i) out += (i ? ", " : "") + about[i];
    out += ")";
  }
  out += "\n";
  if (d.is_error()) {
    out += "  " + d.error() + "\n";
    if (d.error_kind() == ErrorKind::Date) {
      out += "  (give the record a `date`, or judge at a date with :as-of DATE)\n";
    }
    return out;
  }
  for (const RuleHit& h : d.rules()) {
    std::string line = fmt::format("  {:<8} {}", effect_name(h.effect), h.rule);
    if (h.license) line += fmt::format(" (licence \"{}\")", *h.license);
    if (h.because) line += "  " + *h.because;
    out += line + "\n";
  }
  for (const Waiver& w : d.waived()) {
    out += fmt::format("  waived   {} by exception {}\n", w.rule, w.exception);
  }
  for (const Unknown& u : d.unknowns()) {
    out += fmt::format("  unknown  {}: {}\n", u.rule, u.reason);
  }
  for (const ListedParty& m : d.matches()) {
    std::string alias = m.matched == m.entry ? "" : fmt::format("alias \"{}\", ", m.matched);
    out += fmt::format("  listed   {}: {} \"{}\" ~ \"{}\" ({}{:.2f}, {} row {})\n", m.rule, m.party,
                       m.name, m.entry, alias, m.score, m.list, m.row);
  }
  std::vector<std::string> licences = d.licenses();
  if (!licences.empty()) {
    out += "  licences:";
    for (size_t i = 0; i < licences.size(); ++i) out += (i ? ", " : " ") + licences[i];
    out += "\n";
  }
  if (d.rule_count() == 0) {
    out += d.effect() == Effect::Allow ? "  no rule applies\n"
                                       : "  no rule applies: the policy's default\n";
  }
  return out;
}

std::string Repl::RecordInput(std::string_view input) {
  SessionRecord r = session_.enter_record(input);
  if (!r.ok) return r.diagnostics + "(not judged: the previous record stays current)\n";
  return RenderDecision(r.decision);
}

std::string Repl::Expression(std::string_view input) {
  SessionValue v = session_.evaluate(input);
  if (!v.ok) return v.diagnostics;
  std::string out = Paint(v.value, v.known ? kBold : kMagenta) + " : " + Paint(v.type, kCyan);
  if (!v.known && !v.unknown_reason.empty()) out += "  (" + v.unknown_reason + ")";
  // A possible match's reason already names the entry; a true or false says it here.
  if (v.known && !v.note.empty()) out += "  (" + v.note + ")";
  return out + "\n";
}

std::string Repl::Help() const {
  std::string out =
      "Type a record literal to see its decision, an expression to see its value and type\n"
      "(judged against the last record), or a declaration (let, class, group, rule, exception,\n"
      "suspend, default, test) to add or replace it. An indented line or an open bracket\n"
      "continues the input; an empty line ends it.\n\n"
      "  {destination: JP, date: 2026-03-01, item: {hs: \"2805.30\"}}\n"
      "  destination in EU\n"
      "  class military = has(end_user) and end_user.kind == \"military\"\n\n"
      "Commands:\n";
  for (const CommandInfo& c : kCommands) {
    out +=
        fmt::format("  {:<22}{}\n", std::string(c.name) + (*c.args ? " " : "") + c.args, c.summary);
  }
  out += "\nTab completes commands, names, fields and country codes.\n";
  return out;
}

std::string Repl::Command(std::string_view input) {
  std::vector<std::string> words = Words(input);
  std::string name = words.empty() ? ":" : words[0];
  std::vector<std::string> args(words.begin() + (words.empty() ? 0 : 1), words.end());
  // A unique prefix names a command (`:ex` is `:explain`).
  if (std::find(CommandNames().begin(), CommandNames().end(), name) == CommandNames().end()) {
    std::vector<std::string> matches;
    for (const std::string& c : CommandNames()) {
      if (c.starts_with(name) && name.size() > 1) matches.push_back(c);
    }
    if (matches.size() == 1) {
      name = matches[0];
    } else if (matches.size() > 1) {
      std::string list;
      for (const std::string& m : matches) list += (list.empty() ? "" : ", ") + m;
      return fmt::format("error: `{}` is ambiguous: {}\n", name, list);
    } else {
      return fmt::format("error: unknown command `{}` (:help lists them)\n", name);
    }
  }
  auto no_args = [&]() -> std::string {
    return args.empty() ? "" : fmt::format("error: {} takes no arguments\n", name);
  };
  if (name == ":quit") {
    quit_ = true;
    return "";
  }
  if (name == ":help") return Help();
  if (name == ":explain") {
    if (auto e = no_args(); !e.empty()) return e;
    if (!session_.has_record()) return "error: no record yet: type one, e.g. {destination: JP}\n";
    return session_.explain().to_text();
  }
  if (name == ":rules") {
    if (auto e = no_args(); !e.empty()) return e;
    std::string out;
    for (const DeclarationInfo& d : session_.declarations()) {
      if (d.kind != "rule" && d.kind != "exception") continue;
      out += fmt::format("{:<10}{:<40} {}\n", d.kind, d.name, d.at);
    }
    return out.empty() ? "no rules yet\n" : out;
  }
  if (name == ":show") {
    if (args.size() != 1) return "error: usage: :show NAME\n";
    auto d = session_.find(args[0]);
    if (!d) return fmt::format("error: nothing named `{}` is declared\n", args[0]);
    return Paint(fmt::format("# {} {} ({}, {})", d->kind, d->name, d->policy, d->at), kDim) + "\n" +
           d->source + "\n";
  }
  if (name == ":load") {
    if (args.empty()) return "error: usage: :load FILE...\n";
    return Result(session_.load(args));
  }
  if (name == ":reload") {
    if (auto e = no_args(); !e.empty()) return e;
    return Result(session_.reload());
  }
  if (name == ":test") {
    if (auto e = no_args(); !e.empty()) return e;
    return session_.run_tests().to_text(options_.color);
  }
  if (name == ":as-of" || name == ":date") {
    if (args.empty()) {
      auto d = session_.as_of();
      return d ? fmt::format("judging at {}\n", *d) : "judging at each record's own date\n";
    }
    if (args.size() != 1) return fmt::format("error: usage: {} [DATE|off]\n", name);
    if (args[0] == "off") {
      session_.set_as_of(std::nullopt);
      return "judging at each record's own date\n";
    }
    std::string error;
    if (!session_.set_as_of(args[0], &error)) return "error: " + error + "\n";
    std::string out = fmt::format("judging at {}\n", args[0]);
    if (session_.has_record()) out += RenderDecision(session_.decide());
    return out;
  }
  if (name == ":engine") {
    if (args.empty()) return fmt::format("engine: {}\n", engine_kind_name(session_.engine_kind()));
    if (args.size() != 1 || (args[0] != "interp" && args[0] != "jit")) {
      return "error: usage: :engine interp|jit\n";
    }
    return Result(
        session_.set_engine(args[0] == "jit" ? EngineKind::Jit : EngineKind::Interpreter));
  }
  if (name == ":save") {
    if (args.size() != 1) return "error: usage: :save FILE\n";
    std::string error;
    if (!session_.save(args[0], &error)) return "error: " + error + "\n";
    return fmt::format("saved the session's definitions to {}\n", args[0]);
  }
  return fmt::format("error: unknown command `{}`\n", name);
}

size_t Repl::WordStart(std::string_view line) {
  // A command being typed: the whole `:word` at the start of the line.
  std::string_view head = line;
  while (!head.empty() && (head.front() == ' ' || head.front() == '\t')) head.remove_prefix(1);
  if (head.starts_with(":") && head.find_first_of(" \t") == std::string_view::npos) {
    return line.size() - head.size();
  }
  size_t i = line.size();
  auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  };
  while (i > 0 && word_char(line[i - 1])) --i;
  return i;
}

std::vector<std::string> Repl::Complete(std::string_view line) const {
  std::string_view word = line.substr(WordStart(line));
  std::vector<std::string> out;
  if (word.starts_with(":")) {
    for (const std::string& c : CommandNames()) {
      if (c.starts_with(word)) out.push_back(c);
    }
    return out;
  }
  return session_.complete(word);
}

}  // namespace licit::repl
