// Memory stays flat over repeated compiles in one process (issue 20): parse and check the example
// policies and varied generated and edited policies 10,000 times through the front end's entry
// (frontend::CompileFiles / CompileText) and require the resident set to grow by less than a bound
// between the end of the warm-up (iteration 1,000) and the last iteration.
//
// Two things in the ANTLR runtime could make it grow (frontend/syntax/parser_cache.h): its
// process-wide prediction caches, which with today's grammar fill up at about 370 DFA states
// whatever the input (the bound empties them beyond kMaxCachedDfaStates, covered by
// unit/frontend's parser cache tests), and ANTLR 4.9's lexer leak on a currency that runs on into
// a name (`100 USDX`), which grew the resident set by about 400 bytes per occurrence per compile
// until the syntax phase's lexers got a leak-free simulator. The example policies alone do neither,
// so most inputs are generated (tests/differential/random_policy.h, plus conditions nested 1-7 deep
// in 0-40 parentheses and two money comparisons) and two in three are edited as in an editor:
// every amount's currency mistyped, or that and the text cut short (typing in progress).
//
// usage: parser_cache_rss_test SOURCE_DIR [--iterations N] [--warmup N] [--max-growth-kib K]
//                              [--verbose]

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <malloc.h>
#include <unistd.h>

#include "frontend/pipeline.h"
#include "frontend/syntax/parser_cache.h"
#include "tests/differential/random_policy.h"

namespace {

using licit::syntax::GetParserCacheStats;
using licit::syntax::ParserCacheStats;

// The resident set once the allocator has returned what is free (malloc_trim): what stays is
// what the process still holds, not how high the heap once reached. Without it the figure
// depended on the last compiles' peak (most compiles here have errors, so they parse twice: one
// declaration at a time, then the whole file), and moved by a megabyte from run to run.
size_t ResidentKib() {
  malloc_trim(0);
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

// A condition `depth` deep wrapped in `parens` parentheses.
std::string Wrapped(licit::testing::Gen& gen, int depth, int parens) {
  return std::string(static_cast<size_t>(parens), '(') + gen.Bool(depth) +
         std::string(static_cast<size_t>(parens), ')');
}

// A well-typed policy that differs from iteration to iteration in the shapes the parser predicts
// over: a random policy plus classes whose conditions nest 1-7 deep inside 0-40 parentheses, and
// amounts of money.
std::string VariedPolicy(licit::testing::Gen& gen) {
  std::string text = gen.Policy();
  for (int i = 0; i < 3; ++i) {
    text += "\nclass extra" + std::to_string(i) + " = " +
            Wrapped(gen, gen.Int(1, 7), gen.Int(0, 40)) + "\n";
  }
  text += "\nclass extra-value = value > " + std::to_string(gen.Int(1, 99999)) +
          " USD or value < " + std::to_string(gen.Int(1, 999)) + ".50 EUR\n";
  return text;
}

// Every amount's currency mistyped so that it runs on into a name: `100 USD` becomes `100 USDX`.
std::string MistypeCurrencies(std::string text) {
  for (size_t i = 0; i + 4 < text.size(); ++i) {
    bool amount = std::isdigit(static_cast<unsigned char>(text[i])) && text[i + 1] == ' ' &&
                  std::isupper(static_cast<unsigned char>(text[i + 2])) &&
                  std::isupper(static_cast<unsigned char>(text[i + 3])) &&
                  std::isupper(static_cast<unsigned char>(text[i + 4]));
    if (amount) text.insert(i + 5, "X");
  }
  return text;
}

std::vector<std::string> ExamplePolicies(const std::string& source_dir) {
  std::vector<std::string> paths;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(source_dir + "/examples")) {
    if (entry.is_regular_file() && entry.path().extension() == ".licit")
      paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: parser_cache_rss_test SOURCE_DIR [--iterations N] [--warmup N] "
                 "[--max-growth-kib K] [--verbose]\n");
    return 2;
  }
  const std::string source_dir = argv[1];
  int iterations = 10000, warmup = 1000;
  size_t max_growth_kib = 1024;
  bool verbose = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::atoi(argv[++i]);
    } else if (arg == "--warmup" && i + 1 < argc) {
      warmup = std::atoi(argv[++i]);
    } else if (arg == "--max-growth-kib" && i + 1 < argc) {
      max_growth_kib = static_cast<size_t>(std::atol(argv[++i]));
    } else if (arg == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
  }

  const std::vector<std::string> examples = ExamplePolicies(source_dir);
  if (examples.empty()) {
    std::fprintf(stderr, "no example policies under %s/examples\n", source_dir.c_str());
    return 1;
  }
  licit::frontend::PipelineOptions options;
  options.lower = false;  // parse and check

  auto started = std::chrono::steady_clock::now();
  size_t rss_after_warmup = 0;
  size_t rss_end = SIZE_MAX;
  size_t errors = 0;
  for (int i = 1; i <= iterations; ++i) {
    licit::SourceManager sources;
    licit::DiagnosticSink diags;
    // One compile in ten is an example policy (each of them in turn); the rest are generated.
    if (i % 10 == 0) {
      const std::string& path = examples[static_cast<size_t>(i / 10) % examples.size()];
      licit::frontend::CompileFiles(sources, {path}, diags, options);
    } else {
      licit::testing::Gen gen(static_cast<uint64_t>(i));
      std::string text = VariedPolicy(gen);
      if (i % 3 != 0) text = MistypeCurrencies(std::move(text));
      if (i % 3 == 2) text.resize(static_cast<size_t>(gen.Int(0, static_cast<int>(text.size()))));
      licit::frontend::CompileText(sources, "varied.licit", std::move(text), diags, options);
    }
    if (diags.has_errors()) ++errors;
    if (i == warmup) rss_after_warmup = ResidentKib();
    // The end's figure is the least of the last 20 compiles': one compile can leave a megabyte
    // resident until the next few (iteration 10,000, an example policy, did: +1.2 MiB, back to
    // +20 KiB ten compiles later), while a leak raises every sample.
    if (i > iterations - 20) rss_end = std::min(rss_end, ResidentKib());
    if (verbose && (i % 500 == 0 || i == 1)) {
      ParserCacheStats s = GetParserCacheStats();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf(
          "%6d  rss %7zu KiB  lexer %5zu  parser %6zu  contexts %6zu  resets %3llu  %.1f s\n", i,
          ResidentKib(), s.lexer_dfa_states, s.parser_dfa_states, s.prediction_contexts,
          static_cast<unsigned long long>(s.resets), seconds);
      std::fflush(stdout);
    }
  }
  const size_t growth = rss_end > rss_after_warmup ? rss_end - rss_after_warmup : 0;
  ParserCacheStats s = GetParserCacheStats();
  std::printf(
      "%d compiles (%zu with errors); resident set after %d: %zu KiB, after %d: %zu KiB "
      "(+%zu KiB, bound %zu KiB); caches: %zu lexer + %zu parser DFA states, %zu contexts, %llu "
      "resets\n",
      iterations, errors, warmup, rss_after_warmup, iterations, rss_end, growth, max_growth_kib,
      s.lexer_dfa_states, s.parser_dfa_states, s.prediction_contexts,
      static_cast<unsigned long long>(s.resets));
  if (growth >= max_growth_kib) {
    std::fprintf(stderr, "FAIL: the resident set grew by %zu KiB (bound %zu KiB)\n", growth,
                 max_growth_kib);
    return 1;
  }
  return 0;
}
