#include "tools/licit/options.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>

#include <fmt/format.h>
#include <unistd.h>

namespace licit::cli {

bool ParseByteCount(std::string_view option, std::string_view text, size_t* out,
                    std::string* error) {
  std::string_view digits = text;
  size_t multiplier = 1;
  if (!digits.empty() && (digits.back() == 'K' || digits.back() == 'M' || digits.back() == 'G')) {
    multiplier = digits.back() == 'K'   ? 1024
                 : digits.back() == 'M' ? 1024 * 1024
                                        : 1024 * 1024 * 1024;
    digits.remove_suffix(1);
  }
  size_t bytes = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bytes);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || bytes == 0 ||
      bytes > SIZE_MAX / multiplier) {
    *error = fmt::format("`--{}` takes a positive byte count such as 65536 or 64M, not `{}`",
                         option, text);
    return false;
  }
  *out = bytes * multiplier;
  return true;
}

bool ParseOptions(std::span<const std::string> args, const std::vector<OptionSpec>& extra,
                  CommonOptions* out, std::string* error) {
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_positional || arg == "-" || arg.empty() || arg[0] != '-') {
      out->positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      out->help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      *error = fmt::format("unknown option `{}`", arg);
      return false;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    // Options taking a value accept both `--name=value` and `--name value`.
    auto take_value = [&](std::string* dst) {
      if (inline_value) {
        *dst = *inline_value;
        return true;
      }
      if (i + 1 >= args.size()) {
        *error = fmt::format("option `--{}` needs a value", name);
        return false;
      }
      *dst = args[++i];
      return true;
    };
    auto reject_value = [&]() {
      if (!inline_value) return true;
      *error = fmt::format("option `--{}` takes no value", name);
      return false;
    };

    if (name == "diagnostics") {
      std::string v;
      if (!take_value(&v)) return false;
      if (v == "text") {
        out->diagnostics = DiagnosticsFormat::kText;
      } else if (v == "json") {
        out->diagnostics = DiagnosticsFormat::kJson;
      } else {
        *error = fmt::format("`--diagnostics` must be `text` or `json`, not `{}`", v);
        return false;
      }
      continue;
    }
    if (name == "color" || name == "colour") {
      std::string v;
      if (!take_value(&v)) return false;
      if (v == "auto") {
        out->color = ColorMode::kAuto;
      } else if (v == "always") {
        out->color = ColorMode::kAlways;
      } else if (v == "never") {
        out->color = ColorMode::kNever;
      } else {
        *error = fmt::format("`--color` must be `auto`, `always` or `never`, not `{}`", v);
        return false;
      }
      continue;
    }
    if (name == "max-source-bytes") {
      // A plain byte count with an optional K or M suffix (powers of 1024).
      std::string v;
      if (!take_value(&v)) return false;
      size_t bytes = 0;
      if (!ParseByteCount("max-source-bytes", v, &bytes, error)) return false;
      out->max_source_bytes = bytes;
      continue;
    }
    if (name == "werror") {
      if (!reject_value()) return false;
      out->werror = true;
      continue;
    }
    bool matched = false;
    for (const OptionSpec& spec : extra) {
      if (spec.name != name) continue;
      matched = true;
      if (spec.value) {
        if (!take_value(spec.value)) return false;
      } else {
        if (!reject_value()) return false;
        *spec.flag = true;
      }
      break;
    }
    if (!matched) {
      *error = fmt::format("unknown option `--{}`", name);
      return false;
    }
  }
  return true;
}

bool UseColor(ColorMode mode, bool on_stdout) {
  switch (mode) {
    case ColorMode::kAlways: return true;
    case ColorMode::kNever: return false;
    case ColorMode::kAuto: {
      const char* no_color = std::getenv("NO_COLOR");
      return isatty(on_stdout ? STDOUT_FILENO : STDERR_FILENO) &&
             (no_color == nullptr || *no_color == '\0');
    }
  }
  return false;
}

licit::EngineOptions EngineOptionsFor(const CommonOptions& options, licit::EngineKind engine) {
  licit::EngineOptions out;
  out.engine = engine;
  out.warnings_as_errors = options.werror;
  if (options.max_source_bytes) out.max_source_bytes = *options.max_source_bytes;
  return out;
}

int ReportDiagnostics(const licit::Compilation& compilation, const CommonOptions& options) {
  if (!compilation.ok()) {
    bool internal = false;
    for (const licit::DiagnosticInfo& d : compilation.diagnostics()) {
      if (d.code != "internal") continue;
      WriteStderr(fmt::format("licit: {}\n", d.message));
      internal = true;
    }
    if (internal) return kExitInternal;
  }
  if (options.diagnostics == DiagnosticsFormat::kJson) {
    WriteStdout(compilation.diagnostics_json());
  } else {
    WriteStderr(compilation.diagnostics_text(UseColor(options.color)));
  }
  return compilation.ok() ? kExitOk : kExitPolicyErrors;
}

bool ParseTimeout(const std::string& text, unsigned* ms, std::string* error) {
  char* end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(seconds > 0) || seconds > 86400) {
    *error = fmt::format(
        "--timeout takes seconds per solver query (for example 10 or 0.5), not `{}`", text);
    return false;
  }
  *ms = std::max(1u, static_cast<unsigned>(seconds * 1000 + 0.5));
  return true;
}

int UsageError(std::string_view command, std::string_view message) {
  std::string help = command.empty() ? "licit --help" : fmt::format("licit {} --help", command);
  WriteStderr(fmt::format("licit: {}\nRun `{}` for usage.\n", message, help));
  return kExitUsage;
}

void WriteStdout(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void WriteStderr(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

bool ExpandPolicyPaths(const std::vector<std::string>& args, std::vector<std::string>* out,
                       std::string* error) {
  namespace fs = std::filesystem;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (arg != "-" && fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".licit") {
          found.push_back(it->path().string());
        }
      }
      if (ec) {
        *error = fmt::format("cannot read the directory `{}`: {}", arg, ec.message());
        return false;
      }
      std::sort(found.begin(), found.end());
      out->insert(out->end(), found.begin(), found.end());
    } else {
      out->push_back(arg);
    }
  }
  return true;
}

// The JIT's code cache is on for the command line unless LICIT_JIT_CACHE says otherwise: in
// $XDG_CACHE_HOME/licit/jit, or ~/.cache/licit/jit (the XDG default). A policy run again, the
// usual case (the same rules over each day's shipments), then starts with its machine code instead
// of 45 ms of LLVM for even 4 rules, which with --threads 2 on two cores competes with both
// workers. The library and Python leave the cache off unless the variable is set
// (docs/cli.md, "Environment"). Set before any thread starts, so setenv is safe here.
void DefaultJitCache() {
  if (std::getenv("LICIT_JIT_CACHE") != nullptr) return;  // set, even to "" or "off": the user's
  std::string base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    base = std::string(home) + "/.cache";
  } else {
    return;  // nowhere to keep it
  }
  setenv("LICIT_JIT_CACHE", (base + "/licit/jit").c_str(), /*overwrite=*/0);
}

int RunGuarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    WriteStderr(fmt::format("licit: internal error: {}; please report this as a bug\n", e.what()));
  } catch (...) {
    WriteStderr("licit: internal error: unknown exception; please report this as a bug\n");
  }
  return kExitInternal;
}

}  // namespace licit::cli
