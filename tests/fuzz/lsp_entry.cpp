#include "tests/fuzz/lsp_entry.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/strict_json.h"
#include "tools/licit/lsp/lsp_server.h"

namespace licit::fuzz {
namespace {

size_t g_runs = 0, g_messages_in = 0, g_messages_out = 0;

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

std::string Frame(std::string_view body) {
  return fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
}

}  // namespace

void RunLspConversation(const uint8_t* data, size_t size) {
  ++g_runs;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bool utf8 = !in.empty() && (static_cast<unsigned char>(in[0]) & 1);
  if (!in.empty()) in.remove_prefix(1);
  std::string conversation = Frame(fmt::format(
      R"({{"jsonrpc":"2.0","id":"init","method":"initialize","params":{{"capabilities":{{"general":{{"positionEncodings":["{}"]}}}}}}}})",
      utf8 ? "utf-8" : "utf-16"));
  conversation += Frame(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  // A raw piece may announce a body longer than what follows, and the server then waits for the
  // rest of it (the final requests become part of that body): the shutdown is only required to
  // be answered when every piece was framed here.
  bool raw = false;
  while (!in.empty()) {
    size_t nul = in.find('\0');
    std::string_view piece = in.substr(0, nul);
    in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
    ++g_messages_in;
    if (!piece.empty() && piece[0] == '!') {
      conversation += piece.substr(1);  // raw: the fuzzer's own framing, or garbage
      raw = true;
    } else {
      conversation += Frame(piece);
    }
  }
  conversation += Frame(R"({"jsonrpc":"2.0","id":"bye","method":"shutdown"})");
  conversation += Frame(R"({"jsonrpc":"2.0","method":"exit"})");

  int fd = memfd_create("licit-lsp-fuzz", 0);
  if (fd < 0) Fail("memfd_create", "");
  int status = cli::lsp::ServeBytes(conversation, fd);
  off_t length = lseek(fd, 0, SEEK_END);
  std::string out(static_cast<size_t>(length), '\0');
  if (length > 0 && pread(fd, out.data(), out.size(), 0) != length) Fail("reading the output", "");
  close(fd);

  bool answered_init = false, answered_bye = false;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find("\r\n\r\n", pos);
    if (end == std::string::npos) Fail("output without a header end", out.substr(pos, 200));
    std::string_view header(out.data() + pos, end - pos);
    if (header.rfind("Content-Length: ", 0) != 0) Fail("output header", header);
    size_t n = std::strtoull(std::string(header.substr(16)).c_str(), nullptr, 10);
    if (end + 4 + n > out.size()) Fail("output body shorter than its Content-Length", header);
    std::string_view body(out.data() + end + 4, n);
    if (!StrictJson(body, StrictJson::Options{}).Valid()) Fail("output is not strict JSON", body);
    answered_init = answered_init || body.find(R"("id":"init")") != std::string_view::npos;
    answered_bye = answered_bye || body.find(R"("id":"bye")") != std::string_view::npos;
    ++g_messages_out;
    pos = end + 4 + n;
  }
  if (!answered_init) Fail("no answer to initialize", out.substr(0, 300));
  if (!raw) {
    if (!answered_bye)
      Fail("no answer to shutdown: the server stopped going on", out.substr(0, 2000));
    if (status != 0) Fail("the server did not exit 0 after shutdown and exit", out.substr(0, 300));
  }
}

std::string LspStats() {
  return fmt::format("{} conversations, {} messages in, {} messages out\n", g_runs, g_messages_in,
                     g_messages_out);
}

}  // namespace licit::fuzz
