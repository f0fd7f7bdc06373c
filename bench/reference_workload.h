// A bit-exact C++ port of the shared reference workload generator
// (/work/shared/bench/gen-records.mjs and lib/common.mjs): 1,000,000 synthetic shipments from
// seed 20260106 (mulberry32, integer arithmetic), rendered exactly as the Node generator renders
// them (JSON.stringify per line, and the CSV form). The JSON Lines file's sha256 must be
// 79bc4bf315a8d62a60a2f89a46b5533806e7f949b4de377af01f7ae1a8c027e0 (test
// bench/reference_records_sha256).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace licit::bench {

inline constexpr uint32_t kReferenceSeed = 20260106;
inline constexpr uint64_t kReferenceCount = 1'000'000;
inline constexpr std::string_view kReferenceJsonlSha256 =
    "79bc4bf315a8d62a60a2f89a46b5533806e7f949b4de377af01f7ae1a8c027e0";

// mulberry32 (lib/common.mjs): returns uint32 values.
class Mulberry32 {
 public:
  explicit Mulberry32(uint32_t seed) : a_(seed) {}
  uint32_t operator()() {
    a_ += 0x6d2b79f5u;
    uint32_t t = (a_ ^ (a_ >> 15)) * (1u | a_);
    t = (t + ((t ^ (t >> 7)) * (61u | t))) ^ t;
    return t ^ (t >> 14);
  }

 private:
  uint32_t a_;
};

// Math.floor((u32 * n) / 4294967296) in doubles, as JS computes it (the product is rounded to a
// double exactly as JS rounds it when it exceeds 2^53).
inline uint64_t Below(uint32_t u32, uint64_t n) {
  double x = static_cast<double>(u32) * static_cast<double>(n);
  return static_cast<uint64_t>(x / 4294967296.0);  // non-negative: truncation is floor
}

// weighted(pairs): picks a value by integer weight.
template <class T>
class Weighted {
 public:
  explicit Weighted(std::vector<std::pair<T, uint32_t>> pairs) {
    uint64_t total = 0;
    for (auto& [value, weight] : pairs) {
      values_.push_back(std::move(value));
      total += weight;
      cum_.push_back(total);
    }
    total_ = total;
  }
  const T& operator()(uint32_t u32) const {
    uint64_t x = Below(u32, total_);
    size_t lo = 0, hi = cum_.size() - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) >> 1;
      if (cum_[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return values_[lo];
  }

 private:
  std::vector<T> values_;
  std::vector<uint64_t> cum_;
  uint64_t total_ = 0;
};

// The tables of lib/common.mjs.
std::vector<std::pair<std::string, uint32_t>> Destinations();
std::vector<std::pair<std::string, uint32_t>> Categories();
std::vector<std::pair<std::string, uint32_t>> EndUses();
bool IsControlledCategory(std::string_view category);
std::vector<std::pair<std::string, uint32_t>> ControlCodePool();  // shuffled, Zipf-like weights
std::vector<std::string> DateTable();  // 2025-01-01 .. 2027-06-30, "YYYY-MM-DD"

// One generated shipment.
struct ReferenceRecord {
  std::string id;
  const std::string* date;
  const std::string* destination;
  const std::string* category;
  const std::string* control_code;
  const std::string* end_use;
  std::string end_user;
  uint64_t cents;  // value = cents / 100
  uint64_t quantity;
};

// JS's rendering of cents / 100 (Number.prototype.toString: shortest round-trip digits).
void AppendJsValue(std::string& out, uint64_t cents);

// Generates the records in order, the same sequence as gen-records.mjs.
class ReferenceGenerator {
 public:
  explicit ReferenceGenerator(uint32_t seed = kReferenceSeed);
  void Next(ReferenceRecord& r);
  // The JSON.stringify line (with its '\n') / the CSV row (with its '\n') of the next record.
  void NextJsonLine(std::string& out);
  void NextCsvRow(std::string& out);
  static constexpr std::string_view kCsvHeader =
      "id,date,destination,category,control_code,end_use,end_user,value,quantity\n";

 private:
  Mulberry32 rnd_;
  Weighted<std::string> dest_, cat_, use_, code_;
  std::vector<std::string> dates_;
  Weighted<std::pair<uint64_t, uint64_t>> value_buckets_, qty_buckets_;
  std::string ear99_ = "EAR99";
  uint64_t index_ = 0;
  ReferenceRecord rec_;
};

// The whole JSON Lines text of the first `n` records.
std::string ReferenceJsonl(uint64_t n = kReferenceCount, uint32_t seed = kReferenceSeed);
// Writes the first `n` records to `path` as JSON Lines (or CSV when `csv`). False on I/O error.
bool WriteReferenceFile(const std::string& path, uint64_t n = kReferenceCount, bool csv = false,
                        uint32_t seed = kReferenceSeed);

}  // namespace licit::bench
