// Classification codes (ECCN `3A001.a.2`, HS `8542.31`, `EAR99`): one definition of what a valid
// code is, shared by the checker (code literals) and the record readers (code fields).
#pragma once

#include <string_view>

namespace licit {

// Letter/digit segments separated by single dots (ASCII only, whatever the locale).
bool IsValidCode(std::string_view text);

// Digits and dots with at least one digit (an HS code like `8542.31`): `under` compares such codes
// as digit prefixes with the dots ignored. The runtime's `under` and the analysis's classes of
// codes both ask this, so they cannot disagree on which codes are digit codes.
bool IsDigitCode(std::string_view text);

}  // namespace licit
