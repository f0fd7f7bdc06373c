// Record readers: decoding every field kind from JSON Lines and CSV, and the error wording.

#include "io/record_reader.h"

#include <cstdlib>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "io/decode.h"
#include "io/json_fast.h"

namespace licit::io {
namespace {

using rt::ValueKind;

// A layout like std.trade's Shipment, cut down: id, date, destination, value?, quantity?,
// count?, flag?, tags?, end_user? { name, kind? }, item { cn?, hs? }.
rt::RecordLayout TestLayout() {
  rt::RecordLayout l;
  auto add = [&](std::string path, ValueKind kind, bool optional, int32_t parent = -1,
                 ValueKind element = ValueKind::Unknown) {
    rt::FieldSlot s;
    s.path = path;
    s.name = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
    s.kind = kind;
    s.element = element;
    s.optional = optional;
    s.parent = parent;
    auto index = static_cast<uint32_t>(l.slots.size());
    l.slots.push_back(s);
    if (parent < 0) {
      l.top_level.push_back(index);
    } else {
      l.slots[parent].children.push_back(index);
    }
    return static_cast<int32_t>(index);
  };
  l.id_slot = add("id", ValueKind::String, false);
  l.date_slot = add("date", ValueKind::Date, false);
  add("destination", ValueKind::Country, false);
  add("value", ValueKind::Money, true);
  add("quantity", ValueKind::Decimal, true);
  add("count", ValueKind::Int, true);
  add("flag", ValueKind::Bool, true);
  add("tags", ValueKind::Set, true, -1, ValueKind::String);
  int32_t eu = add("end_user", ValueKind::Record, true);
  add("end_user.name", ValueKind::String, false, eu);
  add("end_user.kind", ValueKind::String, true, eu);
  int32_t item = add("item", ValueKind::Record, false);
  add("item.cn", ValueKind::Code, true, item);
  add("item.hs", ValueKind::Code, true, item);
  add("item.codes", ValueKind::List, true, item, ValueKind::Code);
  return l;
}

const rt::RecordLayout& Layout() {
  static const rt::RecordLayout l = TestLayout();
  return l;
}

uint32_t Slot(std::string_view path) { return *Layout().Find(path); }

struct Row {
  ReadResult result;
  std::string values;  // "path=value;..." of the known slots, FormatValue'd
};

std::string Render(const rt::Record& r) {
  std::string out;
  for (uint32_t i = 0; i < r.size(); ++i) {
    const rt::Value& v = r.slot(i);
    if (Layout().slots[i].kind == ValueKind::Record) continue;
    if (!out.empty()) out += " ";
    out += Layout().slots[i].path + "=";
    if (v.known()) {
      out += rt::FormatValue(v);
    } else {
      out += v.aux == rt::kNull ? "null" : "missing";
    }
  }
  return out;
}

std::vector<Row> ReadAll(Format format, const std::string& text) {
  std::istringstream in(text);
  auto reader = MakeReader(format, in, Layout());
  rt::Record record(&Layout());
  std::vector<Row> rows;
  ReadResult result;
  while (reader->Next(record, result)) rows.push_back({result, Render(record)});
  return rows;
}

const char* kGood =
    R"({"id":"S1","date":"2026-02-01","destination":"JP","value":{"amount":"1200.50","currency":"USD"},)"
    R"("quantity":1.5e3,"count":3,"flag":true,"tags":["b","a","b"],"end_user":{"name":"JGSDF","kind":"military"},)"
    R"("item":{"cn":"1c902.a","codes":["8112.92","3a001"]},"extra":{"ignored":[1,2,{"x":null}]}})";

TEST_CASE("JSON Lines: every kind decodes", "[io]") {
  auto rows = ReadAll(Format::JsonLines, std::string(kGood) + "\n");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].result.ok);
  CHECK(rows[0].result.line == 1);
  CHECK(rows[0].result.id == "S1");
  CHECK(rows[0].values ==
        "id=\"S1\" date=2026-02-01 destination=JP value=1200.50 USD quantity=1500 count=3 "
        "flag=true tags={\"a\", \"b\"} end_user.name=\"JGSDF\" end_user.kind=\"military\" "
        "item.cn=1C902.a item.hs=missing item.codes=[8112.92, 3A001]");
}

TEST_CASE("JSON Lines: null, missing and money as text", "[io]") {
  auto rows = ReadAll(Format::JsonLines,
                      R"({"id":"S2","date":"2026-02-01","destination":"us","value":"99 EUR",)"
                      R"("quantity":null,"end_user":null,"item":{}})");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].result.ok);
  CHECK(rows[0].values ==
        "id=\"S2\" date=2026-02-01 destination=US value=99.00 EUR quantity=null count=missing "
        "flag=missing tags=missing end_user.name=missing end_user.kind=missing item.cn=missing "
        "item.hs=missing item.codes=missing");
  CHECK_FALSE(rows.empty());
}

TEST_CASE("JSON Lines: one result per line, errors name the field", "[io]") {
  std::string text =
      "\n"
      R"({"id":"A","date":"2026-02-01","item":{}})"
      "\n"
      R"({"id":"B","date":"2026-02-01","destination":"XX","item":{}})"
      "\n"
      R"({"id":"C","date":"2026-02-01","destination":"UK","item":{}})"
      "\n"
      R"({"id":"D","date":"2026-02-30","destination":"JP","item":{}})"
      "\n"
      R"({"id":"E","date":"2026-02-01","destination":"JP","value":12,"item":{}})"
      "\n"
      R"({"id":"F","date":"2026-02-01","destination":"JP","value":"12 XYZ","item":{}})"
      "\n"
      R"({"id":"G","date":"2026-02-01","destination":"JP","item":{"cn":"1C..2"}})"
      "\n"
      R"({"id":"H","date":"2026-02-01","destination":"JP","item":{"cn":"1C902"},"end_user":{"kind":"x"}})"
      "\n"
      R"({"id":"I","date":"2026-02-01","destination":"JP","count":1.5,"item":{}})"
      "\n"
      R"({"id":"J","date":"2026-02-01","destination":"JP","item":)"
      "\n"
      R"({"id":"K","date":"2026-02-01","destination":"JP","item":{}} x)"
      "\n"
      R"([1,2])"
      "\n"
      R"({"id":"L","date":"2026-02-01","destination":null,"item":{}})"
      "\n"
      R"({"id":"M","date":"2026-02-01","destination":"JP","tags":["a",3],"item":{}})"
      "\n"
      R"({"id":"N","date":"2026-02-01","destination":"JP","item":"x"})"
      "\n"
      R"({"id":"O","date":"2026-02-01","destination":"JP","item":{},"value":{"amount":"5"}})";
  auto rows = ReadAll(Format::JsonLines, text);
  REQUIRE(rows.size() == 16);
  auto err = [&](size_t i) { return rows[i].result.error; };
  CHECK(rows[0].result.line == 2);
  CHECK(err(0) == "field `destination`: missing");
  CHECK(rows[0].result.id == "A");
  CHECK(err(1).starts_with("field `destination`: unknown country code `XX`"));
  CHECK(err(2) ==
        "field `destination`: unknown country code `UK` (did you mean `GB`, United "
        "Kingdom?)");
  CHECK(err(3) == "field `date`: `2026-02-30` is not a valid date (day out of range)");
  CHECK(err(4) == "field `value`: expected money like \"1200.00 USD\", found 12");
  CHECK(err(5) == "field `value`: unknown currency `XYZ` (not an ISO 4217 code)");
  CHECK(err(6).starts_with("field `item.cn`: invalid code \"1C..2\""));
  CHECK(err(7) == "field `end_user.name`: missing");
  CHECK(err(8) == "field `count`: expected an integer, found 1.5");
  CHECK(err(9).starts_with("malformed JSON"));
  CHECK(rows[9].result.line == 11);
  CHECK(err(10).starts_with("malformed JSON"));
  CHECK(err(11) == "expected a JSON object, found an array");
  CHECK(err(12) == "field `destination`: null, but the field is required");
  CHECK(err(13) == "field `tags`: element 2: expected a string, found 3");
  CHECK(err(14) == "field `item`: expected an object, found a string");
  CHECK(err(15).starts_with("field `value`: expected money like {\"amount\""));
  for (const auto& r : rows) CHECK_FALSE(r.result.ok);
}

TEST_CASE("JSON Lines: a line longer than the limit is one error, memory stays bounded", "[io]") {
  std::string big = R"({"id":"big","x":")" + std::string((16u << 20) + 100, 'a') + "\"}";
  std::string text = std::string(kGood) + "\n" + big + "\n" + kGood + "\n";
  auto rows = ReadAll(Format::JsonLines, text);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].result.ok);
  CHECK_FALSE(rows[1].result.ok);
  CHECK(rows[1].result.error.starts_with("line too long"));
  CHECK(rows[1].result.line == 2);
  CHECK(rows[2].result.ok);
  CHECK(rows[2].result.line == 3);
}

TEST_CASE("LineSource: lines across chunk boundaries, CRLF, no final newline", "[io]") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "line " + std::to_string(i) + "\r\n";
  text += "last";
  std::istringstream in(text);
  internal::LineSource src(in, 100, 7);
  std::string_view line;
  uint64_t n = 0;
  bool too_long = false;
  int count = 0;
  while (src.Next(line, n, too_long)) {
    if (count < 1000) {
      CHECK(line == "line " + std::to_string(count));
    } else {
      CHECK(line == "last");
    }
    ++count;
    CHECK(n == static_cast<uint64_t>(count));
  }
  CHECK(count == 1001);
}

// Blocks of whole lines (licit run --threads): the same records, line numbers and errors as the
// one-thread reader, whatever the block size; lines across block boundaries, CRLF, blank lines,
// a line longer than the limit, no final newline.
std::vector<Row> ReadAllInBlocks(const std::string& text, size_t block_bytes) {
  std::istringstream in(text);
  LineBlockReader reader(in, block_bytes);
  JsonLineDecoder decoder(Layout());
  rt::Record record(&Layout());
  ReadResult result;
  LineBlock block;
  std::vector<Row> rows;
  while (reader.Next(block)) {
    reader.Number(block);
    decoder.DecodeBlock(block, record, result, [&](const rt::Record& r, const ReadResult& res) {
      rows.push_back({res, Render(r)});
    });
  }
  CHECK(reader.bytes_read() == text.size());
  return rows;
}

TEST_CASE("LineBlockReader: the same results as the one-thread reader at every block size",
          "[io]") {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += R"({"id":"S)" + std::to_string(i) +
            R"(","date":"2026-02-01","destination":"JP","item":{}})";
    text += i % 7 == 0 ? "\r\n" : "\n";
    if (i % 50 == 0) text += "  \n\n";                                   // blank lines: not records
    if (i % 61 == 0) text += "{\"id\":\"bad\"\n";                        // a broken record
    if (i == 150) text += std::string(kMaxLineLength + 10, 'x') + "\n";  // too long
  }
  text += R"({"id":"last","date":"2026-02-01","destination":"JP","item":{}})";  // no newline
  const std::vector<Row> want = ReadAll(Format::JsonLines, text);
  REQUIRE(want.size() == 300 + 5 + 1 + 1);
  for (size_t block : {size_t{1}, size_t{7}, size_t{100}, size_t{4096}, size_t{1} << 20}) {
    INFO("block " << block);
    const std::vector<Row> got = ReadAllInBlocks(text, block);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      CHECK(got[i].result.line == want[i].result.line);
      CHECK(got[i].result.ok == want[i].result.ok);
      CHECK(got[i].result.error == want[i].result.error);
      CHECK(got[i].result.id == want[i].result.id);
      CHECK(got[i].values == want[i].values);
    }
  }
  CHECK(ReadAllInBlocks("", 16).empty());
  CHECK(ReadAllInBlocks("\n\n  \n", 16).empty());
}

// `licit run --threads`: each thread numbers the block it took, in whatever order the threads get
// there; a block waits only for the ones before it. Blocks read first and numbered last to first,
// on a thread each, get the numbers of reading them in order.
TEST_CASE("LineBlockReader: blocks numbered out of order, on several threads", "[io]") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += std::string(static_cast<size_t>(i % 13), 'x') + "\n";
  text += "\n\nlast";  // blank lines count; the last line has no newline
  std::istringstream in(text);
  LineBlockReader reader(in, 64);
  std::vector<LineBlock> blocks;
  for (;;) {
    LineBlock b;  // a fresh one each time (a moved-from block keeps its capacity, not its bytes)
    if (!reader.Next(b)) break;
    blocks.push_back(std::move(b));
  }
  REQUIRE(blocks.size() > 8);
  std::vector<std::thread> threads;
  for (size_t i = blocks.size(); i-- > 0;) {
    threads.emplace_back([&reader, &blocks, i] { reader.Number(blocks[i]); });
  }
  for (std::thread& t : threads) t.join();
  uint64_t line = 1;
  std::string again;
  for (const LineBlock& b : blocks) {
    CHECK(b.first_line == line);
    size_t start = 0;
    for (uint32_t end : b.ends) {
      again.append(b.bytes.get() + start, end - start);
      if (end < b.size) again += '\n';
      start = end + 1;
    }
    line += b.ends.size();
  }
  CHECK(line == 203 + 1);  // 200 lines, two blank ones, the last
  CHECK(again == text);
}

// A line is measured without its '\r'. A CRLF line of exactly the limit was "too long" when its
// '\r' ended one of LineSource's 1 MiB chunks (here: after a blank line of 1 MiB - 1 bytes with
// its newline), and always in the block reader; found by the reader fuzzers at a small limit.
TEST_CASE("A CRLF line of exactly the limit is not too long, whatever the chunking", "[io]") {
  const std::string head = R"({"id":")", tail = R"("})";
  const std::string line =
      head + std::string(kMaxLineLength - head.size() - tail.size(), 'x') + tail;
  const std::string text =
      std::string((size_t{1} << 20) - 2, ' ') + "\n" + line + "\r\n" + R"({"id":"next"})" + "\n";
  const std::vector<Row> rows = ReadAll(Format::JsonLines, text);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].result.line == 2);
  CHECK(rows[0].result.error == "field `date`: missing");
  CHECK(rows[1].result.line == 3);
  for (size_t block : {size_t{4096}, size_t{1} << 20}) {
    INFO("block " << block);
    const std::vector<Row> got = ReadAllInBlocks(text, block);
    REQUIRE(got.size() == 2);
    CHECK(got[0].result.error == rows[0].result.error);
    CHECK(got[1].result.line == 3);
  }
}

TEST_CASE("PlainNumber expands exponents", "[io]") {
  CHECK(internal::PlainNumber("1.5e3") == "1500");
  CHECK(internal::PlainNumber("-2.5E-2") == "-0.025");
  CHECK(internal::PlainNumber("12") == "12");
  CHECK(internal::PlainNumber("1e400").empty());
}

TEST_CASE("CSV: dotted headers, empty cells, sets with ;", "[io]") {
  std::string text =
      "id,date,destination,value,tags,end_user.name,end_user.kind,item.cn,unknown\n"
      "S1,2026-02-01,JP,1200.00 USD,b; a ;b,JGSDF,military,1c902.a,zzz\n"
      "S2,2026-02-01,US,,,,,,\n"
      "\"S,3\",2026-02-01,DE,,,\"Quote \"\"d\"\"\nname\",,,\n"
      "S4,2026-02-01,XX,,,,,,\n"
      "S5,2026-02-01,JP,,,,,\n"
      "S6,2026-02-01,JP,,,,gov,,\n";
  auto rows = ReadAll(Format::Csv, text);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].result.ok);
  CHECK(rows[0].result.line == 2);
  CHECK(rows[0].values ==
        "id=\"S1\" date=2026-02-01 destination=JP value=1200.00 USD quantity=missing "
        "count=missing flag=missing tags={\"a\", \"b\"} end_user.name=\"JGSDF\" "
        "end_user.kind=\"military\" item.cn=1C902.a item.hs=missing item.codes=missing");
  CHECK(rows[1].result.ok);
  CHECK(rows[1].values.find("end_user.name=missing") != std::string::npos);
  CHECK(rows[2].result.ok);
  CHECK(rows[2].result.id == "S,3");
  CHECK(rows[2].result.line == 4);
  CHECK(rows[2].values.find("end_user.name=\"Quote \\\"d\\\"\\nname\"") != std::string::npos);
  CHECK(rows[3].result.line == 6);
  CHECK(rows[3].result.error.starts_with("field `destination`: unknown country code `XX`"));
  CHECK(rows[4].result.error == "the row has 8 cells, the header has 9");
  CHECK(rows[5].result.error == "field `end_user.name`: missing");
}

TEST_CASE("CSV: a missing required column makes every row an error", "[io]") {
  auto rows = ReadAll(Format::Csv, "id,date,item.cn\nS1,2026-02-01,1C902\nS2,2026-02-01,\n");
  REQUIRE(rows.size() == 2);
  for (const auto& r : rows) {
    CHECK(r.result.error ==
          "field `destination`: missing (the header has no `destination` column)");
  }
  CHECK(rows[1].result.id == "S2");
  CHECK(ReadAll(Format::Csv, "").empty());
  CHECK(ReadAll(Format::Csv, "id,date,destination,item.cn\n").empty());
}

TEST_CASE("ReadJsonRecord", "[io]") {
  rt::Record record(&Layout());
  std::string error;
  CHECK(ReadJsonRecord(kGood, record, error));
  CHECK(record.slot(Slot("destination")).kind == ValueKind::Country);
  CHECK_FALSE(ReadJsonRecord("{\"id\": 1}", record, error));
  CHECK(error == "field `id`: expected a string, found 1");
  CHECK_FALSE(ReadJsonRecord("{", record, error));
  CHECK(error.starts_with("malformed JSON"));
}

// The fast path (json_fast.h) must decode exactly as the general path or decline. Every slot,
// record slots included, with null and missing told apart.
std::string RenderAll(const rt::Record& r) {
  std::string out;
  for (uint32_t i = 0; i < r.size(); ++i) {
    const rt::Value& v = r.slot(i);
    out += Layout().slots[i].path + "=";
    if (v.kind == ValueKind::Record) {
      out += "present";
    } else if (v.known()) {
      out += rt::FormatValue(v);
    } else {
      out += v.aux == rt::kNull ? "null" : "missing";
    }
    out += " ";
  }
  return out;
}

TEST_CASE(
    "JSON Lines fast path: same records and errors as simdjson, on valid, mutated and hostile "
    "lines",
    "[io]") {
  const std::vector<std::string> base = {
      kGood,
      R"({"id":"S2","date":"2026-02-01","destination":"us","value":"99 EUR","quantity":null,"end_user":null,"item":{}})",
      R"(  { "id" : "S3" , "date":"2026-02-01" ,"destination" : "JP","item" : { "cn" : "1C902" } }  )",
      "{\t\"id\":\"S4\",\r\"date\":\"2026-02-01\",\"destination\":\"DE\",\"item\":{\"hs\":\"8112."
      "92\"},\"count\":-12}",
      R"({"item":{"hs":"8112.92","cn":"3A001"},"destination":"FR","date":"2026-02-01","id":"S5","count":0})",
      R"({"id":"Ñandú → 東京","date":"2026-02-01","destination":"JP","item":{},"tags":["ü","a","ü"]})",
      R"({"id":"esc \" \\ \u00e9","date":"2026-02-01","destination":"JP","item":{}})",
      R"({"id":"S6","date":"2026-02-01","destination":"JP","item":{},"quantity":-0.5e-2,"count":123456789012345678})",
      R"({"id":"S7","date":"2026-02-01","destination":"JP","item":{},"count":1234567890123456789012})",
      R"({"id":"S8","date":"2026-02-01","destination":"JP","item":{},"count":-0,"quantity":0})",
      R"({"id":"S9","date":"2026-02-01","destination":"JP","item":{},"count":1.0,"flag":false})",
      R"({"id":"S10","date":"2026-02-01","destination":"JP","item":{},"x":[[[[{"a":[true,false,null,1e9,"s"]}]]]],"y":{}})",
      R"({"id":"S11","id":"S11b","date":"2026-02-01","destination":"JP","item":{"cn":"1A001"},"item":{"hs":"8112"}})",
      R"({"id":"S12","date":"2026-13-01","destination":"XX","item":{}})",
      R"({"id":"S13","date":"2026-02-01","destination":"JP"})",
      R"({"id":"S14","date":"2026-02-01","destination":"JP","item":{},"end_user":{"kind":"military"}})",
      R"({"id":"S15","date":"2026-02-01","destination":"JP","item":{},"flag":"true","count":"3"})",
      R"({"id":"S16","date":"2026-02-01","destination":"JP","item":{},"value":1200,"tags":"a"})",
      R"({"id":"S17","date":"2026-02-01","destination":"JP","item":{"codes":[]},"tags":[]})",
      R"([{"id":"S18"}])",
      R"("just a string")",
      R"({"id":"S19","date":"2026-02-01","destination":"JP","item":{}} trailing)",
      R"({"id":"S20","date":"2026-02-01","destination":"JP","item":{},})",
      R"({"id":"S21","date":"2026-02-01","destination":"JP","item":{},"count":01})",
      R"({"id":"S22","date":"2026-02-01","destination":"JP","item":{},"quantity":01.5})",
      R"({"id":"S23","date":"2026-02-01","destination":"JP","item":{},"x":tru})",
      R"({"id":"S24","date":"2026-02-01","destination":"JP","item":{},"tags":["a",null]})",
      "{\"id\":\"bad \xC3\x28 utf8\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{}}",
      "{\"id\":\"ctl \x01 char\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{}}",
      "{\"id\":\"S25\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{}}\xFF",
  };
  // Bytes that make JSON interesting.
  const std::string alphabet = "{}[]:,\"\\ \t0123456789-+.eEtrufalsn\x01\x7f\x80\xC3\xA9\xFF";
  uint64_t state = 0x5eed;
  auto next = [&state] {  // splitmix64: deterministic on every machine
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  // LICIT_FAST_PATH_MUTANTS=N makes N mutants per base line instead of 400, for a longer run.
  int mutants = 400;
  if (const char* env = std::getenv("LICIT_FAST_PATH_MUTANTS")) mutants = std::atoi(env);
  std::vector<std::string> lines = base;
  for (const std::string& b : base) {
    for (int m = 0; m < mutants; ++m) {
      std::string s = b;
      const int edits = 1 + static_cast<int>(next() % 3);
      for (int e = 0; e < edits && !s.empty(); ++e) {
        const size_t at = next() % s.size();
        switch (next() % 4) {
          case 0: s.erase(at, 1); break;
          case 1: s.insert(at, 1, alphabet[next() % alphabet.size()]); break;
          case 2: s[at] = alphabet[next() % alphabet.size()]; break;
          default: s.insert(at, s.substr(next() % s.size(), 1 + next() % 8)); break;
        }
      }
      lines.push_back(s);
    }
  }
  internal::FastJsonDecoder fast(Layout());
  rt::Record by_fast(&Layout()), combined(&Layout()), general(&Layout());
  size_t accepted = 0;
  for (const std::string& line : lines) {
    INFO(line);
    std::string general_error, combined_error;
    const bool general_ok = internal::ReadJsonRecordGeneral(line, general, general_error);
    const bool combined_ok = ReadJsonRecord(line, combined, combined_error);
    CHECK(combined_ok == general_ok);
    CHECK(combined_error == general_error);
    CHECK(RenderAll(combined) == RenderAll(general));
    by_fast.Clear();
    if (fast.Decode(line, by_fast)) {
      ++accepted;
      CHECK(general_ok);
      CHECK(RenderAll(by_fast) == RenderAll(general));
    }
  }
  // The fast path is not declining everything: the plain valid lines and many mutants pass it.
  CHECK(accepted > lines.size() / 50);
  for (size_t i : {1u, 2u, 3u, 4u, 5u, 7u, 11u, 12u, 18u}) {
    INFO(base[i]);
    by_fast.Clear();
    CHECK(fast.Decode(base[i], by_fast));
  }
}

}  // namespace
}  // namespace licit::io
