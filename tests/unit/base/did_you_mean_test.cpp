#include "base/did_you_mean.h"

#include <catch2/catch.hpp>

namespace licit {
namespace {

TEST_CASE("EditDistance", "[did_you_mean]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("abc", "") == 3);
  CHECK(EditDistance("same", "same") == 0);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("gallium", "galium") == 1);  // deletion
  CHECK(EditDistance("JP", "JO") == 1);           // substitution
  CHECK(EditDistance("Dual", "dual") == 1);       // case-sensitive
}

TEST_CASE("EditDistance counts a transposition as one edit", "[did_you_mean]") {
  CHECK(EditDistance("ab", "ba") == 1);
  CHECK(EditDistance("dual-use", "daul-use") == 1);
  CHECK(EditDistance("jp-military", "jp-militray") == 1);
  // Optimal string alignment: a substring is never edited twice, so "ca" -> "abc" is 3, not 2.
  CHECK(EditDistance("ca", "abc") == 3);
}

TEST_CASE("ClosestMatch finds near misses", "[did_you_mean]") {
  std::vector<std::string> names = {"dual-use", "gallium", "military_uses", "jp-military"};
  CHECK(ClosestMatch("dual-uses", names) == std::optional<std::string>("dual-use"));
  CHECK(ClosestMatch("galium", names) == std::optional<std::string>("gallium"));
  CHECK(ClosestMatch("military_use", names) == std::optional<std::string>("military_uses"));
  CHECK_FALSE(ClosestMatch("tungsten", names));
  CHECK_FALSE(ClosestMatch("x", {}));
}

TEST_CASE("ClosestMatch threshold is max(1, len/3), none for short words", "[did_you_mean]") {
  // Length 6: up to 2 edits.
  CHECK(ClosestMatch("abcdef", {"abcxyf"}) == std::optional<std::string>("abcxyf"));
  CHECK_FALSE(ClosestMatch("abcdef", {"axcxyf"}));
  // Length 3: one edit.
  CHECK(ClosestMatch("abc", {"abd"}) == std::optional<std::string>("abd"));
  // Words under 3 characters are one edit from almost anything: only case-only matches.
  CHECK_FALSE(ClosestMatch("ab", {"ac"}));
  CHECK_FALSE(ClosestMatch("a", {"G"}));
  CHECK(ClosestMatch("ab", {"AB"}) == std::optional<std::string>("AB"));
}

TEST_CASE("ClosestMatch prefers case-only differences and earlier ties", "[did_you_mean]") {
  // A case-only match wins over a closer-by-bytes candidate listed first.
  CHECK(ClosestMatch("Dual-Use", {"Dual-Usx", "dual-use"}) ==
        std::optional<std::string>("dual-use"));
  CHECK(ClosestMatch("jp", {"JO", "JP"}) == std::optional<std::string>("JP"));
  // Ties go to the earliest candidate, so messages are stable.
  CHECK(ClosestMatch("cat", {"bat", "hat"}) == std::optional<std::string>("bat"));
  CHECK(ClosestMatch("cat", {"hat", "bat"}) == std::optional<std::string>("hat"));
  // The word itself is never suggested.
  CHECK_FALSE(ClosestMatch("gallium", {"gallium"}));
}

}  // namespace
}  // namespace licit
