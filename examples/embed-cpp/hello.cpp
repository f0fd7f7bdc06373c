// hello: the smallest complete use of Licit's C++ API (docs/embedding.md, "A first program").
// Compiles a policy given as text, decides one record built with the typed builder and one given
// as JSON, and explains the second.
#include <iostream>

#include <licit/licit.hpp>

int main() {
  licit::Engine engine;  // cheap; one per process is enough
  licit::Compilation c = engine.compile_source("hello.licit", R"(policy hello.export
  title "Hello, Licit"

class rare-earth = has(item.cn) and item.cn under ["1C902", "1C903"]

rare-earth to any except KR: license since 2025-04
  because "Rare earths need a licence"
)");
  if (!c.ok()) {
    std::cerr << c.diagnostics_text();
    return 1;
  }
  licit::Policy policy = c.policy();  // immutable, cheap to copy, safe on many threads

  // A record without JSON: fields by path, checked against the input type as they are set.
  licit::Record r = policy.new_record();
  r.set("id", "S-1")
      .set_date("date", "2026-02-01")
      .set_country("destination", "JP")
      .set_code("item.cn", "1C902.a");
  licit::Decision d = policy.decide(r);
  std::cout << d.effect_name() << "\n";  // license
  for (const licit::RuleHit& hit : d.rules()) {
    std::cout << "  " << hit.rule << ": " << hit.because.value_or("") << " (" << hit.at << ")\n";
  }

  // The same from JSON, and the decision as `licit run` writes it.
  const char* json = R"({"id":"S-2","date":"2026-02-01","destination":"KR","item":{"cn":"1C902"}})";
  std::cout << policy.decide_json(json).to_json() << "\n";
  std::cout << policy.explain_json(json).to_text();

  // A record that cannot be judged is an error decision, never an exception.
  licit::Decision bad = policy.decide_json(R"({"id":"S-3","destination":"XX"})");
  std::cout << bad.effect_name() << ": " << bad.error() << "\n";
  return 0;
}
