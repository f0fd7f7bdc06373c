// `gen_policy [--rules N] [--seed S] [--out FILE]`: writes a generated benchmark policy (see
// policy_gen.h) to FILE or stdout, so `licit check` can be run on exactly what bench_check times.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "bench/policy_gen.h"

int main(int argc, char** argv) {
  licit::bench::PolicyShape shape;
  std::string out_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--rules" || arg == "--seed" || arg == "--out") && i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--rules") shape.rules = std::atoi(value.c_str());
      if (arg == "--seed") shape.seed = std::strtoull(value.c_str(), nullptr, 10);
      if (arg == "--out") out_path = value;
    } else {
      std::fprintf(stderr, "usage: gen_policy [--rules N] [--seed S] [--out FILE]\n");
      return 2;
    }
  }
  std::string text = licit::bench::GeneratePolicy(shape);
  if (out_path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::ofstream out(out_path, std::ios::binary);
  out << text;
  if (!out.flush()) {
    std::fprintf(stderr, "gen_policy: cannot write %s: %s\n", out_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  return 0;
}
