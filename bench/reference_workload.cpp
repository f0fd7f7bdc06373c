#include "bench/reference_workload.h"

#include <charconv>
#include <memory>

namespace licit::bench {
namespace {

// Days since 1970-01-01 <-> civil date (proleptic Gregorian), H. Hinnant's algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y), m, d);
  return buf;
}

// String(n).padStart(width, '0')
void AppendPadded(std::string& out, uint64_t n, size_t width) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  (void)ec;
  size_t len = static_cast<size_t>(end - buf);
  if (len < width) out.append(width - len, '0');
  out.append(buf, len);
}

}  // namespace

std::vector<std::pair<std::string, uint32_t>> Destinations() {
  return {
      {"US", 1200},
      {"CN", 1000},
      {"DE", 800},
      {"JP", 600},
      {"GB", 500},
      {"MX", 400},
      {"CA", 400},
      {"KR", 400},
      {"IN", 400},
      {"FR", 400},
      {"NL", 300},
      {"HK", 300},
      {"TW", 250},
      {"SG", 200},
      {"VN", 200},
      {"IT", 200},
      {"BR", 200},
      {"ES", 150},
      {"AU", 150},
      {"AE", 150},
      {"CH", 150},
      {"MY", 120},
      {"TH", 120},
      {"BE", 120},
      {"PL", 120},
      {"SE", 100},
      {"IL", 100},
      {"TR", 100},
      {"SA", 100},
      {"ID", 100},
      {"PH", 80},
      {"RU", 80},
      {"ZA", 80},
      {"CZ", 80},
      {"AT", 80},
      {"IE", 80},
      {"DK", 60},
      {"FI", 60},
      {"NO", 60},
      {"CL", 60},
      {"AR", 60},
      {"CO", 50},
      {"EG", 50},
      {"PK", 50},
      {"NG", 40},
      {"KZ", 40},
      {"MO", 50},
      {"BY", 30},
      {"VE", 30},
      // embargoed destinations (rule c)
      {"IR", 50},
      {"CU", 40},
      {"SY", 25},
      {"KP", 15},
  };
}

std::vector<std::pair<std::string, uint32_t>> Categories() {
  return {
      {"electronics", 2000}, {"dual-use", 1800}, {"machinery", 1200}, {"chemicals", 800},
      {"software", 800},     {"textiles", 800},  {"rare-earth", 600}, {"medical", 600},
      {"agricultural", 600}, {"aerospace", 400}, {"automotive", 400},
  };
}

std::vector<std::pair<std::string, uint32_t>> EndUses() {
  return {{"civil", 5500},
          {"commercial", 3000},
          {"research", 800},
          {"unknown", 400},
          {"military", 300}};
}

bool IsControlledCategory(std::string_view c) {
  return c == "dual-use" || c == "rare-earth" || c == "aerospace" || c == "electronics" ||
         c == "chemicals" || c == "software";
}

std::vector<std::pair<std::string, uint32_t>> ControlCodePool() {
  const int nums[] = {1, 2, 3, 4, 5, 10, 11, 12};
  const char groups[] = {'A', 'B', 'C', 'D', 'E'};
  std::vector<std::string> codes;
  for (int c = 0; c <= 9; ++c) {
    for (char g : groups) {
      for (int n : nums) {
        std::string code;
        code.push_back(static_cast<char>('0' + c));
        code.push_back(g);
        AppendPadded(code, static_cast<uint64_t>(n), 3);
        codes.push_back(std::move(code));
      }
    }
  }
  Mulberry32 rnd(7);
  for (size_t i = codes.size() - 1; i > 0; --i) {
    size_t j = Below(rnd(), i + 1);
    std::swap(codes[i], codes[j]);
  }
  std::vector<std::pair<std::string, uint32_t>> out;
  for (size_t rank = 0; rank < codes.size(); ++rank) {
    out.emplace_back(codes[rank], static_cast<uint32_t>(10000 / (rank + 10) + 1));
  }
  return out;
}

std::vector<std::string> DateTable() {
  std::vector<std::string> out;
  for (int64_t d = DaysFromCivil(2025, 1, 1), end = DaysFromCivil(2027, 6, 30); d <= end; ++d) {
    out.push_back(CivilFromDays(d));
  }
  return out;
}

void AppendJsValue(std::string& out, uint64_t cents) {
  // Number::toString for a double below 1e21 is positional: the shortest digits that read back
  // as the same double, which is what to_chars(fixed) without a precision gives.
  double value = static_cast<double>(cents) / 100.0;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  (void)ec;
  out.append(buf, static_cast<size_t>(end - buf));
}

ReferenceGenerator::ReferenceGenerator(uint32_t seed)
    : rnd_(seed),
      dest_(Destinations()),
      cat_(Categories()),
      use_(EndUses()),
      code_(ControlCodePool()),
      dates_(DateTable()),
      value_buckets_({{{100, 100000}, 3000},
                      {{100000, 5000000}, 4500},
                      {{5000000, 100000000}, 2000},
                      {{100000000, 2000000000}, 500}}),
      qty_buckets_(
          {{{1, 10}, 3000}, {{10, 100}, 4000}, {{100, 1000}, 2200}, {{1000, 20000}, 800}}) {}

void ReferenceGenerator::Next(ReferenceRecord& r) {
  ++index_;
  r.id.assign("S");
  AppendPadded(r.id, index_, 7);
  r.date = &dates_[Below(rnd_(), dates_.size())];
  r.destination = &dest_(rnd_());
  r.category = &cat_(rnd_());
  uint32_t u_code = rnd_();
  uint32_t u_pick = rnd_();
  bool controlled = IsControlledCategory(*r.category);
  bool listed = controlled ? Below(u_code, 100) < 85 : Below(u_code, 100) < 5;
  r.control_code = listed ? &code_(u_pick) : &ear99_;
  r.end_use = &use_(rnd_());
  r.end_user.assign("EU-");
  AppendPadded(r.end_user, Below(rnd_(), 50000), 5);
  auto [vlo, vhi] = value_buckets_(rnd_());
  r.cents = vlo + Below(rnd_(), vhi - vlo);
  auto [qlo, qhi] = qty_buckets_(rnd_());
  r.quantity = qlo + Below(rnd_(), qhi - qlo);
}

void ReferenceGenerator::NextJsonLine(std::string& out) {
  Next(rec_);
  // JSON.stringify: every string here is plain ASCII without characters to escape.
  out += "{\"id\":\"";
  out += rec_.id;
  out += "\",\"date\":\"";
  out += *rec_.date;
  out += "\",\"destination\":\"";
  out += *rec_.destination;
  out += "\",\"category\":\"";
  out += *rec_.category;
  out += "\",\"control_code\":\"";
  out += *rec_.control_code;
  out += "\",\"end_use\":\"";
  out += *rec_.end_use;
  out += "\",\"end_user\":\"";
  out += rec_.end_user;
  out += "\",\"value\":";
  AppendJsValue(out, rec_.cents);
  out += ",\"quantity\":";
  AppendPadded(out, rec_.quantity, 0);
  out += "}\n";
}

void ReferenceGenerator::NextCsvRow(std::string& out) {
  Next(rec_);
  const std::string* fields[] = {&rec_.id,          rec_.date,    rec_.destination, rec_.category,
                                 rec_.control_code, rec_.end_use, &rec_.end_user};
  for (const std::string* s : fields) {
    out += *s;
    out += ',';
  }
  AppendJsValue(out, rec_.cents);
  out += ',';
  AppendPadded(out, rec_.quantity, 0);
  out += '\n';
}

std::string ReferenceJsonl(uint64_t n, uint32_t seed) {
  ReferenceGenerator gen(seed);
  std::string out;
  out.reserve(n * 176 + 64);
  for (uint64_t i = 0; i < n; ++i) gen.NextJsonLine(out);
  return out;
}

bool WriteReferenceFile(const std::string& path, uint64_t n, bool csv, uint32_t seed) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!f) return false;
  ReferenceGenerator gen(seed);
  std::string buf;
  buf.reserve((size_t{1} << 20) + 4096);
  if (csv) buf += ReferenceGenerator::kCsvHeader;
  bool ok = true;
  for (uint64_t i = 0; i < n; ++i) {
    if (csv) {
      gen.NextCsvRow(buf);
    } else {
      gen.NextJsonLine(buf);
    }
    if (buf.size() >= (size_t{1} << 20)) {
      ok = ok && std::fwrite(buf.data(), 1, buf.size(), f.get()) == buf.size();
      buf.clear();
    }
  }
  ok = ok && std::fwrite(buf.data(), 1, buf.size(), f.get()) == buf.size();
  return std::fclose(f.release()) == 0 && ok;
}

}  // namespace licit::bench
