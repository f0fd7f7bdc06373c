// The record readers' fuzz entries (fuzz_jsonl_reader, fuzz_csv_reader) and the regression test
// share these, so a reproducer saved from a fuzzing run is replayed through exactly the code that
// found it, in every build (gcc included).
//
// Both read the bytes as a whole input file with io::MakeReader into one fixed record layout (a
// policy compiled once, whose input record has a field of every kind the readers decode, nested
// records and optional parts), and compare what the reader made against references written here.
// A broken invariant prints the line and both results and aborts (a crash to libFuzzer).
#pragma once

#include <cstdint>
#include <string_view>

namespace licit::fuzz {

// Counters over every input run in this process, so the regression test can show (and require)
// that the comparisons really ran rather than being skipped on every line.
struct ReaderStats {
  uint64_t jsonl_lines = 0;      // non-blank lines, each one outcome
  uint64_t jsonl_ok = 0;         // read as records
  uint64_t jsonl_fast = 0;       // of those, decoded by the fast path on its own
  uint64_t jsonl_compared = 0;   // compared with the DOM reference (accept/reject and values)
  uint64_t jsonl_malformed = 0;  // not JSON by the strict grammar, so required to be errors
  uint64_t csv_rows = 0;         // records after the header, each one outcome
  uint64_t csv_ok = 0;           // read as records
  uint64_t csv_compared = 0;     // RFC 4180 rows compared with the reference reader
};

// `data` as a JSON Lines file. Checks that every non-blank line has exactly one outcome, with its
// line number, in order; that the reader's result for each line equals simdjson's general path
// alone (io::internal::ReadJsonRecordGeneral: accept/reject, error text, every slot), that the fast
// path never accepts a line differently, and that the block reader of `licit run --threads`
// (io::LineBlockReader + io::JsonLineDecoder) gives the same results; and, where the line is
// within its reach, against a reference decoder over simdjson's DOM API and a strict RFC 8259
// grammar check: malformed JSON must be an error, and otherwise accept/reject and every slot must
// be what the reference decodes. Returns the number of outcomes.
uint64_t RunJsonLinesReader(std::string_view data);

// `data` as a CSV file (cli.md, "CSV input"). Checks that every record after the header has
// exactly one outcome, at the line the record starts on, in order, against a reference RFC 4180
// reader written here (quoted cells spanning lines, `""`, blank lines skipped, the header's dotted
// paths); for rows written in RFC 4180's grammar, accept/reject and every slot must be what the
// reference decodes. Returns the number of outcomes.
uint64_t RunCsvReader(std::string_view data);

const ReaderStats& Stats();

}  // namespace licit::fuzz
