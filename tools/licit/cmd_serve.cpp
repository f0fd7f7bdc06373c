// `licit serve`: runs licit-serve, the service program (tools/serve/), in this process's place.
//
// The service is a separate executable because of what loading it costs: cpp-httplib's library
// brings OpenSSL, whose initialisation (run by the loader before main) reads openssl.cnf and
// registers its error strings. That was 2.4 ms of every `licit` command's start, `licit run`
// and `licit check` included, for the one command that serves HTTP.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <limits.h>
#include <unistd.h>

#include "tools/licit/commands.h"
#include "tools/licit/options.h"
#include "tools/licit/serve_help.h"

namespace licit::cli {
namespace {

// licit-serve beside this executable (the build tree and an installation both put them in one
// directory), or empty if this executable's own path cannot be read.
std::string ServiceProgram() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  std::string path(self, static_cast<size_t>(n));
  const size_t slash = path.rfind('/');
  return path.substr(0, slash + 1) + "licit-serve";
}

int RunServe(std::span<const std::string> args) {
  // The help needs no service: it is printed here, so it works wherever licit does.
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a == "-h" || a == "--help") {
      WriteStdout(kServeHelp);
      return kExitOk;
    }
  }
  const std::string program = ServiceProgram();
  if (program.empty()) {
    WriteStderr(fmt::format("licit: cannot find licit-serve: reading /proc/self/exe: {}\n",
                            std::strerror(errno)));
    return kExitInternal;
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("licit-serve"));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(nullptr);
  execv(program.c_str(), argv.data());  // returns only if it failed
  WriteStderr(fmt::format(
      "licit: cannot run the service program `{}`: {}\n(`licit serve` runs licit-serve, which is "
      "built and installed beside licit)\n",
      program, std::strerror(errno)));
  return kExitInternal;
}

}  // namespace

const Command kServeCommand = {"serve", kServeSummary, kServeHelp, RunServe};

}  // namespace licit::cli
