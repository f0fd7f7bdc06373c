// The reference engine: a tree-walking interpreter over ir::Program (language.md sections 4, 5,
// 7). Its decisions define Licit's semantics; the JIT must match them exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decision.h"
#include "core/record.h"
#include "engines/decide/decide.h"
#include "ir/ir.h"

namespace licit::interp {

// The value of one expression for one record (the REPL), rendered as Licit source writes values
// (rt::FormatValue), with the reason in plain words when it is unknown.
struct ExpressionValue {
  bool known = false;
  std::string text;    // "JP", "\"military\"", "{\"a\", \"b\"}", "unknown"
  std::string reason;  // when unknown: "end_user.kind is missing"
  // For `party matches list`: what screening found (the entry, its score and row), whatever the
  // value, so the REPL can show the entry behind a true as well as behind an unknown.
  std::string note;
};

class Interpreter final : public decide::Engine {
 public:
  // The program must outlive the interpreter. Thread-safe: Decide may run on many threads.
  explicit Interpreter(const ir::Program& program);

  rt::Decision Decide(const rt::Record& record,
                      const decide::DecideOptions& options = {}) const override;
  decide::Explanation Explain(const rt::Record& record,
                              const decide::DecideOptions& options = {}) const;
  // Evaluates expression `id` of the program for `record` (laid out as the program's input) at
  // the day RecordDay gives (day 0 when the record has no date and no as_of is given).
  ExpressionValue Evaluate(ir::ExprId id, const rt::Record& record,
                           const decide::DecideOptions& options = {}) const;

 private:
  const ir::Program& program_;
};

}  // namespace licit::interp
