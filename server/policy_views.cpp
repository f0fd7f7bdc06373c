#include "server/policy_views.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace licit::server {

namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A document the authoring Workspace completes in, to ask it for the words of the language and the
// country codes it offers an editor (the language's own lists, not copies of them here).
constexpr std::string_view kProbeDocument = "policy playground.probe\n\nrule probe: \nlet x = \n";
constexpr std::string_view kProbePath = "playground-probe.licit";

std::vector<licit::CompletionItem> CompletionsAt(licit::Workspace& workspace,
                                                 std::string_view after) {
  const size_t at = kProbeDocument.find(after);
  return workspace.completions(std::string(kProbePath), static_cast<uint32_t>(at + after.size()));
}

// Every country code with its name ("JP", "Japan"), in the order the language lists them.
const Json& Countries() {
  static const Json countries = [] {
    licit::Workspace workspace;
    workspace.set_document(std::string(kProbePath), std::string(kProbeDocument));
    Json out = Json::array();
    constexpr std::string_view kDetail = "country ";
    for (const licit::CompletionItem& c : CompletionsAt(workspace, "let x = ")) {
      if (c.kind != "country") continue;
      std::string name = c.detail.rfind(kDetail, 0) == 0 ? c.detail.substr(kDetail.size()) : "";
      out.push_back(Json{{"code", c.label}, {"name", name}});
    }
    return out;
  }();
  return countries;
}

// The language's keywords (declarations, clauses, effects), for highlighting.
const Json& Keywords() {
  static const Json keywords = [] {
    licit::Workspace workspace;
    workspace.set_document(std::string(kProbePath), std::string(kProbeDocument));
    std::set<std::string> words;
    for (std::string_view after : {std::string_view("probe\n\n"), std::string_view("rule probe: "),
                                   std::string_view("let x = ")}) {
      for (const licit::CompletionItem& c : CompletionsAt(workspace, after)) {
        if (c.kind == "keyword" || c.kind == "effect") words.insert(c.label);
      }
    }
    return Json(words);
  }();
  return keywords;
}

// UTF-16 offsets (how JavaScript indexes a string) of every byte offset of a UTF-8 text: the
// page slices the text it shows by declaration spans.
std::vector<uint32_t> Utf16Offsets(std::string_view text) {
  std::vector<uint32_t> at(text.size() + 1, 0);
  uint32_t units = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    at[i] = units;
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80) units += byte >= 0xF0 ? 2 : 1;  // a lead byte starts a code point
  }
  at[text.size()] = units;
  return at;
}

bool IsDate(std::string_view s) {
  if (s.size() < 10) return false;
  for (size_t i = 0; i < 10; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return s.size() == 10 || !std::isalnum(static_cast<unsigned char>(s[10]));
}

// The dates a rule, exception or suspension is in force between: the date after its `since` (a
// suspension's `from`) and after its `until`. The public API names a declaration's span but not
// its dates, so they are read from its text, skipping comments and strings (a reason may well
// say "since 2020"). A date given by a name rather than a literal is not found: null.
struct InForce {
  std::optional<std::string> since, until;
};
InForce DatesOf(std::string_view text) {
  InForce dates;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      const size_t start = i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '_' || text[i] == '-')) {
        ++i;
      }
      const std::string_view word = text.substr(start, i - start);
      std::optional<std::string>* slot = nullptr;
      if (word == "since" || word == "from") slot = &dates.since;
      if (word == "until") slot = &dates.until;
      if (!slot || *slot) continue;
      size_t value = i;
      while (value < text.size() && std::isspace(static_cast<unsigned char>(text[value]))) ++value;
      if (IsDate(text.substr(value))) *slot = std::string(text.substr(value, 10));
    } else {
      ++i;
    }
  }
  return dates;
}

Json OrNull(const std::optional<std::string>& value) { return value ? Json(*value) : Json(); }

bool IsPolicyFile(const std::string& path) {
  return path.size() > 6 && path.compare(path.size() - 6, 6, ".licit") == 0;
}

}  // namespace

void PolicyViews::Follow(const std::string& digest) {
  if (digest_ == digest) return;
  digest_ = digest;
  schema_.clear();
  source_.clear();
}

std::string PolicyViews::SchemaJson(const licit::Policy& policy) {
  std::lock_guard<std::mutex> lock(mutex_);
  Follow(policy.digest());
  if (schema_.empty()) {
    Json fields = Json::array();
    for (const licit::FieldInfo& f : policy.fields()) {
      fields.push_back(Json{{"path", f.path}, {"type", f.type}, {"optional", f.optional}});
    }
    schema_ = Dump(Json{{"digest", policy.digest()},
                        {"input_type", policy.input_type()},
                        {"fields", std::move(fields)},
                        {"countries", Countries()}});
  }
  return schema_;
}

std::string PolicyViews::SourceJson(const licit::Policy& policy) {
  std::lock_guard<std::mutex> lock(mutex_);
  Follow(policy.digest());
  if (!source_.empty()) return source_;

  Json policies = Json::array();
  std::set<std::string> roots;
  for (const licit::PolicyInfo& p : policy.policies()) {
    roots.insert(p.file);
    policies.push_back(Json{
        {"name", p.name}, {"version", OrNull(p.version)}, {"file", p.file}, {"rules", p.rules}});
  }

  // The outline of each policy file as served: the Workspace reads the texts the policy was
  // compiled from (not the files on disk now, which may have changed since).
  const std::vector<std::pair<std::string, std::string>> sources = policy.sources();
  licit::Workspace workspace;
  for (const auto& [path, text] : sources) {
    if (IsPolicyFile(path) && !licit::Workspace::stdlib_text(path)) {
      workspace.set_document(path, text);
    }
  }
  Json files = Json::array();
  Json lists = Json::array();
  for (const auto& [path, text] : sources) {
    if (!IsPolicyFile(path)) {
      lists.push_back(path);  // a screening list: data, not policy text
      continue;
    }
    const bool standard = licit::Workspace::stdlib_text(path) != nullptr;
    Json declarations = Json::array();
    if (!standard) {
      const std::vector<uint32_t> utf16 = Utf16Offsets(text);
      auto offset = [&](uint32_t byte) { return utf16[std::min<size_t>(byte, text.size())]; };
      for (const licit::DocumentSymbol& s : workspace.symbols(path)) {
        if (s.span.path.empty() || s.span.end > text.size()) continue;
        Json d{{"kind", s.kind},
               {"name", s.name},
               {"detail", s.detail},
               {"begin", offset(s.span.begin)},
               {"end", offset(s.span.end)},
               {"name_begin", offset(s.name_span.begin)},
               {"name_end", offset(s.name_span.end)}};
        if (s.kind == "rule" || s.kind == "exception" || s.kind == "suspension") {
          InForce dates =
              DatesOf(std::string_view(text).substr(s.span.begin, s.span.end - s.span.begin));
          d["since"] = OrNull(dates.since);
          d["until"] = OrNull(dates.until);
        }
        declarations.push_back(std::move(d));
      }
    }
    files.push_back(Json{{"path", path},
                         {"root", roots.count(path) > 0},
                         {"standard", standard},
                         {"text", text},
                         {"declarations", std::move(declarations)}});
  }
  source_ = Dump(Json{{"digest", policy.digest()},
                      {"policies", std::move(policies)},
                      {"files", std::move(files)},
                      {"lists", std::move(lists)},
                      {"keywords", Keywords()}});
  return source_;
}

}  // namespace licit::server
