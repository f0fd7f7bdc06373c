// Replays request files through the HTTP request fuzzer's entry (RunServerRequest) in every build,
// so what fuzzing found stays fixed: ctest `fuzz/server`. Every regular file under the given
// directories is one request (its first two bytes choose the endpoint, query, Content-Type and
// headers; the rest is the body: tests/fuzz/README.md). A broken invariant aborts, naming the file
// (printed first).
//
//   run_server_regressions DIR_OR_FILE...

#include <cstdio>

#include "tests/fuzz/replay_files.h"
#include "tests/fuzz/server_request_entry.h"

int main(int argc, char** argv) {
  size_t replayed = 0;
  int status = licit::fuzz::ReplayFiles(argc, argv, "run_server_regressions",
                                        licit::fuzz::RunServerRequest, &replayed);
  if (status != 0) return status;
  std::printf("%zu request files replayed\n%s", replayed,
              licit::fuzz::ServerRequestStats().c_str());
  return 0;
}
