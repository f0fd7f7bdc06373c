#include "base/code.h"

namespace licit {

bool IsValidCode(std::string_view text) {
  if (text.empty()) return false;
  bool segment_empty = true;
  for (char c : text) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c == '.') {
      if (segment_empty) return false;
      segment_empty = true;
    } else if (alnum) {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

bool IsDigitCode(std::string_view text) {
  bool digit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '.') {
      return false;
    }
  }
  return digit;
}

}  // namespace licit
