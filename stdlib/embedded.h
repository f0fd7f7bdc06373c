// The standard library's Licit sources, embedded in the binary at build time.
#pragma once

#include <string_view>
#include <vector>

namespace licit::stdlib {

struct EmbeddedModule {
  std::string_view name;    // "std.trade"
  std::string_view path;    // "stdlib/std/trade.licit", shown in diagnostics
  std::string_view source;  // the file's text
};

// Every embedded module, sorted by name.
const std::vector<EmbeddedModule>& EmbeddedModules();

}  // namespace licit::stdlib
