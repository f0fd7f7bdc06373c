#include "tests/fuzz/engines_entry.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "tests/differential/differential.h"
#include "tests/differential/random_policy.h"

namespace licit::fuzz {
namespace {

testing::DiffCoverage g_coverage;

}  // namespace

int RunEngines(const uint8_t* data, size_t size, int max_records) {
  if (size < 2) return 0;
  // 512 to 4,096 records: compiling the policy with LLVM costs as much as deciding about 1,000
  // records under the sanitizers, so fewer would leave the fuzzer compiling more than comparing.
  int records = 512 << (data[0] & 3);
  if (max_records > 0 && records > max_records) records = max_records;
  const bool fixed_day = (data[0] & 8) != 0;
  testing::Gen policy_gen(data + 1, size - 1);
  const std::string text = policy_gen.Policy();

  std::string error;
  std::unique_ptr<testing::EngineDiff> diff = testing::EngineDiff::Compile(text, &error);
  if (!diff) {
    // The generator writes only valid policies: an error is a bug in it or in the compiler.
    std::fprintf(stderr, "generated policy does not compile:\n%s\n%s\n", error.c_str(),
                 text.c_str());
    std::abort();
  }
  // The index-free interpreter (path 2) on one record in four: on the wide policies it judges
  // hundreds of rules a record, most of the time otherwise; a fault of the rule index shows in
  // far more than one record of thousands.
  diff->set_index_check_every(4);
  testing::Gen record_gen(testing::Gen::HashBytes(data, size));
  testing::DiffFailure failure;
  for (int i = 0; i < records; ++i) {
    decide::DecideOptions options;
    if (fixed_day) options.as_of = 20100 + static_cast<DayNumber>(data[0]) * 3;
    else if (i % 17 == 0) options.as_of = 20100 + static_cast<DayNumber>(i % 700);
    if (!diff->Check(record_gen.Record(i), options, &failure)) {
      std::fprintf(stderr, "%s", failure.Text().c_str());
      std::abort();
    }
  }
  g_coverage.Add(diff->coverage());
  return records;
}

std::string EnginesCoverageText() { return g_coverage.Text(); }

}  // namespace licit::fuzz
