/* screen: the screening filter of examples/embed-cpp, written in C11 against Licit's C ABI
 * (docs/embedding.md). Reads shipments as JSON Lines on stdin, writes one decision per line on
 * stdout exactly as `licit run` writes them, and for every denial prints the rules that fired to
 * stderr.
 *
 *   screen POLICY.licit [MORE.licit...] < shipments.jsonl > decisions.jsonl
 *
 * Exit status: 0, 1 policy errors, 2 usage, 4 some records could not be judged, 70 internal. */
#include <licit/licit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads one line of any length (without its '\n') into *buf; 0 at end of input. */
static int read_line(FILE* in, char** buf, size_t* cap, size_t* len) {
  size_t n = 0;
  int c;
  while ((c = fgetc(in)) != EOF && c != '\n') {
    if (n + 1 >= *cap) {
      size_t bigger = *cap ? *cap * 2 : 4096;
      char* grown = realloc(*buf, bigger);
      if (!grown) return -1;
      *buf = grown;
      *cap = bigger;
    }
    (*buf)[n++] = (char)c;
  }
  if (c == EOF && n == 0) return 0;
  if (*cap == 0) {
    *buf = malloc(1);
    if (!*buf) return -1;
    *cap = 1;
  }
  (*buf)[n] = '\0';
  *len = n;
  return 1;
}

static int is_blank(const char* s) {
  for (; *s; ++s) {
    if (*s != ' ' && *s != '\t' && *s != '\r') return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  licit_engine* engine = NULL;
  licit_compilation* compilation = NULL;
  licit_policy* policy = NULL;
  char *line = NULL, *diagnostics = NULL;
  size_t cap = 0, len = 0;
  unsigned long long line_number = 0, errors = 0, denied = 0, total = 0;
  licit_status status;
  int exit_code = 0, got;

  if (argc < 2) {
    fprintf(stderr, "usage: %s POLICY.licit [MORE.licit...] < records.jsonl\n", argv[0]);
    return 2;
  }
  if (licit_engine_new(&engine) != LICIT_OK) {
    fprintf(stderr, "screen: %s\n", licit_last_error());
    return 70;
  }
  status =
      licit_compile_files(engine, (const char* const*)(argv + 1), (size_t)(argc - 1), &compilation);
  /* Warnings and errors, as `licit check` prints them ("" when clean). */
  if (compilation && licit_compilation_diagnostics_text(compilation, 0, &diagnostics) == LICIT_OK) {
    fputs(diagnostics, stderr);
    licit_string_free(diagnostics);
  }
  if (status != LICIT_OK) {
    exit_code = status == LICIT_ERR_COMPILE ? 1 : 70;
    goto done;
  }
  if (licit_compilation_policy(compilation, &policy) != LICIT_OK) {
    exit_code = 70;
    goto done;
  }

  while ((got = read_line(stdin, &line, &cap, &len)) == 1) {
    licit_decision* d = NULL;
    char* json = NULL;
    size_t json_len = 0;
    ++line_number;
    if (is_blank(line)) continue; /* blank lines are not records */
    ++total;
    /* LICIT_OK, or an error status with an `error` decision for a bad line: write it either way. */
    status = licit_policy_decide_json_line(policy, line, len, NULL, line_number, &d);
    if (!d) {
      fprintf(stderr, "screen: line %llu: %s\n", line_number, licit_last_error());
      exit_code = 70;
      break;
    }
    if (status != LICIT_OK) ++errors;
    if (licit_decision_json(d, &json, &json_len) == LICIT_OK) {
      fwrite(json, 1, json_len, stdout);
      fputc('\n', stdout);
      licit_string_free(json);
    }
    if (licit_decision_effect(d) == LICIT_EFFECT_DENY) {
      size_t i, n = licit_decision_rule_count(d);
      const char* id = licit_decision_id(d);
      ++denied;
      for (i = 0; i < n; ++i) {
        licit_rule rule;
        if (licit_decision_rule(d, i, &rule) == LICIT_OK && rule.effect == LICIT_EFFECT_DENY) {
          fprintf(stderr, "denied %s: %s (%s)%s%s\n", id ? id : "(no id)", rule.name, rule.at,
                  rule.cite ? ": " : "", rule.cite ? rule.cite : "");
        }
      }
    }
    licit_decision_free(d);
  }
  if (got < 0) {
    fprintf(stderr, "screen: out of memory\n");
    exit_code = 70;
  }
  fprintf(stderr, "screen: %llu records, %llu denied, %llu could not be judged\n", total, denied,
          errors);
  if (exit_code == 0 && errors > 0) exit_code = 4;

done:
  free(line);
  licit_policy_free(policy);
  licit_compilation_free(compilation);
  licit_engine_free(engine);
  return exit_code;
}
