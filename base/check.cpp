#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace licit::detail {

void CheckFailed(const char* file, int line, const char* what, const char* message) {
  std::fprintf(stderr, "%s:%d: internal error: %s%s%s\nThis is a bug in Licit; please report it.\n",
               file, line, what, *message != '\0' ? ": " : "", message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace licit::detail
