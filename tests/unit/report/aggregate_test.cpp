// The report's aggregator and renderers (report/report.h): lines fed whole or in chunks count the
// same, lines that are not decisions are listed with their line numbers, records join by position
// (and by line for `licit diff --out` changes), and nothing from the data reaches the page
// unescaped.
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "report/report.h"

namespace licit::report {
namespace {

const std::string kDecisions =
    R"({"id":"A","effect":"allow","date":"2026-01-05","policy":{"name":"p","version":null},"rules":[],"waived":[],"licenses":[],"unknowns":[]})"
    "\n"
    R"({"id":"B","effect":"review","date":"2026-02-01","policy":{"name":"p","version":"2"},"rules":[{"rule":"r1","effect":"review"},{"rule":"r1","effect":"review"}],"licenses":[],"unknowns":[{"rule":"r1","reason":"item.hs is missing"}]})"
    "\n\n"
    R"({"line":4,"id":"C","effect":"error","error":"line 4: malformed JSON"})"
    "\n"
    "not json\n"
    R"({"id":"D","effect":"license","date":"2026-02-11","rules":[{"rule":"r2","effect":"license"}],"licenses":["L <1>"],"unknowns":[]})"
    "\n";

Aggregates ByLines(const std::string& text, std::istream* records = nullptr) {
  ReportAggregator aggregator;
  if (records) aggregator.JoinRecords(*records);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) aggregator.AddLine(line);
  return aggregator.Finish();
}

TEST_CASE("decisions counted by effect, month, rule and unknown field") {
  Aggregates a = ByLines(kDecisions);
  CHECK(a.decisions == 4);
  CHECK(a.effects[0] == 0);  // deny
  CHECK(a.effects[1] == 1);  // license
  CHECK(a.effects[2] == 1);  // review
  CHECK(a.effects[4] == 1);  // allow
  CHECK(a.effects[5] == 1);  // error
  CHECK(a.unreadable == 1);
  CHECK(a.months.size() == 2);
  CHECK(a.months.at("2026-02")[2] == 1);
  CHECK(a.undated == 1);  // the error decision
  REQUIRE(a.rules.rows.size() == 2);
  CHECK(a.rules.rows[0].total == 1);  // r1 named twice in one decision counts once
  REQUIRE(a.unknowns.size() == 1);
  CHECK(a.unknowns[0].field == "item.hs");
  CHECK(a.unknowns[0].in_review == 1);
  REQUIRE(a.errors.size() == 2);
  CHECK(a.errors[0].line == 4);
  CHECK(a.errors[0].record_line == 4);
  CHECK(a.errors[1].line == 5);
  CHECK(a.errors[1].unreadable);
  CHECK(a.flagged_total == 2);  // review and license; allow and error are not flagged
}

TEST_CASE("chunks count the same as lines") {
  ReportAggregator aggregator;
  for (size_t at = 0; at < kDecisions.size();) {
    size_t end = kDecisions.find('\n', at + 150);
    end = end == std::string::npos ? kDecisions.size() : end + 1;
    aggregator.AddChunk(std::string_view(kDecisions).substr(at, end - at));
    at = end;
  }
  CHECK(RenderJson(aggregator.Finish()) == RenderJson(ByLines(kDecisions)));
}

TEST_CASE("records join by position, skipping blank lines") {
  std::istringstream records(
      "{\"date\":\"2025-12-01\",\"destination\":\"JP\",\"item\":{\"hs\":\"1\",\"cn\":\"2\"}}\n"
      "\n"
      "{\"destination\":\"US\",\"end_user\":{\"name\":\"<b>x</b>\"}}\n"
      "{}\n{}\n{\"destination\":\"CN\",\"control_code\":\"EAR99\"}\n");
  Aggregates a = ByLines(kDecisions, &records);
  CHECK(a.with_records);
  CHECK(a.records_missing == 0);
  CHECK(a.months.count("2025-12") == 1);  // the record's date wins over the decision's
  REQUIRE(a.destinations.rows.size() == 3);
  REQUIRE(a.items.rows.size() == 2);
  CHECK((a.items.rows[0].key == "2" || a.items.rows[1].key == "2"));  // cn before hs
  REQUIRE(a.parties.rows.size() == 1);
  CHECK(a.parties.rows[0].key == "<b>x</b>");
}

TEST_CASE("changes of licit diff --out join their records by line") {
  std::string changes =
      R"({"line":3,"id":"X","old":{"id":"X","effect":"license","rules":[]},"new":{"id":"X","effect":"deny","rules":[{"rule":"ban"}]}})"
      "\n";
  std::istringstream records(
      "{\"destination\":\"AA\"}\n{\"destination\":\"BB\"}\n"
      "{\"destination\":\"JP\"}\n");
  Aggregates a = ByLines(changes, &records);
  CHECK(a.diff_input);
  CHECK(a.transitions.at("license -> deny") == 1);
  REQUIRE(a.destinations.rows.size() == 1);
  CHECK(a.destinations.rows[0].key == "JP");
  REQUIRE(a.flagged.size() == 1);
  CHECK(a.flagged[0].old_effect == "license");
}

TEST_CASE("the page escapes what comes from the data") {
  std::string line =
      R"({"line":1,"id":"<script>alert(1)</script>","effect":"error","error":"bad \"<img src=x onerror=alert(1)>\""})";
  Aggregates a = ByLines(line + "\n");
  RunInfo info;
  info.decisions = "<i>d.jsonl</i>";
  std::string html = RenderHtml(a, info);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<i>d.jsonl") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no fetched URL
  CHECK(EscapeHtml("a&b<c>\"'") == "a&amp;b&lt;c&gt;&quot;&#39;");
}

}  // namespace
}  // namespace licit::report
