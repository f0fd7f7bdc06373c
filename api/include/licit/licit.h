/* Licit's C ABI (C11): the C++ API of licit.hpp behind opaque handles, for C and for the foreign
 * function interfaces of Python, Go, Rust and Java. docs/embedding.md has complete examples.
 *
 * Conventions
 * - Functions that can fail return a licit_status. LICIT_OK is 0. On failure, licit_last_error()
 *   returns a message for the failing call (per thread; valid until this thread's next call that
 *   returns a status). No C++ exception ever crosses this boundary.
 * - Results come back through out-parameters. A handle received through an out-parameter is
 *   owned by the caller and released with its *_free function (each accepts NULL). Strings
 *   returned through `char**` are owned by the caller and released with licit_string_free.
 *   Strings returned as `const char*` by accessors are borrowed from the handle and stay valid
 *   until that handle is freed.
 * - NULL handles and NULL required pointers return LICIT_ERR_INVALID_ARGUMENT. A handle of the
 *   wrong type, or one already freed, returns LICIT_ERR_INVALID_HANDLE on a best-effort basis:
 *   every handle carries a type tag that *_free clears, but using freed memory is still undefined
 *   behaviour in C, so do not rely on it beyond catching mistakes.
 * - Text is UTF-8. Invalid UTF-8 in a path, source, field name or value returns LICIT_ERR_UTF8;
 *   in a JSON record it is an error decision with status LICIT_ERR_UTF8 (below).
 * - Threads: a licit_policy and a licit_policy_slot may be used from many threads at once.
 *   An engine may compile on several threads at once. A licit_compilation, licit_decision and
 *   licit_explanation may be read from several threads but not freed while in use. A licit_record
 *   must not be changed while another thread uses it.
 */
#ifndef LICIT_LICIT_H_
#define LICIT_LICIT_H_

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define LICIT_C_API __attribute__((visibility("default")))
#else
#define LICIT_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every enum below ends with LICIT_INT_RANGE(...): two enumerators that are not values but make
 * every int a valid value of the type in C++ as it is in C, and the type int-sized. A C caller may
 * pass any int (a stale or wrong constant); the library must be able to read it and answer
 * LICIT_ERR_INVALID_ARGUMENT, which in C++ is undefined behaviour for an enum whose enumerators
 * do not span the value (clang's -fsanitize=enum reports it). Never pass these two. */
#define LICIT_INT_RANGE(prefix) prefix##_INT_MIN_ = -2147483647 - 1, prefix##_INT_MAX_ = 2147483647

typedef enum licit_status {
  LICIT_OK = 0,
  LICIT_ERR_INVALID_ARGUMENT = 1, /* a NULL pointer, an index out of range, a bad option value */
  LICIT_ERR_INVALID_HANDLE = 2,   /* a handle of another type, or one already freed */
  LICIT_ERR_COMPILE = 3,          /* the policy has errors (see the compilation's diagnostics) */
  LICIT_ERR_JSON = 4,             /* malformed JSON, or not a JSON object */
  LICIT_ERR_UTF8 = 5,             /* text that is not valid UTF-8 */
  LICIT_ERR_RECORD = 6,           /* a record that does not fit the policy's input type */
  LICIT_ERR_NO_POLICY = 7,        /* an empty policy slot */
  LICIT_ERR_UNAVAILABLE = 8,      /* the JIT was asked for in a build without LLVM */
  LICIT_ERR_INTERNAL = 9,         /* out of memory, or a bug (please report it) */
  LICIT_ERR_IO = 10,              /* reading an input file descriptor failed */
  LICIT_ERR_STOPPED = 11,         /* a callback returned nonzero to stop the call */
  LICIT_INT_RANGE(LICIT_STATUS)
} licit_status;

/* Decision effects, weakest first; LICIT_EFFECT_ERROR for a record that could not be judged. */
typedef enum licit_effect {
  LICIT_EFFECT_ALLOW = 0,
  LICIT_EFFECT_EXEMPT = 1,
  LICIT_EFFECT_REVIEW = 2,
  LICIT_EFFECT_LICENSE = 3,
  LICIT_EFFECT_DENY = 4,
  LICIT_EFFECT_ERROR = 5,
  LICIT_INT_RANGE(LICIT_EFFECT)
} licit_effect;

typedef enum licit_engine_kind {
  LICIT_ENGINE_DEFAULT = 0, /* tiered: the interpreter at once, the JIT from when its background
                               compile is ready (licit_policy_jit_state); the interpreter alone in
                               a build without LLVM */
  LICIT_ENGINE_INTERP = 1,
  LICIT_ENGINE_JIT = 2,
  LICIT_INT_RANGE(LICIT_ENGINE_KIND)
} licit_engine_kind;

typedef struct licit_engine licit_engine;
typedef struct licit_compilation licit_compilation;
typedef struct licit_policy licit_policy;
typedef struct licit_decision licit_decision;
typedef struct licit_explanation licit_explanation;
typedef struct licit_record licit_record;
typedef struct licit_policy_slot licit_policy_slot;

/* ---- Library ---------------------------------------------------------------------------- */

LICIT_C_API const char* licit_version(void);               /* "0.1.0"; static storage */
LICIT_C_API const char* licit_status_name(licit_status s); /* "LICIT_ERR_JSON"; static */
LICIT_C_API const char* licit_effect_name(licit_effect e); /* "deny"; static */
/* The message of this thread's last failing call, "" after a call that succeeded. */
LICIT_C_API const char* licit_last_error(void);
/* Frees a string returned through a char** out-parameter. NULL is allowed. */
LICIT_C_API void licit_string_free(char* s);

/* ---- Engine and compilation ------------------------------------------------------------- */

LICIT_C_API licit_status licit_engine_new(licit_engine** out);
/* LICIT_ERR_UNAVAILABLE for LICIT_ENGINE_JIT in a build without LLVM. */
LICIT_C_API licit_status licit_engine_new_with(licit_engine_kind kind, int warnings_as_errors,
                                               licit_engine** out);
LICIT_C_API void licit_engine_free(licit_engine* engine);

/* Compiles policy files. LICIT_OK when the policy compiled; LICIT_ERR_COMPILE when it has errors,
 * in which case *out is still set (read its diagnostics, then free it). */
LICIT_C_API licit_status licit_compile_files(const licit_engine* engine, const char* const* paths,
                                             size_t count, licit_compilation** out);
/* Compiles one policy given as text (`len` bytes, need not be NUL-terminated); `name` is used in
 * diagnostics and as the base of relative imports. Same statuses as licit_compile_files. */
LICIT_C_API licit_status licit_compile_source(const licit_engine* engine, const char* name,
                                              const char* text, size_t len,
                                              licit_compilation** out);
/* 1 when the compilation succeeded, 0 when it failed or the handle is invalid. */
LICIT_C_API int licit_compilation_ok(const licit_compilation* c);
LICIT_C_API size_t licit_compilation_error_count(const licit_compilation* c);
LICIT_C_API size_t licit_compilation_warning_count(const licit_compilation* c);
/* The diagnostics as text (`licit check`; color: 0 or 1) or as one JSON document. */
LICIT_C_API licit_status licit_compilation_diagnostics_text(const licit_compilation* c, int color,
                                                            char** out);
LICIT_C_API licit_status licit_compilation_diagnostics_json(const licit_compilation* c, char** out);

/* One diagnostic; its strings are borrowed from the compilation. */
typedef struct licit_diagnostic {
  int severity;     /* 0 error, 1 warning, 2 note */
  const char* code; /* "E0305" */
  const char* message;
  const char* file; /* "" when it has no location */
  uint32_t line, column;
  const char* label; /* "" when none */
  const char* help;  /* the first help line, "" when none */
} licit_diagnostic;
LICIT_C_API size_t licit_compilation_diagnostic_count(const licit_compilation* c);
LICIT_C_API licit_status licit_compilation_diagnostic(const licit_compilation* c, size_t index,
                                                      licit_diagnostic* out);
/* The compiled policy (a new reference; free it with licit_policy_free). LICIT_ERR_COMPILE when
 * the compilation failed; LICIT_ERR_NO_POLICY for the compilation of a dump. */
LICIT_C_API licit_status licit_compilation_policy(const licit_compilation* c, licit_policy** out);
LICIT_C_API void licit_compilation_free(licit_compilation* c);

/* The stages of the compiler licit_dump_files prints (`licit dump --emit=STAGE`). */
typedef enum licit_dump_stage {
  LICIT_DUMP_TOKENS = 0,  /* the token stream; each file alone */
  LICIT_DUMP_AST = 1,     /* the syntax tree; each file alone */
  LICIT_DUMP_CHECKED = 2, /* declarations with resolved names and types */
  LICIT_DUMP_IR = 3,      /* the lowered program (files without errors) */
  LICIT_DUMP_LLVM = 4,    /* the JIT's LLVM module (LICIT_ERR_COMPILE without LLVM) */
  LICIT_INT_RANGE(LICIT_DUMP_STAGE)
} licit_dump_stage;
/* Runs the compiler on policy files up to `stage` and prints it, as Engine::dump_files does.
 * *text receives the stage ("" when it could not be reached); free it with licit_string_free.
 * When `diagnostics` is not NULL, *diagnostics receives a compilation holding the diagnostics
 * (it has no policy; free it with licit_compilation_free). LICIT_OK, or LICIT_ERR_COMPILE when
 * there were errors, with both outputs set. */
LICIT_C_API licit_status licit_dump_files(const licit_engine* engine, const char* const* paths,
                                          size_t count, licit_dump_stage stage, char** text,
                                          licit_compilation** diagnostics);

/* ---- Policy ------------------------------------------------------------------------------- */

/* Another reference to the same immutable policy (cheap). */
LICIT_C_API licit_status licit_policy_clone(const licit_policy* p, licit_policy** out);
LICIT_C_API void licit_policy_free(licit_policy* p);

/* The JIT of a policy compiled with LICIT_ENGINE_DEFAULT: NONE for the interpreter alone (or an
 * invalid handle), COMPILING while its background compile runs (the interpreter decides
 * meanwhile: the same decisions), READY when the JIT decides, FAILED when it could not compile
 * (the interpreter goes on deciding). licit_policy_wait_for_jit blocks until a compile has ended
 * and returns the state then. */
typedef enum licit_jit_state {
  LICIT_JIT_NONE = 0,
  LICIT_JIT_COMPILING = 1,
  LICIT_JIT_READY = 2,
  LICIT_JIT_FAILED = 3,
  LICIT_INT_RANGE(LICIT_JIT_STATE)
} licit_jit_state;
LICIT_C_API licit_jit_state licit_policy_jit_state(const licit_policy* p);
LICIT_C_API licit_jit_state licit_policy_wait_for_jit(const licit_policy* p);
/* For a program about to exit with policies still alive: stops the JIT's background compiles of
 * the code for records with unknown values (compiled when a record first needs it) and waits for
 * them; later ones do not start (the interpreter decides those records). */
LICIT_C_API void licit_stop_background_compiles(void);

/* Decides one JSON record (`len` bytes). `as_of` is NULL, or a date "2026-01-06" to judge at
 * instead of the record's date. *out always receives a decision on LICIT_OK, LICIT_ERR_JSON,
 * LICIT_ERR_UTF8 and LICIT_ERR_RECORD: for the three errors it is an `error` decision (effect
 * LICIT_EFFECT_ERROR, the message `licit eval` prints, and the id when it could be read), which
 * the caller frees like any other. A bad `as_of` is LICIT_ERR_INVALID_ARGUMENT with no decision. */
LICIT_C_API licit_status licit_policy_decide_json(const licit_policy* p, const char* json,
                                                  size_t len, const char* as_of,
                                                  licit_decision** out);
/* The same, for a record read from line `line` (1-based) of an input: error decisions name the
 * line as `licit run` does ("line 18: field ..."), so a service's output matches the CLI's. */
LICIT_C_API licit_status licit_policy_decide_json_line(const licit_policy* p, const char* json,
                                                       size_t len, const char* as_of, uint64_t line,
                                                       licit_decision** out);
/* Decides a record built with licit_policy_new_record. Same statuses (LICIT_ERR_RECORD when the
 * record had a bad field or misses a required one). */
LICIT_C_API licit_status licit_policy_decide_record(const licit_policy* p, const licit_record* r,
                                                    const char* as_of, licit_decision** out);
/* Explains one JSON record: as licit_policy_decide_json, with an explanation. */
LICIT_C_API licit_status licit_policy_explain_json(const licit_policy* p, const char* json,
                                                   size_t len, const char* as_of,
                                                   licit_explanation** out);
/* Runs the policy's `test` blocks and rule coverage (`licit test`). *passed and *failed receive
 * the counts (either pointer may be NULL). When `text` is not NULL, *text receives the report as
 * `licit test` prints it; when `json` is not NULL, *json receives it as one JSON document
 * (`licit test --format json`); free them with licit_string_free. LICIT_OK whether or not the
 * tests pass: compare *failed with 0. */
LICIT_C_API licit_status licit_policy_run_tests(const licit_policy* p, size_t* passed,
                                                size_t* failed, char** text, char** json);

/* ---- Screening a stream (`licit run`) ----------------------------------------------------- */

/* The format of a stream of records, or of decisions. */
typedef enum licit_format {
  LICIT_FORMAT_JSON_LINES = 0, /* one JSON object per line (blank lines are not records) */
  LICIT_FORMAT_CSV = 1,        /* a header row naming fields by path, then a row per record */
  LICIT_INT_RANGE(LICIT_FORMAT)
} licit_format;

/* Receives the decisions, in input order, in chunks of whole lines (`len` bytes, each line ending
 * in '\n'; not NUL-terminated, valid only during the call). Return 0 to go on; any other value
 * stops the screen, and licit_policy_screen_fd returns LICIT_ERR_STOPPED. Called one call at a
 * time, but with `threads` > 1 not necessarily on the calling thread. */
typedef int (*licit_write_fn)(void* user, const char* data, size_t len);
/* Called on the calling thread after each block of records (a few thousand) with the decisions
 * written and the input bytes read so far. Nonzero stops the screen, as for licit_write_fn. */
typedef int (*licit_progress_fn)(void* user, uint64_t records, uint64_t bytes);

/* Options of licit_policy_screen_fd. Start from licit_screen_options_init (or pass NULL options
 * for the defaults). Only read during the call. */
typedef struct licit_screen_options {
  licit_format input;         /* LICIT_FORMAT_JSON_LINES (default) or LICIT_FORMAT_CSV */
  licit_format output;        /* JSON Lines (default: the lines of licit_decision_json) or CSV */
  unsigned threads;           /* default 1; 0: one per core. The output bytes do not depend on it */
  const char* as_of;          /* NULL (default), or a date "2026-01-06" to judge every record at */
  licit_effect fail_on;       /* decisions at least this strong set the summary's `tripped`:
                               * LICIT_EFFECT_REVIEW, _LICENSE or _DENY; LICIT_EFFECT_ALLOW (0,
                               * the default) never trips */
  licit_progress_fn progress; /* NULL (default): no progress calls */
  void* progress_user;        /* passed to `progress` */
} licit_screen_options;

/* Sets the defaults: JSON Lines in and out, 1 thread, no as_of, no fail_on, no progress. */
LICIT_C_API void licit_screen_options_init(licit_screen_options* options);

/* What a screen did. */
typedef struct licit_screen_summary {
  uint64_t records;      /* decisions written: one per record, errors included */
  uint64_t by_effect[6]; /* decisions per effect, indexed by licit_effect */
  int tripped;           /* 1 when some decision reached options->fail_on (errors never do) */
  char error[256];       /* "" on LICIT_OK; else licit_last_error(), cut to 255 bytes at a
                          * character boundary */
} licit_screen_summary;

/* Screens the records read from `input_fd` to its end (the descriptor is read, never closed or
 * seeked; a pipe, a socket or a file): one decision per record, in input order, passed to
 * `write`; a record that cannot be read or judged is an error decision naming its line, and the
 * screen goes on. The bytes written are exactly those of the C++ Policy::screen (`licit run`).
 * `options` may be NULL (the defaults); `out` may be NULL.
 * LICIT_OK when every record was screened. LICIT_ERR_IO when reading `input_fd` failed: the
 * records before the failure were screened and written, and *out counts them.
 * LICIT_ERR_STOPPED when `write` or `progress` returned nonzero: nothing is written after that,
 * the input may have been read past the last record written, and *out's counts are 0.
 * LICIT_ERR_INVALID_ARGUMENT for a NULL policy or `write`, a closed or write-only `input_fd`, a
 * bad as_of, format, or fail_on (LICIT_ERR_UTF8 for an as_of that is not UTF-8); nothing is read
 * or written then. *out is always filled. */
LICIT_C_API licit_status licit_policy_screen_fd(const licit_policy* p, int input_fd,
                                                licit_write_fn write, void* user,
                                                const licit_screen_options* options,
                                                licit_screen_summary* out);

/* ---- Decision ----------------------------------------------------------------------------- */

LICIT_C_API licit_effect licit_decision_effect(const licit_decision* d); /* ERROR if invalid */
/* For an error decision, the reason; "" otherwise (or for an invalid handle). */
LICIT_C_API const char* licit_decision_error(const licit_decision* d);
/* The record's id, or NULL when it has none. */
LICIT_C_API const char* licit_decision_id(const licit_decision* d);
/* The decision as one JSON line, byte for byte what `licit run` writes (no newline); *len may be
 * NULL. Free *out with licit_string_free. */
LICIT_C_API licit_status licit_decision_json(const licit_decision* d, char** out, size_t* len);

/* A contributing rule; strings borrowed from the decision, NULL for absent optional fields. */
typedef struct licit_rule {
  const char* name;
  licit_effect effect;
  const char* license; /* NULL when none */
  const char* because; /* NULL when none */
  const char* cite;    /* NULL when none */
  const char* at;      /* "file:line:col" */
  const char* policy;
} licit_rule;
LICIT_C_API size_t licit_decision_rule_count(const licit_decision* d);
LICIT_C_API licit_status licit_decision_rule(const licit_decision* d, size_t index,
                                             licit_rule* out);
LICIT_C_API size_t licit_decision_license_count(const licit_decision* d);
LICIT_C_API const char* licit_decision_license(const licit_decision* d, size_t index);
LICIT_C_API size_t licit_decision_unknown_count(const licit_decision* d);
/* The rule and the reason of an unknown; both borrowed. */
LICIT_C_API licit_status licit_decision_unknown(const licit_decision* d, size_t index,
                                                const char** rule, const char** reason);
LICIT_C_API void licit_decision_free(licit_decision* d);

/* ---- Explanation -------------------------------------------------------------------------- */

/* The decision explained (borrowed: valid until the explanation is freed; do not free it). */
LICIT_C_API const licit_decision* licit_explanation_decision(const licit_explanation* e);
LICIT_C_API licit_status licit_explanation_text(const licit_explanation* e, char** out);
LICIT_C_API licit_status licit_explanation_json(const licit_explanation* e, char** out);
LICIT_C_API void licit_explanation_free(licit_explanation* e);

/* ---- Typed records ------------------------------------------------------------------------ */

/* An empty record of the policy's input type. */
LICIT_C_API licit_status licit_policy_new_record(const licit_policy* p, licit_record** out);
/* Sets a field by dotted path ("item.hs") from text, read by the field's type ("JP",
 * "2026-02-01", "1200.00 USD", "true", "12"). LICIT_ERR_RECORD for an unknown field or a value of
 * the wrong type (the record then decides as an error). */
LICIT_C_API licit_status licit_record_set(licit_record* r, const char* path, const char* value);
LICIT_C_API licit_status licit_record_set_bool(licit_record* r, const char* path, int value);
LICIT_C_API licit_status licit_record_set_int(licit_record* r, const char* path, int64_t value);
/* A set<T> or list<T> field from `count` texts. */
LICIT_C_API licit_status licit_record_set_list(licit_record* r, const char* path,
                                               const char* const* items, size_t count);
LICIT_C_API licit_status licit_record_set_null(licit_record* r, const char* path);
/* Every field missing again, the error forgotten (reuse one record for many). */
LICIT_C_API licit_status licit_record_clear(licit_record* r);
LICIT_C_API void licit_record_free(licit_record* r);

/* ---- Hot reload --------------------------------------------------------------------------- */

/* A slot holding the current policy; every function is thread-safe. */
LICIT_C_API licit_status licit_policy_slot_new(licit_policy_slot** out);
/* Swaps `p` in (the slot takes its own reference; the caller still frees `p`). Decisions in
 * flight finish on the policy they started with. */
LICIT_C_API licit_status licit_policy_slot_store(licit_policy_slot* slot, const licit_policy* p);
/* A new reference to the current policy; LICIT_ERR_NO_POLICY when nothing was stored. */
LICIT_C_API licit_status licit_policy_slot_load(const licit_policy_slot* slot, licit_policy** out);
/* Decides on the current policy (as licit_policy_decide_json). */
LICIT_C_API licit_status licit_policy_slot_decide_json(const licit_policy_slot* slot,
                                                       const char* json, size_t len,
                                                       const char* as_of, licit_decision** out);
LICIT_C_API void licit_policy_slot_free(licit_policy_slot* slot);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LICIT_LICIT_H_ */
