// A unified diff of two texts by lines (`licit fmt --diff`), as `diff -u` prints it: `---`/`+++`
// headers, `@@ -a,b +c,d @@` hunks with three lines of context.
#pragma once

#include <string>
#include <string_view>

namespace licit::cli {

// "" when the texts are equal. A last line without a newline is marked as diff does
// ("\ No newline at end of file").
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label, int context = 3);

}  // namespace licit::cli
