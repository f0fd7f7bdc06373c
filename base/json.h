// JSON string escaping, one implementation for every JSON Licit writes (diagnostics, decisions,
// explanations).
#pragma once

#include <string>
#include <string_view>

namespace licit {

// Appends `s` as a quoted JSON string: `"`, `\` and control characters escaped, UTF-8 kept.
void AppendJsonString(std::string& out, std::string_view s);
// Whether AppendJsonString would escape any byte of `s` (a quote, a backslash, a control byte).
bool NeedsJsonEscape(std::string_view s);

// `s` as a quoted JSON string.
std::string JsonQuote(std::string_view s);

}  // namespace licit
