// screen: a small screening service built on Licit's C++ API (docs/embedding.md).
//
// Reads shipments as JSON Lines on stdin and writes one decision per line on stdout, in input
// order, exactly as `licit run` writes them. A summary goes to stderr. On SIGHUP it recompiles
// the policy files and swaps the new policy in without stopping (hot reload); if the new version
// has errors it keeps the old one and says why.
//
//   screen --policy examples/cn-japan-2026.licit [--policy more.licit] [--as-of 2026-01-06]
//          [--engine interp|jit] < shipments.jsonl > decisions.jsonl
//
// Exit status: 0, 1 policy errors, 2 usage, 4 some records could not be judged.

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <licit/licit.hpp>

namespace {

volatile std::sig_atomic_t g_reload = 0;
void OnHangup(int) { g_reload = 1; }

int Usage(const std::string& why) {
  std::cerr << "screen: " << why
            << "\nusage: screen --policy FILE [--policy FILE]... [--as-of DATE] "
               "[--engine interp|jit] < records.jsonl\n";
  return 2;
}

// Compiles the policy files; on errors prints the diagnostics and returns an empty Policy.
licit::Policy Compile(const licit::Engine& engine, const std::vector<std::string>& files) {
  licit::Compilation c = engine.compile_files(files);
  std::cerr << c.diagnostics_text();  // warnings too; "" when clean
  return c.policy();                  // empty (invalid) when c.ok() is false
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  licit::EngineOptions engine_options;
  licit::DecideOptions decide_options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return Usage("`" + arg + "` needs a value");
    std::string value = argv[++i];
    if (arg == "--policy") {
      files.push_back(value);
    } else if (arg == "--as-of") {
      decide_options.as_of = value;
    } else if (arg == "--engine" && (value == "interp" || value == "jit")) {
      engine_options.engine =
          value == "jit" ? licit::EngineKind::Jit : licit::EngineKind::Interpreter;
    } else {
      return Usage("unknown option `" + arg + " " + value + "`");
    }
  }
  if (files.empty()) return Usage("give at least one --policy FILE");

  licit::Engine engine(engine_options);
  licit::Policy first = Compile(engine, files);
  if (!first.valid()) return 1;
  // The slot holds the current policy; a reload swaps a new one in (one thread here, but a
  // multi-threaded server would share the slot and call slot.load() per request).
  licit::PolicySlot slot(first);
  std::signal(SIGHUP, OnHangup);

  uint64_t line_number = 0, counts[6] = {};
  std::string line, out;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank: not a record
    if (g_reload) {
      g_reload = 0;
      licit::Policy next = Compile(engine, files);
      if (next.valid()) {
        slot.store(next);
        std::cerr << "screen: policy reloaded\n";
      } else {
        std::cerr << "screen: the new policy has errors; still using the previous one\n";
      }
    }
    licit::Policy policy = slot.load();
    decide_options.line = line_number;  // errors then read "line 18: ..." as in `licit run`
    licit::Decision d = policy.decide_json(line, decide_options);
    ++counts[static_cast<int>(d.effect())];
    out.clear();
    d.append_json(out);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  std::cerr << "screen: " << line_number << " lines: deny " << counts[4] << ", license "
            << counts[3] << ", review " << counts[2] << ", exempt " << counts[1] << ", allow "
            << counts[0] << ", error " << counts[5] << "\n";
  return counts[5] > 0 ? 4 : 0;
}
