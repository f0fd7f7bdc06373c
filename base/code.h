// Classification codes (ECCN `3A001.a.2`, HS `8542.31`, `EAR99`): one definition of what a valid
// code is, shared by the checker (code literals) and the record readers (code fields).
#pragma once

#include <string_view>

namespace licit {

// Letter/digit segments separated by single dots (ASCII only, whatever the locale).
bool IsValidCode(std::string_view text);

}  // namespace licit
