/* The C ABI from C11 (built with -std=c11 -pedantic -Werror): compile, decide, a record, a slot,
 * a screen of a pipe, and misuse. Exits 0 when every check passes; prints the failing line
 * otherwise. */
#define _POSIX_C_SOURCE 200809L /* pipe, write, close */

#include <licit/licit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond)                                                                \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "%s:%d: CHECK(%s) failed (%s)\n", __FILE__, __LINE__, #cond, \
              licit_last_error());                                                 \
      ++failures;                                                                  \
    }                                                                              \
  } while (0)

/* A growing buffer that a screen writes into; stops the screen at write number `stop_at`. */
typedef struct output {
  char* data;
  size_t len;
  size_t writes;
  size_t stop_at;
} output;

static int append_output(void* user, const char* data, size_t len) {
  output* o = (output*)user;
  char* grown = (char*)realloc(o->data, o->len + len + 1);
  if (!grown) return -1;
  o->data = grown;
  memcpy(o->data + o->len, data, len);
  o->len += len;
  o->data[o->len] = '\0';
  ++o->writes;
  return o->writes == o->stop_at ? 1 : 0;
}

/* A pipe holding `text` (small: it fits the pipe's buffer) and then its end. */
static int pipe_of(const char* text) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  if (write(fds[1], text, strlen(text)) != (ssize_t)strlen(text)) return -1;
  close(fds[1]);
  return fds[0];
}

/* Screens a pipe of JSON Lines: the output must be licit_policy_decide_json_line's decisions, one
 * line each, blank lines skipped; then a writer that stops, and bad arguments. */
static void screen_a_pipe(const licit_policy* policy) {
  const char* lines[] = {
      "{\"id\":\"S1\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{\"cn\":\"1C902\"}}",
      "",
      "{\"id\":\"S2\",\"date\":",
      "{\"id\":\"S3\",\"date\":\"2026-02-01\",\"destination\":\"KR\",\"item\":{\"hs\":\"0101\"}}",
  };
  const size_t count = sizeof lines / sizeof lines[0];
  char input[1024] = "";
  output want = {NULL, 0, 0, 0};
  output got = {NULL, 0, 0, 0};
  licit_screen_options options;
  licit_screen_summary summary;
  size_t i;
  int fd;

  for (i = 0; i < count; ++i) {
    strcat(input, lines[i]);
    strcat(input, "\n");
    if (lines[i][0] != '\0') {
      licit_decision* d = NULL;
      char* json = NULL;
      size_t len = 0;
      licit_policy_decide_json_line(policy, lines[i], strlen(lines[i]), NULL, i + 1, &d);
      CHECK(licit_decision_json(d, &json, &len) == LICIT_OK);
      append_output(&want, json, len);
      append_output(&want, "\n", 1);
      licit_string_free(json);
      licit_decision_free(d);
    }
  }

  licit_screen_options_init(&options);
  options.fail_on = LICIT_EFFECT_LICENSE;
  fd = pipe_of(input);
  CHECK(fd >= 0);
  CHECK(licit_policy_screen_fd(policy, fd, append_output, &got, &options, &summary) == LICIT_OK);
  close(fd);
  CHECK(got.data != NULL && want.data != NULL && got.len == want.len &&
        memcmp(got.data, want.data, got.len) == 0);
  CHECK(summary.records == 3);
  CHECK(summary.by_effect[LICIT_EFFECT_LICENSE] == 1);
  CHECK(summary.by_effect[LICIT_EFFECT_ALLOW] == 1);
  CHECK(summary.by_effect[LICIT_EFFECT_ERROR] == 1);
  CHECK(summary.tripped == 1);
  CHECK(summary.error[0] == '\0');

  /* A writer that returns nonzero stops the screen. */
  free(got.data);
  got.data = NULL;
  got.len = got.writes = 0;
  got.stop_at = 1;
  fd = pipe_of(input);
  CHECK(licit_policy_screen_fd(policy, fd, append_output, &got, NULL, &summary) ==
        LICIT_ERR_STOPPED);
  close(fd);
  CHECK(got.writes == 1);
  CHECK(summary.records == 0 && strcmp(summary.error, licit_last_error()) == 0);
  CHECK(strstr(summary.error, "the write callback returned 1") != NULL);

  /* Bad arguments: an error status, never a crash, nothing written. */
  got.writes = 0;
  fd = pipe_of(input);
  CHECK(licit_policy_screen_fd(NULL, fd, append_output, &got, NULL, &summary) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_screen_fd(policy, -1, append_output, &got, NULL, &summary) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_screen_fd(policy, fd, NULL, &got, NULL, NULL) == LICIT_ERR_INVALID_ARGUMENT);
  options.as_of = "2026-02-30";
  CHECK(licit_policy_screen_fd(policy, fd, append_output, &got, &options, &summary) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(strstr(summary.error, "2026-02-30") != NULL);
  close(fd);
  CHECK(licit_policy_screen_fd(policy, fd, append_output, &got, NULL, &summary) ==
        LICIT_ERR_INVALID_ARGUMENT); /* closed */
  CHECK(got.writes == 0);
  free(got.data);
  free(want.data);
}

int main(int argc, char** argv) {
  const char* record =
      "{\"id\":\"R1\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"item\":{\"cn\":\"1C902\"}}";
  licit_engine* engine = NULL;
  licit_compilation* compilation = NULL;
  licit_policy* policy = NULL;
  licit_decision* decision = NULL;
  licit_record* rec = NULL;
  licit_policy_slot* slot = NULL;
  char* json = NULL;
  size_t len = 0;
  licit_rule rule;

  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY\n", argv[0]);
    return 2;
  }
  CHECK(licit_engine_new(&engine) == LICIT_OK);
  CHECK(licit_compile_files(engine, (const char* const*)&argv[1], 1, &compilation) == LICIT_OK);
  CHECK(licit_compilation_ok(compilation) == 1);
  CHECK(licit_compilation_policy(compilation, &policy) == LICIT_OK);

  /* The default engine is tiered: the JIT compiles in the background and is ready when waited
   * for (this build has LLVM); the interpreter alone never has one. */
  {
    licit_jit_state state = licit_policy_jit_state(policy);
    licit_engine* interp = NULL;
    licit_compilation* interp_compilation = NULL;
    licit_policy* interp_policy = NULL;
    CHECK(state == LICIT_JIT_COMPILING || state == LICIT_JIT_READY);
    CHECK(licit_policy_wait_for_jit(policy) == LICIT_JIT_READY);
    CHECK(licit_policy_jit_state(policy) == LICIT_JIT_READY);
    CHECK(licit_policy_jit_state(NULL) == LICIT_JIT_NONE);
    CHECK(licit_engine_new_with(LICIT_ENGINE_INTERP, 0, &interp) == LICIT_OK);
    CHECK(licit_compile_files(interp, (const char* const*)&argv[1], 1, &interp_compilation) ==
          LICIT_OK);
    CHECK(licit_compilation_policy(interp_compilation, &interp_policy) == LICIT_OK);
    CHECK(licit_policy_jit_state(interp_policy) == LICIT_JIT_NONE);
    CHECK(licit_policy_wait_for_jit(interp_policy) == LICIT_JIT_NONE);
    licit_policy_free(interp_policy);
    licit_compilation_free(interp_compilation);
    licit_engine_free(interp);
  }

  CHECK(licit_policy_decide_json(policy, record, strlen(record), NULL, &decision) == LICIT_OK);
  CHECK(licit_decision_effect(decision) == LICIT_EFFECT_LICENSE);
  CHECK(strcmp(licit_effect_name(licit_decision_effect(decision)), "license") == 0);
  CHECK(licit_decision_rule_count(decision) == 3);
  CHECK(licit_decision_rule(decision, 0, &rule) == LICIT_OK);
  CHECK(strcmp(rule.name, "dual-use-to-any") == 0);
  CHECK(licit_decision_json(decision, &json, &len) == LICIT_OK);
  CHECK(json != NULL && strlen(json) == len && strncmp(json, "{\"id\":\"R1\"", 10) == 0);
  licit_string_free(json);
  licit_decision_free(decision);
  decision = NULL;

  /* Malformed JSON: an error status and an error decision. */
  CHECK(licit_policy_decide_json(policy, "{\"id\":", 6, NULL, &decision) == LICIT_ERR_JSON);
  CHECK(decision != NULL && licit_decision_effect(decision) == LICIT_EFFECT_ERROR);
  CHECK(strncmp(licit_last_error(), "malformed JSON", 14) == 0);
  licit_decision_free(decision);
  decision = NULL;
  CHECK(licit_policy_decide_json(policy, "{\"id\":\"\xff\"}", 10, NULL, &decision) ==
        LICIT_ERR_UTF8);
  licit_decision_free(decision);
  decision = NULL;

  /* A typed record. */
  CHECK(licit_policy_new_record(policy, &rec) == LICIT_OK);
  CHECK(licit_record_set(rec, "id", "C1") == LICIT_OK);
  CHECK(licit_record_set(rec, "date", "2026-02-01") == LICIT_OK);
  CHECK(licit_record_set(rec, "destination", "JP") == LICIT_OK);
  CHECK(licit_record_set(rec, "item.cn", "1C902") == LICIT_OK);
  CHECK(licit_record_set(rec, "destination", "UK") == LICIT_ERR_RECORD);
  CHECK(strstr(licit_last_error(), "did you mean `GB`") != NULL);
  CHECK(licit_record_clear(rec) == LICIT_OK);
  CHECK(licit_record_set(rec, "id", "C2") == LICIT_OK);
  CHECK(licit_record_set(rec, "date", "2026-02-01") == LICIT_OK);
  CHECK(licit_record_set(rec, "destination", "KR") == LICIT_OK);
  CHECK(licit_record_set(rec, "item.hs", "0101") == LICIT_OK);
  CHECK(licit_policy_decide_record(policy, rec, NULL, &decision) == LICIT_OK);
  CHECK(licit_decision_effect(decision) == LICIT_EFFECT_ALLOW);
  licit_decision_free(decision);
  decision = NULL;
  licit_record_free(rec);

  /* Hot reload through a slot. */
  CHECK(licit_policy_slot_new(&slot) == LICIT_OK);
  CHECK(licit_policy_slot_decide_json(slot, record, strlen(record), NULL, &decision) ==
        LICIT_ERR_NO_POLICY);
  CHECK(licit_policy_slot_store(slot, policy) == LICIT_OK);
  CHECK(licit_policy_slot_decide_json(slot, record, strlen(record), NULL, &decision) == LICIT_OK);
  licit_decision_free(decision);
  licit_policy_slot_free(slot);

  /* The policy's test blocks (the example's all pass). */
  {
    size_t passed = 0, failed = 1;
    char* text = NULL;
    CHECK(licit_policy_run_tests(policy, &passed, &failed, &text, NULL) == LICIT_OK);
    CHECK(passed > 0 && failed == 0);
    CHECK(text != NULL && strstr(text, " passed, 0 failed\n") != NULL);
    licit_string_free(text);
  }

  /* A stage of the compiler printed. */
  {
    char* text = NULL;
    CHECK(licit_dump_files(engine, (const char* const*)&argv[1], 1, LICIT_DUMP_AST, &text, NULL) ==
          LICIT_OK);
    CHECK(text != NULL && strncmp(text, "(module", 7) == 0);
    licit_string_free(text);
  }

  screen_a_pipe(policy);

  /* Misuse never crashes. */
  CHECK(licit_policy_decide_json(NULL, record, strlen(record), NULL, &decision) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_policy_decide_json((const licit_policy*)engine, record, 3, NULL, &decision) ==
        LICIT_ERR_INVALID_HANDLE);
  CHECK(licit_decision_effect(NULL) == LICIT_EFFECT_ERROR);
  licit_decision_free(NULL);

  licit_policy_free(policy);
  licit_compilation_free(compilation);
  licit_engine_free(engine);
  if (failures == 0) printf("c_abi_test: all checks passed (licit %s)\n", licit_version());
  return failures == 0 ? 0 : 1;
}
