// gen_records: writes the reference workload (bench/reference_workload.h), the same bytes as
// /work/shared/bench/gen-records.mjs, without Node.
//   gen_records [--n 1000000] [--seed 20260106] [--csv] --out FILE
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/reference_workload.h"

int main(int argc, char** argv) {
  uint64_t n = licit::bench::kReferenceCount;
  uint32_t seed = licit::bench::kReferenceSeed;
  bool csv = false;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--n" && i + 1 < argc) {
      n = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--seed" && i + 1 < argc) {
      seed = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--csv") {
      csv = true;
    } else if (a == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      std::fprintf(stderr, "usage: gen_records [--n N] [--seed S] [--csv] --out FILE\n");
      return 2;
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "usage: gen_records [--n N] [--seed S] [--csv] --out FILE\n");
    return 2;
  }
  if (!licit::bench::WriteReferenceFile(out, n, csv, seed)) {
    std::perror(out.c_str());
    return 1;
  }
  return 0;
}
