// `licit lsp`: the Language Server Protocol 3.17 over stdio (docs/editors.md). A thin protocol
// layer over licit::Workspace (the public API): JSON-RPC framing, positions converted between
// the protocol's (line, UTF-16 or UTF-8 column) and the API's byte offsets, and debounced
// diagnostics. Everything the server writes to stdout is a protocol message; its log goes to
// stderr.
#pragma once

#include <string_view>

namespace licit::cli::lsp {

// Serves one client on `in_fd`/`out_fd` until `exit`; returns the process's exit status (0
// after `shutdown`, 1 without it, as the protocol says).
int Serve(int in_fd, int out_fd);

// The same server fed `input` (the bytes a client would send) instead of reading a descriptor;
// diagnostics still due when the input ends are published. For the fuzzer and tests.
int ServeBytes(std::string_view input, int out_fd);

}  // namespace licit::cli::lsp
