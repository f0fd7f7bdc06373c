// The solver session both analyses run: one z3 context and incremental solver over the record's
// variables and the encoded programs (analysis/encode.h), queries with a timeout, and witness
// records read back from models.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "analysis/encode.h"
#include "core/decision.h"
#include "ir/ir.h"

namespace licit::analysis {

// Decides a witness record (one JSON object, the input format of `licit run`) with every engine
// the caller has (the interpreter and the JIT), at `as_of` when given. One decision per engine;
// the analyses believe a witness only when all of them agree with what the solver promised.
using DecideWitness = std::function<std::vector<rt::Decision>(const std::string& json,
                                                              std::optional<DayNumber> as_of)>;

struct ProverOptions {
  std::optional<DayNumber> as_of;     // every decision judged at this day
  std::optional<ir::Period> between;  // or at some day in this range
  unsigned timeout_ms = 10000;        // per query; a query past it is "unknown", never a proof
};

enum class Answer : uint8_t { Sat, Unsat, Unknown };

class Prover {
 public:
  // Encodes `programs` (all with the same input layout) over one set of record variables.
  Prover(const std::vector<const ir::Program*>& programs, const ProverOptions& options);

  z3::context& ctx() { return ctx_; }
  RecordVars& vars() { return *vars_; }
  Encoder& encoder(size_t i) { return *encoders_[i]; }

  // Whether some record on some allowed day satisfies `query`. On Sat, `model` (when given) holds
  // a readable one if any exists; on Unknown, `reason` says why ("timeout", ...).
  Answer Check(const z3::expr& query, z3::model* model = nullptr, std::string* reason = nullptr);
  // The same for questions about whole decisions (the effect with and without a rule, of the old
  // set and the new): one solver keeps the large shared formula across such questions, each
  // switched on by a literal of its own, instead of taking it in again each time.
  Answer CheckShared(const z3::expr& query, z3::model* model = nullptr,
                     std::string* reason = nullptr);
  // Unsat under tracked parts: the parts (indices into `parts`) that together cannot hold.
  Answer CheckCore(const std::vector<z3::expr>& parts, std::vector<size_t>* core,
                   std::string* reason);

  // The witness a model describes, as one JSON object line, and the day it is judged at.
  std::string WitnessJson(const z3::model& model) const;
  DayNumber WitnessDay(const z3::model& model) const;

 private:
  z3::solver Solver();
  Answer Run(z3::solver& solver, const z3::expr_vector& assumptions, const z3::expr& query,
             z3::model* model, std::string* reason);

  z3::context ctx_;
  ProverOptions options_;
  z3::expr_vector base_;  // what every record satisfies (RecordVars::WellFormed), the day range
  std::unique_ptr<RecordVars> vars_;
  std::vector<std::unique_ptr<Encoder>> encoders_;
  z3::expr readable_;
  std::optional<z3::solver> local_;   // Check's solver, made on first use
  std::optional<z3::solver> shared_;  // CheckShared's solver, made on first use
  uint64_t shared_queries_ = 0;
};

// The constructs an encoding approximated, in words ("lower(), division"), for messages.
std::string ApproximatedText(const Encoder& encoder);

}  // namespace licit::analysis
