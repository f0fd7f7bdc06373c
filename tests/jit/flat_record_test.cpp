// Unit tests of the compiled record layout (core/flat_record.h): the atom table, the cell
// geometry of FlatLayout (built by hand on a RecordLayout and by codegen::BuildFlatLayout on
// compiled policies), what Pack writes (header, presence, cells), LoadScalar/ScalarKey agreement,
// and FlatBatch addressing. The generated code trusts every one of these facts without checking:
// a wrong offset or presence bit is a wrong decision, not a crash.
#include "core/flat_record.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "base/iso_codes.h"
#include "core/record.h"
#include "core/value.h"
#include "engines/jit/codegen.h"
#include "tests/differential/random_policy.h"
#include "tests/jit/compile_for_test.h"

namespace licit {
namespace {

using rt::FlatCell;
using rt::FlatLayout;
using rt::Value;
using rt::ValueKind;

// --- AtomTable --------------------------------------------------------------------------------

TEST_CASE("flat: AtomTable numbers distinct texts 1..N in order, duplicates keep the first",
          "[flat][atoms]") {
  rt::AtomTable t;
  t.Build({"alpha", "beta", "alpha", "gamma", "beta", ""});
  CHECK(t.size() == 4);
  CHECK(t.Find("alpha") == 1);
  CHECK(t.Find("beta") == 2);
  CHECK(t.Find("gamma") == 3);
  CHECK(t.Find("") == 4);  // the empty text is a text like any other
  CHECK(t.Find("delta") == 0);
  CHECK(t.Find("alph") == 0);
  CHECK(t.Find("alphaa") == 0);
  CHECK(t.Find("Alpha") == 0);  // atoms are exact: codes arrive already upper-cased
}

TEST_CASE("flat: AtomTable without texts finds nothing, the empty text included", "[flat][atoms]") {
  rt::AtomTable never_built;
  CHECK(never_built.size() == 0);
  CHECK(never_built.Find("") == 0);
  CHECK(never_built.Find("x") == 0);
  rt::AtomTable empty;
  empty.Build({});
  CHECK(empty.size() == 0);
  CHECK(empty.Find("") == 0);
  CHECK(empty.Find("alpha") == 0);
  // An empty record text must not match a table that lacks it (atom 0 is "no constant").
  rt::AtomTable some;
  some.Build({"a", "b"});
  CHECK(some.Find("") == 0);
}

TEST_CASE("flat: AtomTable tells apart long texts that differ only after byte 8", "[flat][atoms]") {
  // HashAtomText reads 8-byte words, then a zero-padded tail: texts sharing the first word (or
  // differing only in length, or by trailing NULs) are the cases a word loop gets wrong.
  const std::string nul1("abc\0", 4), nul2("abc\0\0\0\0\0\0", 9);
  std::vector<std::string> texts = {"3A001.A.2.B",
                                    "3A001.A.2.C",
                                    "3A001.A.2",
                                    "3A001.A.",
                                    "3A001.A",
                                    "abcdefgh",
                                    "abcdefghi",
                                    "abcdefgh\x01",
                                    "abcdefghabcdefgh",
                                    "abcdefghabcdefgi",
                                    "abcdefghabcdefgh1",
                                    "abc",
                                    nul1,
                                    nul2,
                                    std::string(100, 'z'),
                                    std::string(99, 'z') + "y",
                                    std::string(101, 'z'),
                                    "x",
                                    ""};
  std::vector<std::string_view> views(texts.begin(), texts.end());
  rt::AtomTable t;
  t.Build(views);
  REQUIRE(t.size() == texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    INFO("text " << i);
    CHECK(t.Find(texts[i]) == i + 1);
  }
  CHECK(t.Find("3A001.A.2.D") == 0);
  CHECK(t.Find("abcdefghabcdefgj") == 0);
  CHECK(t.Find(std::string("abc\0\0", 5)) == 0);
  CHECK(t.Find(std::string(102, 'z')) == 0);
  // Not required for correctness (Find compares the texts), but a hash that ignores the tail
  // or the length would make every such lookup probe a long run.
  std::set<uint64_t> hashes;
  for (const std::string& s : texts) hashes.insert(rt::HashAtomText(s));
  CHECK(hashes.size() == texts.size());
  CHECK(rt::HashAtomText("abcdefghabcdefgh") == rt::HashAtomText(std::string("abcdefghabcdefgh")));
}

TEST_CASE("flat: AtomTable with thousands of texts (a large table) finds each and only them",
          "[flat][atoms]") {
  std::vector<std::string> texts;
  for (int i = 0; i < 5000; ++i) texts.push_back("EAR-" + std::to_string(i * 7919) + "-suffix");
  std::vector<std::string_view> views(texts.begin(), texts.end());
  // Every text a second time, in reverse: duplicates keep their first number.
  for (int i = 4999; i >= 0; --i) views.push_back(texts[static_cast<size_t>(i)]);
  rt::AtomTable t;
  t.Build(views);
  REQUIRE(t.size() == 5000);
  for (size_t i = 0; i < texts.size(); ++i) REQUIRE(t.Find(texts[i]) == i + 1);
  for (int i = 0; i < 5000; ++i)
    REQUIRE(t.Find("EAR-" + std::to_string(i * 7919 + 1) + "-suffix") == 0);
  // Building again forgets the old texts.
  t.Build({"only"});
  CHECK(t.size() == 1);
  CHECK(t.Find("only") == 1);
  CHECK(t.Find(texts[0]) == 0);
}

// --- A hand-made record layout ----------------------------------------------------------------

enum Slot : uint32_t {
  kId,
  kDate,
  kFlag,
  kN,
  kQty,
  kLabel,
  kEccn,
  kDest,
  kValue,
  kTags,
  kParty,
  kPartyKind,
  kPartyCountry,
  kCodes,
  kNote,
  kSlotCount
};

rt::FieldSlot MakeSlot(std::string path, ValueKind kind, bool optional = false, int32_t parent = -1,
                       ValueKind element = ValueKind::Unknown) {
  rt::FieldSlot s;
  s.name = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  s.path = std::move(path);
  s.kind = kind;
  s.element = element;
  s.optional = optional;
  s.parent = parent;
  return s;
}

// id: string, date: date, flag: bool?, n: int?, qty: decimal?, label: string?, eccn: code?,
// dest: country, value: money?, tags: set<string>?, party: Party? { kind: string?,
// country: country }, codes: list<code>?, note: code?
rt::RecordLayout HandLayout(bool with_date = true) {
  rt::RecordLayout l;
  l.type_name = "test.Rec";
  l.slots = {MakeSlot("id", ValueKind::String),
             MakeSlot("date", ValueKind::Date),
             MakeSlot("flag", ValueKind::Bool, true),
             MakeSlot("n", ValueKind::Int, true),
             MakeSlot("qty", ValueKind::Decimal, true),
             MakeSlot("label", ValueKind::String, true),
             MakeSlot("eccn", ValueKind::Code, true),
             MakeSlot("dest", ValueKind::Country),
             MakeSlot("value", ValueKind::Money, true),
             MakeSlot("tags", ValueKind::Set, true, -1, ValueKind::String),
             MakeSlot("party", ValueKind::Record, true),
             MakeSlot("party.kind", ValueKind::String, true, kParty),
             MakeSlot("party.country", ValueKind::Country, false, kParty),
             MakeSlot("codes", ValueKind::List, true, -1, ValueKind::Code),
             MakeSlot("note", ValueKind::Code, true)};
  l.slots[kParty].children = {kPartyKind, kPartyCountry};
  for (uint32_t s = 0; s < kSlotCount; ++s)
    if (l.slots[s].parent < 0) l.top_level.push_back(s);
  l.date_slot = with_date ? static_cast<int32_t>(kDate) : -1;
  l.id_slot = kId;
  return l;
}

std::vector<uint32_t> AllSlots(const rt::RecordLayout& l) {
  std::vector<uint32_t> v;
  for (uint32_t s = 0; s < l.slots.size(); ++s) v.push_back(s);
  return v;
}

// The atoms of the hand layout: what a program would compare label, eccn and note with.
const std::vector<std::string_view> kHandAtoms = {"alpha", "military", "3A001", "3A001.A.2.B",
                                                  "5A002"};

CountryId Country(const char* code) {
  std::optional<CountryId> c = FindCountry(code);
  REQUIRE(c);
  return *c;
}

// Geometry every layout must have, whatever fields it stores: the generated code loads cells by
// offset with natural alignment, and FlatBatch places record i at i * record_bytes().
void CheckGeometry(const FlatLayout& layout) {
  const auto& cells = layout.cells();
  const uint32_t words = (static_cast<uint32_t>(cells.size()) + 63) / 64;
  const uint32_t header = FlatLayout::kPresenceOffset + 8 * words;
  INFO("cells " << cells.size() << ", record_bytes " << layout.record_bytes() << ", align "
                << layout.align());
  REQUIRE((layout.align() == 8 || layout.align() == 16));
  CHECK(layout.record_bytes() % layout.align() == 0);
  CHECK(layout.record_bytes() >= header);
  bool any_value = false;
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // [offset, end) of cells with bytes
  for (uint32_t i = 0; i < cells.size(); ++i) {
    const FlatCell& c = cells[i];
    INFO("cell " << i << " slot " << c.slot << " kind " << rt::ValueKindName(c.kind) << " bytes "
                 << int(c.bytes) << " offset " << c.offset);
    CHECK(layout.CellOf(c.slot) == static_cast<int32_t>(i));
    CHECK(c.offset >= header);
    CHECK(c.offset + c.bytes <= layout.record_bytes());
    if (c.bytes == sizeof(Value)) {
      any_value = true;
      CHECK(c.offset % 16 == 0);  // a Value holds an __int128
    } else if (c.bytes > 0) {
      // Scalars at their natural alignment; a text cell starts with a pointer.
      CHECK(c.offset % std::min<uint32_t>(c.bytes, 8) == 0);
    }
    if (c.bytes > 0) spans.emplace_back(c.offset, c.offset + c.bytes);
  }
  CHECK(layout.align() == (any_value ? 16u : 8u));
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    INFO("cells at " << spans[i - 1].first << " and " << spans[i].first);
    CHECK(spans[i - 1].second <= spans[i].first);
  }
  // Every stored slot once.
  std::set<uint32_t> slots;
  for (const FlatCell& c : cells) CHECK(slots.insert(c.slot).second);
}

// A Value-aligned buffer for one flat record, filled with garbage so that Pack must clear it.
struct FlatBuffer {
  explicit FlatBuffer(const FlatLayout& l)
      : storage((l.record_bytes() + sizeof(Value) - 1) / sizeof(Value)) {
    std::memset(static_cast<void*>(storage.data()), 0xAB, storage.size() * sizeof(Value));
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage.data()); }
  std::vector<Value> storage;
};

template <typename T>
T Load(const uint8_t* rec, uint32_t offset) {
  T v;
  std::memcpy(&v, rec + offset, sizeof v);
  return v;
}

const FlatCell& CellFor(const FlatLayout& l, uint32_t slot) {
  const int32_t c = l.CellOf(slot);
  REQUIRE(c >= 0);
  return l.cells()[static_cast<size_t>(c)];
}

TEST_CASE("flat: a hand-made layout stores each wanted slot once, in a cell of its kind's size",
          "[flat][layout]") {
  const rt::RecordLayout input = HandLayout();
  std::vector<uint32_t> slots = AllSlots(input);
  slots.push_back(kN);  // duplicates are ignored
  slots.push_back(kLabel);
  slots.push_back(999);  // so are slots the record does not have
  // kN and kTags are not texts: asking for their bytes changes nothing.
  const FlatLayout layout(input, slots, {kLabel, kNote, kN, kTags, 999}, kHandAtoms);
  REQUIRE(layout.cells().size() == kSlotCount);
  CHECK(&layout.input() == &input);
  CHECK(layout.CellOf(999) == -1);
  CHECK(layout.CellOf(kSlotCount) == -1);
  struct Expect {
    uint32_t slot;
    uint8_t bytes;
    bool text;
  };
  const Expect expect[] = {
      {kId, 4, false},           {kDate, 4, false},   {kFlag, 1, false},  {kN, 8, false},
      {kQty, 32, false},         {kLabel, 16, true},  {kEccn, 4, false},  {kDest, 2, false},
      {kValue, 32, false},       {kTags, 32, false},  {kParty, 0, false}, {kPartyKind, 4, false},
      {kPartyCountry, 2, false}, {kCodes, 32, false}, {kNote, 16, true}};
  for (const Expect& e : expect) {
    INFO("slot " << input.slots[e.slot].path);
    const FlatCell& c = CellFor(layout, e.slot);
    CHECK(c.slot == e.slot);
    CHECK(c.kind == input.slots[e.slot].kind);
    CHECK(int(c.bytes) == int(e.bytes));
    CHECK(c.text == e.text);
  }
  CheckGeometry(layout);
  CHECK(layout.align() == 16);
  CHECK(layout.atoms().size() == kHandAtoms.size());

  SECTION("a subset of the slots: the others have no cell") {
    const FlatLayout part(input, {kDest, kFlag, kEccn}, {}, kHandAtoms);
    CHECK(part.cells().size() == 3);
    CHECK(part.CellOf(kLabel) == -1);
    CHECK(part.CellOf(kQty) == -1);
    CheckGeometry(part);
    CHECK(part.align() == 8);  // no Value cell
    // 8 header + 8 presence + 4 + 2 + 1, rounded to 8.
    CHECK(part.record_bytes() == 24);
  }
  SECTION("no slots at all: a header and no presence words") {
    const FlatLayout none(input, {}, {}, {});
    CHECK(none.cells().empty());
    CheckGeometry(none);
    CHECK(none.record_bytes() == 8);
  }
}

TEST_CASE("flat: random subsets of slots always give a sound geometry", "[flat][layout]") {
  const rt::RecordLayout input = HandLayout();
  std::mt19937_64 rng(42);
  for (int round = 0; round < 500; ++round) {
    std::vector<uint32_t> slots, text;
    for (uint32_t s = 0; s < kSlotCount; ++s) {
      if (rng() % 2) slots.push_back(s);
      if (rng() % 2) text.push_back(s);
    }
    std::shuffle(slots.begin(), slots.end(), rng);
    const FlatLayout layout(input, slots, text, kHandAtoms);
    INFO("round " << round);
    CheckGeometry(layout);
  }
}

// A layout of `n` top-level fields cycling through the scalar kinds: more than 64 cells need
// several presence words, and the cells shift by their size.
rt::RecordLayout WideLayout(uint32_t n) {
  const ValueKind kinds[] = {ValueKind::Bool,    ValueKind::Int,  ValueKind::String,
                             ValueKind::Country, ValueKind::Date, ValueKind::Code,
                             ValueKind::Decimal};
  rt::RecordLayout l;
  l.type_name = "test.Wide";
  for (uint32_t i = 0; i < n; ++i) {
    // Appended rather than `"f" + std::to_string(i)`: g++ 12 -O3 warns falsely (-Wrestrict)
    // on that concatenation.
    std::string name = "f";
    name += std::to_string(i);
    l.slots.push_back(MakeSlot(name, kinds[i % 7], true));
    l.top_level.push_back(i);
  }
  return l;
}

Value ValueOfKind(ValueKind k, uint32_t i) {
  switch (k) {
    case ValueKind::Bool: return Value::Bool(i % 2 == 0);
    case ValueKind::Int: return Value::Int(static_cast<int64_t>(i) * -1000003);
    case ValueKind::String: return Value::String(i % 3 == 0 ? "alpha" : "other");
    case ValueKind::Country: return Value::Country(static_cast<CountryId>(i % 200));
    case ValueKind::Date: return Value::Date(static_cast<DayNumber>(20000 + i));
    case ValueKind::Code: return Value::Code(i % 3 == 0 ? "3A001" : "9Z999");
    case ValueKind::Decimal: return Value::Dec(rt::Decimal::FromInt(i));
    default: return Value::Unknown(rt::kMissing);
  }
}

TEST_CASE("flat: presence bits beyond the first word (more than 64 cells)", "[flat][pack]") {
  for (uint32_t n : {63u, 64u, 65u, 128u, 129u, 200u}) {
    INFO(n << " fields");
    const rt::RecordLayout input = WideLayout(n);
    std::vector<uint32_t> text;
    for (uint32_t s = 0; s < n; s += 4) text.push_back(s);  // some strings keep their bytes
    const FlatLayout layout(input, AllSlots(input), text, kHandAtoms);
    REQUIRE(layout.cells().size() == n);
    CheckGeometry(layout);
    CHECK(layout.record_bytes() >= FlatLayout::kPresenceOffset + 8 * ((n + 63) / 64));
    CHECK(FlatLayout::PresenceWordOffset(63) == 8);
    CHECK(FlatLayout::PresenceWordOffset(64) == 16);
    CHECK(FlatLayout::PresenceBit(64) == 1);
    CHECK(FlatLayout::PresenceBit(127) == uint64_t{1} << 63);
    // Every third field missing, every fifth null; the rest present.
    rt::Record r(&input);
    for (uint32_t s = 0; s < n; ++s) {
      if (s % 3 == 1) continue;
      r.slot(s) = s % 5 == 2 ? Value::Unknown(rt::kNull) : ValueOfKind(input.slots[s].kind, s);
    }
    FlatBuffer buf(layout);
    layout.Pack(r.slots(), buf.data());
    for (uint32_t i = 0; i < n; ++i) {
      const FlatCell& c = layout.cells()[i];
      const bool present = c.slot % 3 != 1 && c.slot % 5 != 2;
      INFO("cell " << i << " slot " << c.slot);
      CHECK(FlatLayout::Present(buf.data(), i) == present);
      if (!present || c.kind == ValueKind::Decimal) continue;
      const Value v = ValueOfKind(c.kind, c.slot);
      const bool is_text = c.kind == ValueKind::String || c.kind == ValueKind::Code;
      if (is_text && layout.atoms().Find(v.text()) == 0)
        CHECK(FlatLayout::LoadScalar(buf.data(), c) == 0);  // a text that is no constant
      else CHECK(FlatLayout::LoadScalar(buf.data(), c) == layout.ScalarKey(v));
    }
    // Presence words carry no bits past the last cell (so no phantom cell reads as present).
    const uint32_t words = (n + 63) / 64;
    const uint64_t last = Load<uint64_t>(buf.data(), FlatLayout::kPresenceOffset + 8 * (words - 1));
    if (n % 64 != 0) CHECK((last >> (n % 64)) == 0);
  }
}

TEST_CASE("flat: Pack writes the header, presence bits and cells of a record", "[flat][pack]") {
  const rt::RecordLayout input = HandLayout();
  const FlatLayout layout(input, AllSlots(input), {kLabel, kNote}, kHandAtoms);
  const CountryId jp = Country("JP"), de = Country("DE");
  rt::Record r(&input);
  r.slot(kId) = Value::String(r.Store("r1"));
  r.slot(kDate) = Value::Date(20300);
  r.slot(kFlag) = Value::Bool(true);
  r.slot(kN) = Value::Int(-7);
  r.slot(kQty) = Value::Unknown(rt::kNull);
  r.slot(kLabel) = Value::String(r.Store("alpha"));
  // kEccn missing
  r.slot(kDest) = Value::Country(jp);
  std::optional<rt::Money> money = rt::Money::Parse("1200.50 USD");
  REQUIRE(money);
  r.slot(kValue) = Value::MoneyOf(*money);
  const Value tag_items[] = {Value::String(r.Store("x")), Value::String(r.Store("y"))};
  r.slot(kTags) = Value::Set(r.StoreItems(tag_items, 2));
  r.slot(kParty) = Value::RecordPresent();
  r.slot(kPartyKind) = Value::Unknown(rt::kNull);
  r.slot(kPartyCountry) = Value::Country(de);
  // kCodes missing; note differs from the atom "3A001.A.2.B" only in its last byte
  r.slot(kNote) = Value::Code(r.Store("3A001.A.2.C"));

  FlatBuffer buf(layout);
  uint8_t* rec = buf.data();
  layout.Pack(r.slots(), rec);

  CHECK(Load<int32_t>(rec, FlatLayout::kDayOffset) == 20300);
  CHECK(Load<uint32_t>(rec, FlatLayout::kFlagsOffset) == FlatLayout::kHasDay);
  for (uint32_t i = 0; i < layout.cells().size(); ++i) {
    const FlatCell& c = layout.cells()[i];
    INFO("slot " << input.slots[c.slot].path);
    // rt::FieldPresent is the definition; the bit must agree with it.
    CHECK(FlatLayout::Present(rec, i) == rt::FieldPresent(input, r.slots(), c.slot));
    // Absent cells are zero (documented), whatever the buffer held before.
    if (!FlatLayout::Present(rec, i))
      for (uint32_t b = 0; b < c.bytes; ++b) CHECK(int(rec[c.offset + b]) == 0);
  }
  const auto present = [&](uint32_t slot) {
    return FlatLayout::Present(rec, static_cast<uint32_t>(layout.CellOf(slot)));
  };
  CHECK(present(kId));
  CHECK(present(kFlag));
  CHECK_FALSE(present(kQty));   // null
  CHECK_FALSE(present(kEccn));  // missing
  CHECK(present(kParty));
  CHECK_FALSE(present(kPartyKind));  // null inside a present record
  CHECK(present(kPartyCountry));
  CHECK_FALSE(present(kCodes));

  CHECK(rec[CellFor(layout, kFlag).offset] == 1);
  CHECK(Load<int64_t>(rec, CellFor(layout, kN).offset) == -7);
  CHECK(Load<int32_t>(rec, CellFor(layout, kDate).offset) == 20300);
  CHECK(Load<uint16_t>(rec, CellFor(layout, kDest).offset) == jp);
  CHECK(Load<uint16_t>(rec, CellFor(layout, kPartyCountry).offset) == de);
  // id: atom only, and "r1" is no constant.
  CHECK(Load<uint32_t>(rec, CellFor(layout, kId).offset) == 0);
  // label: {ptr, len, atom} pointing at the record's own bytes.
  const uint32_t lo = CellFor(layout, kLabel).offset;
  CHECK(Load<const char*>(rec, lo) == r.slot(kLabel).str.ptr);
  CHECK(Load<uint32_t>(rec, lo + 8) == 5);
  CHECK(Load<uint32_t>(rec, lo + 12) == layout.atoms().Find("alpha"));
  CHECK(layout.atoms().Find("alpha") != 0);
  const uint32_t no = CellFor(layout, kNote).offset;
  CHECK(Load<const char*>(rec, no) == r.slot(kNote).str.ptr);
  CHECK(Load<uint32_t>(rec, no + 8) == 11);
  CHECK(Load<uint32_t>(rec, no + 12) == 0);
  // Value cells: the slot's 32 bytes.
  CHECK(std::memcmp(rec + CellFor(layout, kValue).offset, &r.slot(kValue), sizeof(Value)) == 0);
  CHECK(std::memcmp(rec + CellFor(layout, kTags).offset, &r.slot(kTags), sizeof(Value)) == 0);

  SECTION("a field of an absent optional record is absent even if its slot holds a value") {
    r.slot(kParty) = Value::Unknown(rt::kMissing);
    r.slot(kPartyKind) = Value::String(r.Store("military"));
    layout.Pack(r.slots(), rec);
    CHECK_FALSE(present(kParty));
    CHECK_FALSE(present(kPartyKind));
    CHECK_FALSE(present(kPartyCountry));
    CHECK(Load<uint32_t>(rec, CellFor(layout, kPartyKind).offset) == 0);
    r.slot(kParty) = Value::Unknown(rt::kNull);
    layout.Pack(r.slots(), rec);
    CHECK_FALSE(present(kPartyKind));
    CHECK_FALSE(present(kPartyCountry));
    r.slot(kParty) = Value::RecordPresent();
    layout.Pack(r.slots(), rec);
    CHECK(present(kPartyKind));
    CHECK(Load<uint32_t>(rec, CellFor(layout, kPartyKind).offset) ==
          layout.atoms().Find("military"));
  }
  SECTION("no date: no day in the header") {
    r.slot(kDate) = Value::Unknown(rt::kMissing);
    layout.Pack(r.slots(), rec);
    CHECK(Load<uint32_t>(rec, FlatLayout::kFlagsOffset) == 0);
    CHECK(Load<int32_t>(rec, FlatLayout::kDayOffset) == 0);
    r.slot(kDate) = Value::Unknown(rt::kNull);
    layout.Pack(r.slots(), rec);
    CHECK(Load<uint32_t>(rec, FlatLayout::kFlagsOffset) == 0);
  }
  SECTION("the day is in the header even when no cell stores the date") {
    const FlatLayout small(input, {kFlag}, {}, {});
    FlatBuffer sbuf(small);
    small.Pack(r.slots(), sbuf.data());
    CHECK(Load<int32_t>(sbuf.data(), FlatLayout::kDayOffset) == 20300);
    CHECK(Load<uint32_t>(sbuf.data(), FlatLayout::kFlagsOffset) == FlatLayout::kHasDay);
    r.slot(kDate) = Value::Date(-3);  // before 1970: the day is signed
    small.Pack(r.slots(), sbuf.data());
    CHECK(Load<int32_t>(sbuf.data(), FlatLayout::kDayOffset) == -3);
  }
  SECTION("an input type without a date field: never a day") {
    const rt::RecordLayout undated = HandLayout(false);
    const FlatLayout ul(undated, AllSlots(undated), {}, kHandAtoms);
    FlatBuffer ubuf(ul);
    ul.Pack(r.slots(), ubuf.data());
    CHECK(Load<uint32_t>(ubuf.data(), FlatLayout::kFlagsOffset) == 0);
    CHECK(Load<int32_t>(ubuf.data(), FlatLayout::kDayOffset) == 0);
  }
}

// For every scalar kind: the key of a constant equals the loaded cell exactly when the values
// are equal (rt::ValuesEqual), for atom-only and text cells. This is how the generated code
// answers `field == constant`.
TEST_CASE("flat: LoadScalar and ScalarKey agree with value equality for each scalar kind",
          "[flat][scalar]") {
  rt::RecordLayout input;
  input.type_name = "test.Scalars";
  input.slots = {MakeSlot("b", ValueKind::Bool, true),   MakeSlot("i", ValueKind::Int, true),
                 MakeSlot("d", ValueKind::Date, true),   MakeSlot("c", ValueKind::Country, true),
                 MakeSlot("s", ValueKind::String, true), MakeSlot("t", ValueKind::String, true),
                 MakeSlot("k", ValueKind::Code, true),   MakeSlot("kt", ValueKind::Code, true)};
  input.top_level = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<std::string_view> atoms = {"alpha", "", "3A001", "3A001.A.2.B",
                                               "a-text-longer-than-sixteen-bytes"};
  const FlatLayout layout(input, AllSlots(input), {5, 7}, atoms);
  CheckGeometry(layout);
  const std::string_view in_table[] = {"alpha", "", "a-text-longer-than-sixteen-bytes"};
  const std::string_view not_in_table[] = {"alph", "alphaa", "a-text-longer-than-sixteen-bytez",
                                           " "};
  const std::string_view codes_in[] = {"3A001", "3A001.A.2.B", ""};
  const std::string_view codes_out[] = {"3A001.A.2.C", "3A00", "3A001.A.2.B."};
  const CountryId last_country = static_cast<CountryId>(AllCountries().size() - 1);

  std::vector<std::vector<Value>> values(8), constants(8);
  for (bool x : {false, true}) values[0].push_back(Value::Bool(x));
  for (int64_t x : {INT64_MIN, int64_t{-1}, int64_t{0}, int64_t{1}, int64_t{4294967296}, INT64_MAX})
    values[1].push_back(Value::Int(x));
  // Days before 1970 are negative (LoadScalar must sign-extend); the extremes stay within what
  // FormatDate (used in the messages below) handles.
  for (DayNumber x : {-700000, -1, 0, 1, 20300, 2900000}) values[2].push_back(Value::Date(x));
  for (CountryId x : {CountryId{0}, Country("JP"), Country("US"), last_country})
    values[3].push_back(Value::Country(x));
  for (uint32_t s : {4u, 5u}) {
    for (std::string_view t : in_table) {
      values[s].push_back(Value::String(t));
      constants[s].push_back(Value::String(t));
    }
    for (std::string_view t : not_in_table) values[s].push_back(Value::String(t));
  }
  for (uint32_t s : {6u, 7u}) {
    for (std::string_view t : codes_in) {
      values[s].push_back(Value::Code(t));
      constants[s].push_back(Value::Code(t));
    }
    for (std::string_view t : codes_out) values[s].push_back(Value::Code(t));
  }
  for (uint32_t s = 0; s < 4; ++s) constants[s] = values[s];

  for (uint32_t s = 0; s < 8; ++s) {
    const FlatCell& cell = CellFor(layout, s);
    for (const Value& v : values[s]) {
      rt::Record r(&input);
      r.slot(s) = v;
      FlatBuffer buf(layout);
      layout.Pack(r.slots(), buf.data());
      REQUIRE(FlatLayout::Present(buf.data(), static_cast<uint32_t>(layout.CellOf(s))));
      const uint64_t loaded = FlatLayout::LoadScalar(buf.data(), cell);
      for (const Value& k : constants[s]) {
        INFO("field " << input.slots[s].path << " value " << rt::FormatValue(v) << " constant "
                      << rt::FormatValue(k));
        CHECK((loaded == layout.ScalarKey(k)) == rt::ValuesEqual(v, k));
      }
      // A constant the table does not hold (a program never has one, but the key must not be
      // atom 0, which every other record text loads as).
      if (s >= 4) {
        for (std::string_view t : not_in_table) {
          const Value k = s < 6 ? Value::String(t) : Value::Code(t);
          INFO("field " << input.slots[s].path << " value " << rt::FormatValue(v)
                        << " non-atom constant " << t);
          CHECK(loaded != layout.ScalarKey(k));
        }
      }
    }
  }
}

// --- FlatBatch ----------------------------------------------------------------------------------

// Records with varied fields (some missing, some null, texts of varied lengths).
void FillRecord(rt::Record& r, uint32_t i) {
  r.Clear();
  r.slot(kId) = Value::String(r.Store("rec-" + std::to_string(i)));
  if (i % 7 != 3) r.slot(kDate) = Value::Date(static_cast<DayNumber>(20000 + i));
  if (i % 2) r.slot(kFlag) = Value::Bool(i % 4 == 1);
  r.slot(kN) = i % 5 == 0 ? Value::Unknown(rt::kNull) : Value::Int(static_cast<int64_t>(i) - 500);
  if (i % 3) r.slot(kQty) = Value::Dec(rt::Decimal::FromInt(i));
  const char* labels[] = {"alpha", "military", "", "a much longer label than eight bytes"};
  if (i % 6 != 5) r.slot(kLabel) = Value::String(r.Store(labels[i % 4]));
  const char* codes[] = {"3A001", "3A001.A.2.B", "3A001.A.2.C", "EAR99", "5A002"};
  if (i % 4 != 2) r.slot(kEccn) = Value::Code(r.Store(codes[i % 5]));
  r.slot(kDest) = Value::Country(static_cast<CountryId>(i % 100));
  if (i % 8 == 1) {
    const Value items[] = {Value::String(r.Store("t" + std::to_string(i)))};
    r.slot(kTags) = Value::Set(r.StoreItems(items, 1));
  }
  if (i % 3 != 0) {
    r.slot(kParty) = Value::RecordPresent();
    if (i % 2) r.slot(kPartyKind) = Value::String(r.Store(i % 4 == 1 ? "military" : "civil"));
    r.slot(kPartyCountry) = Value::Country(static_cast<CountryId>(i % 50));
  }
  if (i % 5 == 4) r.slot(kNote) = Value::Code(r.Store(codes[(i / 5) % 5]));
}

void CheckBatch(const FlatLayout& layout, size_t n, bool reserve) {
  const rt::RecordLayout& input = layout.input();
  std::vector<rt::Record> records;
  records.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    records.emplace_back(&input);
    FillRecord(records.back(), static_cast<uint32_t>(i));
  }
  rt::FlatBatch batch(layout);
  CHECK(&batch.layout() == &layout);
  CHECK(batch.size() == 0);
  CHECK(batch.bytes() == 0);
  if (reserve) batch.Reserve(n);
  for (const rt::Record& r : records) batch.Add(r);
  REQUIRE(batch.size() == n);
  CHECK(batch.bytes() == n * layout.record_bytes());
  // After every Add (the storage grew and moved many times): record i where it should be,
  // aligned, and holding exactly what Pack writes for the i-th record.
  const uint8_t* base = batch.record(0);
  CHECK(reinterpret_cast<uintptr_t>(base) % alignof(Value) == 0);
  FlatBuffer one(layout);
  for (size_t i = 0; i < n; ++i) {
    INFO("record " << i << " of " << n << ", record_bytes " << layout.record_bytes());
    const uint8_t* rec = batch.record(i);
    REQUIRE(rec == base + i * layout.record_bytes());
    REQUIRE(reinterpret_cast<uintptr_t>(rec) % layout.align() == 0);
    layout.Pack(records[i].slots(), one.data());
    REQUIRE(std::memcmp(rec, one.data(), layout.record_bytes()) == 0);
  }
}

TEST_CASE("flat: FlatBatch keeps record i at i * record_bytes, aligned, after many Adds",
          "[flat][batch]") {
  const rt::RecordLayout input = HandLayout();
  SECTION("Value cells (16-aligned records)") {
    const FlatLayout layout(input, AllSlots(input), {kLabel, kNote}, kHandAtoms);
    REQUIRE(layout.align() == 16);
    CheckBatch(layout, 3000, false);
    CheckBatch(layout, 1000, true);
  }
  SECTION("scalars only: records of 24 bytes, so every other one is not 16-aligned") {
    const FlatLayout layout(input, {kDest, kFlag, kEccn}, {}, kHandAtoms);
    REQUIRE(layout.record_bytes() == 24);
    CheckBatch(layout, 3001, false);
    CheckBatch(layout, 17, true);
  }
  SECTION("text cells without Value cells") {
    const FlatLayout layout(input, {kLabel, kNote, kN, kDate, kPartyKind}, {kLabel, kPartyKind},
                            kHandAtoms);
    CheckGeometry(layout);
    CheckBatch(layout, 2000, false);
  }
  SECTION("no cells: header-only records") {
    const FlatLayout layout(input, {}, {}, {});
    CheckBatch(layout, 100, false);
  }
}

// --- codegen::BuildFlatLayout on compiled policies --------------------------------------------

const char* kLayoutPolicy = R"(policy t.flat

record Party { name: string, kind: string?, country: country? }
record Rec { id: string, date: date, destination: country, label: string?, eccn: code?,
  hs: code?, note: string?, tag: string?, x: string?, y: string?, z: string?, w: string?,
  mixed: string?, end_user: Party?, n: int?, ok: bool?, qty: decimal?, unused: string?,
  untouched: code?, tags: set<string>?, shipped: date? }
input Rec

rule r_eq:
  deny when label == "alpha"
rule r_code:
  review when eccn == "3A001.a.2.b" or eccn != "5A002"
rule r_left:
  review when "military" == end_user.kind
rule r_under:
  deny when hs under "8542"
rule r_matches:
  deny when note matches "a*"
rule r_lower:
  deny when lower(tag) == "x"
rule r_in:
  deny when x in {"a", "b"}
rule r_fields:
  deny when y == z
rule r_len:
  deny when len(w) > 3
rule r_mixed:
  deny when mixed == "m" and starts_with(mixed, "mm")
rule r_scalars:
  review when n > 3 and ok and qty < 1.5 and has(tags) and shipped <= 2025-06-01
default allow
)";

TEST_CASE(
    "flat: BuildFlatLayout keeps text bytes only where a use other than ==/!= a constant "
    "reads them",
    "[flat][codegen]") {
  std::string errors;
  auto c = testing::CompileSource(kLayoutPolicy, &errors);
  INFO(errors);
  REQUIRE(c);
  const ir::Program& p = *c->program;
  std::unique_ptr<FlatLayout> layout = codegen::BuildFlatLayout(p);
  REQUIRE(layout);
  CHECK(&layout->input() == &p.input);
  CheckGeometry(*layout);
  const auto cell = [&](const char* path) -> const FlatCell* {
    std::optional<uint32_t> s = p.input.Find(path);
    if (!s) FAIL("no field " << path);
    const int32_t i = layout->CellOf(*s);
    return i < 0 ? nullptr : &layout->cells()[static_cast<size_t>(i)];
  };
  struct Expect {
    const char* path;
    bool text;
  };
  // Atom only: equality with a constant (either side), the one shape the fast path answers
  // from atoms.
  for (Expect e :
       {Expect{"label", false}, Expect{"eccn", false}, Expect{"end_user.kind", false},
        // Bytes: under, matches, lower(), in a set, field == field, len(),
        // and == plus another use.
        Expect{"hs", true}, Expect{"note", true}, Expect{"tag", true}, Expect{"x", true},
        Expect{"y", true}, Expect{"z", true}, Expect{"w", true}, Expect{"mixed", true}}) {
    INFO(e.path);
    const FlatCell* f = cell(e.path);
    REQUIRE(f != nullptr);
    CHECK(f->text == e.text);
    CHECK(int(f->bytes) == (e.text ? 16 : 4));
  }
  for (const char* path : {"n", "ok", "qty", "tags", "shipped"}) {
    INFO(path);
    REQUIRE(cell(path) != nullptr);
  }
  CHECK(int(cell("n")->bytes) == 8);
  CHECK(int(cell("ok")->bytes) == 1);
  CHECK(int(cell("qty")->bytes) == 32);
  CHECK(int(cell("tags")->bytes) == 32);
  CHECK(int(cell("shipped")->bytes) == 4);
  // Fields no condition reads are not stored.
  CHECK(cell("unused") == nullptr);
  CHECK(cell("untouched") == nullptr);
  // The program's texts are atoms, in sets too; codes as the program holds them (upper case).
  const rt::AtomTable& atoms = layout->atoms();
  for (const char* t : {"alpha", "military", "3A001.A.2.B", "5A002", "a", "b", "x", "m", "mm"}) {
    INFO(t);
    CHECK(atoms.Find(t) != 0);
  }
  CHECK(atoms.Find("beta") == 0);
  CHECK(atoms.Find("3A001.a.2.b") == 0);
  // ScalarKey of the program's label constant is what a record's "alpha" loads as.
  rt::Record r(&p.input);
  r.slot(*p.input.Find("label")) = Value::String(r.Store("alpha"));
  FlatBuffer buf(*layout);
  layout->Pack(r.slots(), buf.data());
  CHECK(FlatLayout::LoadScalar(buf.data(), *cell("label")) ==
        layout->ScalarKey(Value::String("alpha")));
}

TEST_CASE("flat: BuildFlatLayout gives a sound geometry for random policies", "[flat][codegen]") {
  const uint64_t policies = testing::EnvOr("LICIT_FLAT_LAYOUT_POLICIES", 300);
  uint64_t text_cells = 0, atom_cells = 0;
  for (uint64_t pi = 0; pi < policies; ++pi) {
    testing::Gen gen(77 + pi);
    const std::string text = gen.Policy();
    std::string errors;
    auto c = testing::CompileSource(text, &errors);
    if (!c) FAIL("generated policy does not check:\n" << errors << text);
    std::unique_ptr<FlatLayout> layout = codegen::BuildFlatLayout(*c->program);
    REQUIRE(layout);
    INFO(text);
    CheckGeometry(*layout);
    for (const FlatCell& cell : layout->cells()) {
      if (cell.kind != ValueKind::String && cell.kind != ValueKind::Code) continue;
      ++(cell.text ? text_cells : atom_cells);
    }
  }
  // The generator's leaves use texts both ways, so both cell shapes must show up.
  CHECK(text_cells > 0);
  CHECK(atom_cells > 0);
}

}  // namespace
}  // namespace licit
