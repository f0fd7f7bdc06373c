// Checked invariants. A broken invariant is a bug in Licit, never a user's mistake (those are
// diagnostics, or error decisions): it prints the file and line with what was expected and
// aborts, in every build, instead of going on with a made-up value.
//
//   LICIT_CHECK(index < size)           the condition is the message
//   LICIT_CHECK_MSG(kind != Unknown, "a typed node")
//   LICIT_UNREACHABLE("every Op is handled above")   after an exhaustive switch
#pragma once

namespace licit::detail {
[[noreturn]] void CheckFailed(const char* file, int line, const char* what, const char* message);
}  // namespace licit::detail

#define LICIT_CHECK(cond)                                                           \
  do {                                                                              \
    if (!(cond)) [[unlikely]]                                                       \
      ::licit::detail::CheckFailed(__FILE__, __LINE__, "check failed: " #cond, ""); \
  } while (false)

#define LICIT_CHECK_MSG(cond, message)                                                   \
  do {                                                                                   \
    if (!(cond)) [[unlikely]]                                                            \
      ::licit::detail::CheckFailed(__FILE__, __LINE__, "check failed: " #cond, message); \
  } while (false)

#define LICIT_UNREACHABLE(message) \
  ::licit::detail::CheckFailed(__FILE__, __LINE__, "unreachable", message)
