// `licit lsp`: the language server (lsp/lsp_server.h), on stdin and stdout.

#include <unistd.h>

#include "tools/licit/commands.h"
#include "tools/licit/lsp/lsp_server.h"
#include "tools/licit/options.h"

namespace licit::cli {
namespace {

int RunLsp(std::span<const std::string> args) {
  CommonOptions options;
  bool stdio = false;  // accepted for the clients that pass it (vscode-languageclient does)
  std::string error;
  if (!ParseOptions(args, {{"stdio", nullptr, &stdio}}, &options, &error)) {
    return UsageError("lsp", error);
  }
  if (options.help) {
    WriteStdout(kLspCommand.help);
    return kExitOk;
  }
  if (!options.positional.empty()) return UsageError("lsp", "`lsp` takes no FILE");
  return lsp::Serve(STDIN_FILENO, STDOUT_FILENO);
}

}  // namespace

const Command kLspCommand = {
    "lsp",
    "the language server for editors (LSP 3.17 over stdio)",
    R"(Usage: licit lsp [--stdio]

Speaks the Language Server Protocol 3.17 on stdin and stdout, for an editor to start: the
diagnostics of `licit check` as you type (for open files and the files importing them), hover,
completion, go to definition (into the standard library too), references, the outline,
formatting (`licit fmt`), rename, and code lenses that run the test blocks. Set up VS Code,
Neovim, Emacs or Helix as docs/editors.md says. Only protocol messages go to stdout; the log goes
to stderr.

Options:
  --stdio     accepted and ignored (stdio is the only transport)
  -h, --help  show this help

Exit status: 0 after the client's `shutdown` and `exit`, 1 when the input ends or `exit` comes
without `shutdown`, 2 usage error.

Example (what an editor runs):
  licit lsp
)",
    RunLsp,
};

}  // namespace licit::cli
