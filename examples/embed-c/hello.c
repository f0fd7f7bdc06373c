/* hello: the smallest complete use of Licit's C ABI (docs/embedding.md, "A first program in C").
 * Compiles a policy given as text, decides one JSON record, prints its effect, rules and JSON. */
#include <licit/licit.h>
#include <stdio.h>
#include <string.h>

static const char policy_text[] =
    "policy hello.export\n"
    "\n"
    "class rare-earth = has(item.cn) and item.cn under [\"1C902\", \"1C903\"]\n"
    "\n"
    "rare-earth to any except KR: license since 2025-04\n"
    "  because \"Rare earths need a licence\"\n";

int main(void) {
  const char* record =
      "{\"id\":\"S-1\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{\"cn\":\"1C902.a\"}"
      "}";
  licit_engine* engine = NULL;
  licit_compilation* compilation = NULL;
  licit_policy* policy = NULL;
  licit_decision* decision = NULL;
  char* text = NULL;
  size_t i;
  int code = 1;

  if (licit_engine_new(&engine) != LICIT_OK) goto fail;
  if (licit_compile_source(engine, "hello.licit", policy_text, strlen(policy_text), &compilation) !=
      LICIT_OK) {
    /* The compilation exists even when it failed: print its diagnostics. */
    if (compilation && licit_compilation_diagnostics_text(compilation, 0, &text) == LICIT_OK) {
      fputs(text, stderr);
      licit_string_free(text);
    }
    goto done;
  }
  if (licit_compilation_policy(compilation, &policy) != LICIT_OK) goto fail;
  if (licit_policy_decide_json(policy, record, strlen(record), NULL, &decision) != LICIT_OK)
    goto fail;

  printf("%s\n", licit_effect_name(licit_decision_effect(decision))); /* license */
  for (i = 0; i < licit_decision_rule_count(decision); ++i) {
    licit_rule rule;
    if (licit_decision_rule(decision, i, &rule) == LICIT_OK) {
      printf("  %s: %s (%s)\n", rule.name, rule.because ? rule.because : "", rule.at);
    }
  }
  if (licit_decision_json(decision, &text, NULL) == LICIT_OK) {
    printf("%s\n", text);
    licit_string_free(text);
  }
  code = 0;
  goto done;

fail:
  fprintf(stderr, "hello: %s\n", licit_last_error());
done:
  licit_decision_free(decision);
  licit_policy_free(policy);
  licit_compilation_free(compilation);
  licit_engine_free(engine);
  return code;
}
