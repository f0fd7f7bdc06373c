// Read-only views of the policy being served, for clients that show it to people (the playground
// of `licit serve --ui`, docs/playground.md): GET /v1/schema (the input record's fields and the
// country codes) and GET /v1/policy/source (the policy files with their declarations, the rules'
// dates among them). Built from the public API alone: Policy's fields and sources, and the
// authoring Workspace's outline and completions, which the language server uses too.
#pragma once

#include <mutex>
#include <string>

#include "licit/licit.hpp"

namespace licit::server {

class PolicyViews {
 public:
  // {"input_type":"std.trade.Shipment","fields":[{"path","type","optional"}],
  //  "countries":[{"code","name"}]}
  std::string SchemaJson(const licit::Policy& policy);
  // {"digest","policies":[{"name","version","file","rules"}],"files":[{"path","root","standard",
  //  "text","declarations":[{"kind","name","detail","begin","end","name_begin","name_end",
  //  "since","until"}]}],"lists":[path],"keywords":[word]}; offsets in UTF-16 code units.
  std::string SourceJson(const licit::Policy& policy);

 private:
  // A policy never changes once compiled: both views are kept for the last digest asked about
  // (an outline compiles every file again, too slow to repeat per request on a large policy).
  // Forgets the views of another policy (a reload). Under mutex_.
  void Follow(const std::string& digest);
  std::mutex mutex_;
  std::string digest_, schema_, source_;
};

}  // namespace licit::server
