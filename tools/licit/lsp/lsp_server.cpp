#include "tools/licit/lsp/lsp_server.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "licit/licit.hpp"
#include "tools/licit/write_all.h"

namespace licit::cli::lsp {
namespace {

using json = nlohmann::json;

// JSON-RPC and LSP error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kServerNotInitialized = -32002;
constexpr int kRequestFailed = -32803;

// Diagnostics wait this long after the last change before a check (typing is not interrupted by
// a check of every keystroke).
constexpr int kDebounceMs = 150;

// A message larger than this is refused (and skipped), so a client cannot make the server
// allocate without bound.
constexpr size_t kMaxMessageBytes = size_t{64} << 20;

void Log(const std::string& text) {
  std::string line = "licit lsp: " + text + "\n";
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

// --- URIs and positions -------------------------------------------------------------------------

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// file:///a/b%20c.licit -> /a/b c.licit; other schemes are kept whole as the "path".
std::string PathOfUri(const std::string& uri) {
  if (uri.rfind("file://", 0) != 0) return uri;
  std::string rest = uri.substr(7);
  size_t slash = rest.find('/');
  rest = slash == std::string::npos ? "" : rest.substr(slash);  // drop an authority
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 &&
        HexValue(rest[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

std::string UriOfPath(const std::string& path) {
  if (path.find("://") != std::string::npos) return path;
  std::string abs = std::filesystem::absolute(path).lexically_normal().string();
  std::string out = "file://";
  for (unsigned char c : abs) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// A parameter that is not what the protocol says (the request fails with InvalidParams).
struct InvalidParams : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A `uinteger` member of a protocol object. JSON allows any number there, so one that is not a
// whole number from 0 to 2^31 - 1 is refused, never converted (a float beyond the range of an
// integer type is undefined behaviour in C++; the fuzzer found nlohmann-json's `value()` doing
// exactly that for `"line": 9.9e30`).
uint32_t UInteger(const json& object, const char* key) {
  if (!object.is_object()) throw InvalidParams("a position must be an object");
  auto it = object.find(key);
  if (it == object.end()) throw InvalidParams(fmt::format("`{}` is missing", key));
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    if (v <= 0x7fffffffu) return static_cast<uint32_t>(v);
  } else if (it->is_number_integer()) {
    int64_t v = it->get<int64_t>();
    if (v >= 0 && v <= 0x7fffffff) return static_cast<uint32_t>(v);
  }
  throw InvalidParams(fmt::format("`{}` must be a whole number from 0 to 2147483647", key));
}

// Byte offsets <-> protocol positions for one text. The protocol counts columns in UTF-16 code
// units unless the client accepted UTF-8.
class LineIndex {
 public:
  LineIndex(const std::string& text, bool utf8) : text_(text), utf8_(utf8) {
    starts_.push_back(0);
    for (uint32_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }

  uint32_t Offset(const json& position) const {
    uint32_t line = UInteger(position, "line");
    uint32_t character = UInteger(position, "character");
    if (line >= starts_.size()) return static_cast<uint32_t>(text_.size());
    uint32_t i = starts_[line];
    uint32_t units = 0;
    while (i < text_.size() && text_[i] != '\n' && units < character) {
      uint32_t len = SequenceLength(static_cast<unsigned char>(text_[i]));
      units += utf8_ ? len : (len == 4 ? 2 : 1);
      i += len;
    }
    return std::min<uint32_t>(i, static_cast<uint32_t>(text_.size()));
  }

  json Position(uint32_t offset) const {
    offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    uint32_t line = static_cast<uint32_t>(it - starts_.begin()) - 1;
    uint32_t units = 0;
    for (uint32_t i = starts_[line]; i < offset;) {
      uint32_t len = SequenceLength(static_cast<unsigned char>(text_[i]));
      units += utf8_ ? len : (len == 4 ? 2 : 1);
      i += len;
    }
    return json{{"line", line}, {"character", units}};
  }

  // A 1-based line and code-point column (the API's diagnostics) as a position.
  json PositionOfColumn(uint32_t line1, uint32_t column1) const {
    if (line1 == 0) return json{{"line", 0}, {"character", 0}};
    uint32_t line = std::min<uint32_t>(line1 - 1, static_cast<uint32_t>(starts_.size() - 1));
    uint32_t i = starts_[line];
    for (uint32_t cp = 1; cp < column1 && i < text_.size() && text_[i] != '\n'; ++cp) {
      i += SequenceLength(static_cast<unsigned char>(text_[i]));
    }
    return Position(i);
  }

  json Range(uint32_t begin, uint32_t end) const {
    return json{{"start", Position(begin)}, {"end", Position(end)}};
  }

 private:
  static uint32_t SequenceLength(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;  // a stray byte counts as one unit
  }

  const std::string& text_;
  bool utf8_;
  std::vector<uint32_t> starts_;
};

// --- The server ---------------------------------------------------------------------------------

class Server {
 public:
  Server(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}
  // Input given whole, instead of read from in_fd (ServeBytes).
  Server(std::string_view input, int out_fd) : in_fd_(-1), out_fd_(out_fd), input_(input) {
    eof_ = true;
  }

  int Run() {
    for (;;) {
      std::optional<std::string> body = NextMessage();
      if (!body) break;  // end of input
      if (body->empty()) continue;
      Dispatch(*body);
      if (exit_requested_) break;
    }
    return shutdown_ ? 0 : 1;
  }

 private:
  // --- Framing ------------------------------------------------------------------------------

  // The next message's body, publishing due diagnostics while waiting; "" for a framing error
  // that was skipped; nullopt at the end of input.
  std::optional<std::string> NextMessage() {
    for (;;) {
      if (auto body = TakeMessage()) return body;
      if (eof_) {
        PublishDirty();  // diagnostics still due are sent before the end
        return std::nullopt;
      }
      int timeout = dirty_.empty() ? -1 : kDebounceMs;
      pollfd pfd{in_fd_, POLLIN, 0};
      int ready = poll(&pfd, 1, timeout);
      if (ready == 0) {
        PublishDirty();
        continue;
      }
      if (ready < 0 && errno == EINTR) continue;
      char buf[1 << 16];
      ssize_t n = read(in_fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      input_.append(buf, static_cast<size_t>(n));
    }
  }

  // A complete message from the buffer, if there is one. Headers end with an empty line;
  // Content-Length is required.
  std::optional<std::string> TakeMessage() {
    SkipPending();
    if (skip_ > 0) return std::nullopt;
    size_t end = input_.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (input_.size() > 1 << 16) {  // no header end in 64 KiB: garbage; drop it
        Log("discarding input without a message header");
        input_.clear();
      }
      return std::nullopt;
    }
    std::string headers = input_.substr(0, end);
    std::optional<size_t> length;
    size_t pos = 0;
    while (pos <= headers.size()) {
      size_t eol = headers.find("\r\n", pos);
      std::string line =
          headers.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
      std::string lower = line;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (lower.rfind("content-length:", 0) == 0) {
        std::string value = line.substr(15);
        value.erase(0, value.find_first_not_of(" \t"));
        char* stop = nullptr;
        errno = 0;
        unsigned long long v = std::strtoull(value.c_str(), &stop, 10);
        if (errno == 0 && stop != value.c_str() && *stop == '\0') length = v;
      }
      if (eol == std::string::npos) break;
      pos = eol + 2;
    }
    if (!length || *length > kMaxMessageBytes) {
      Log(length ? "message too large; skipped"
                 : "message without a valid Content-Length; skipped");
      input_.erase(0, end + 4);
      if (length) skip_ = *length;
      SkipPending();
      return std::string();
    }
    if (input_.size() < end + 4 + *length) return std::nullopt;
    std::string body = input_.substr(end + 4, *length);
    input_.erase(0, end + 4 + *length);
    return body;
  }

  void SkipPending() {
    size_t n = std::min(skip_, input_.size());
    input_.erase(0, n);
    skip_ -= n;
  }

  void Send(const json& message) {
    std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
    std::string out = fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
    // A failure means the client is gone; `exit` or end of input ends the loop.
    (void)WriteAll(out_fd_, out);
  }
  void Reply(const json& id, json result) {
    Send(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void Error(const json& id, int code, const std::string& message) {
    Send(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void Notify(const std::string& method, json params) {
    Send(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  // --- Dispatch -----------------------------------------------------------------------------

  void Dispatch(const std::string& body) {
    json message = json::parse(body, nullptr, false);
    if (message.is_discarded()) {
      Error(nullptr, kParseError, "the message is not valid JSON");
      return;
    }
    if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
      // A response to a request of ours (we send none) or a malformed message.
      if (message.is_object() && message.contains("id") && !message.contains("result") &&
          !message.contains("error")) {
        Error(message["id"], kInvalidRequest, "a request needs a `method` string");
      } else if (!message.is_object()) {
        Error(nullptr, kInvalidRequest, "a message must be a JSON object");
      }
      return;
    }
    std::string method = message["method"];
    bool is_request = message.contains("id");
    json id = is_request ? message["id"] : json();
    json params = message.value("params", json::object());
    if (!params.is_object() && !params.is_array()) params = json::object();
    try {
      if (is_request) {
        HandleRequest(id, method, params);
      } else {
        HandleNotification(method, params);
      }
    } catch (const InvalidParams& e) {
      if (is_request) Error(id, kInvalidParams, fmt::format("invalid params: {}", e.what()));
      Log(fmt::format("{}: invalid params: {}", method, e.what()));
    } catch (const json::exception& e) {
      // A parameter of the wrong type: the request fails, the server goes on.
      if (is_request) Error(id, kInvalidParams, fmt::format("invalid params: {}", e.what()));
      Log(fmt::format("{}: invalid params: {}", method, e.what()));
    } catch (const std::exception& e) {
      if (is_request) Error(id, kRequestFailed, e.what());
      Log(fmt::format("{}: {}", method, e.what()));
    }
  }

  void HandleRequest(const json& id, const std::string& method, const json& params) {
    if (method == "initialize") {
      Initialize(id, params);
      return;
    }
    if (!initialized_) {
      Error(id, kServerNotInitialized, "the server is not initialized");
      return;
    }
    if (shutdown_) {
      Error(id, kInvalidRequest, "the server is shutting down");
      return;
    }
    if (method == "shutdown") {
      shutdown_ = true;
      Reply(id, nullptr);
    } else if (method == "textDocument/hover") {
      Hover(id, params);
    } else if (method == "textDocument/completion") {
      Completion(id, params);
    } else if (method == "textDocument/definition") {
      Definition(id, params);
    } else if (method == "textDocument/references") {
      References(id, params);
    } else if (method == "textDocument/documentSymbol") {
      Symbols(id, params);
    } else if (method == "textDocument/formatting") {
      Formatting(id, params);
    } else if (method == "textDocument/rename") {
      Rename(id, params);
    } else if (method == "textDocument/codeLens") {
      CodeLens(id, params);
    } else if (method == "workspace/executeCommand") {
      ExecuteCommand(id, params);
    } else {
      Error(id, kMethodNotFound, fmt::format("`{}` is not supported", method));
    }
  }

  void HandleNotification(const std::string& method, const json& params) {
    if (method == "exit") {
      exit_requested_ = true;
      return;
    }
    if (!initialized_) return;  // notifications before initialize are dropped
    if (method == "textDocument/didOpen") {
      const json& doc = params.at("textDocument");
      std::string path = PathOfUri(doc.at("uri").get<std::string>());
      uris_[path] = doc.at("uri").get<std::string>();
      workspace_.set_document(path, doc.at("text").get<std::string>());
      Touch(path);
    } else if (method == "textDocument/didChange") {
      std::string path = PathOfUri(params.at("textDocument").at("uri").get<std::string>());
      const json& changes = params.at("contentChanges");
      // Full synchronisation (as advertised): the last change holds the whole text.
      if (!changes.empty()) {
        workspace_.set_document(path, changes.back().at("text").get<std::string>());
        test_results_.erase(path);
        Touch(path);
      }
    } else if (method == "textDocument/didClose") {
      std::string path = PathOfUri(params.at("textDocument").at("uri").get<std::string>());
      std::vector<std::string> dependents = workspace_.dependents(path);
      workspace_.close_document(path);
      dirty_.erase(path);
      test_results_.erase(path);
      Notify("textDocument/publishDiagnostics",
             json{{"uri", UriFor(path)}, {"diagnostics", json::array()}});
      uris_.erase(path);
      for (const std::string& d : dependents) dirty_.insert(d);
    }
    // initialized, didSave, $/cancelRequest, $/setTrace, ...: nothing to do.
  }

  // A document changed: it and every open document importing it need a new check.
  void Touch(const std::string& path) {
    dirty_.insert(path);
    for (const std::string& d : workspace_.dependents(path)) dirty_.insert(d);
  }

  void Initialize(const json& id, const json& params) {
    initialized_ = true;
    // UTF-8 positions when the client offers them (cheaper and exact), else UTF-16.
    const json encodings =
        params.value("/capabilities/general/positionEncodings"_json_pointer, json::array());
    for (const json& e : encodings) {
      if (e == "utf-8") utf8_ = true;
    }
    json capabilities = {
        {"positionEncoding", utf8_ ? "utf-8" : "utf-16"},
        {"textDocumentSync", {{"openClose", true}, {"change", 1}}},
        {"hoverProvider", true},
        {"completionProvider", {{"triggerCharacters", json::array({"."})}}},
        {"definitionProvider", true},
        {"referencesProvider", true},
        {"documentSymbolProvider", true},
        {"documentFormattingProvider", true},
        {"renameProvider", true},
        {"codeLensProvider", {{"resolveProvider", false}}},
        {"executeCommandProvider", {{"commands", json::array({"licit.runTests"})}}},
    };
    Reply(id, json{{"capabilities", capabilities},
                   {"serverInfo", {{"name", "licit"}, {"version", licit::version()}}}});
  }

  // --- Diagnostics ----------------------------------------------------------------------------

  void PublishDirty() {
    std::set<std::string> due;
    due.swap(dirty_);
    for (const std::string& path : due) {
      if (workspace_.document(path)) Publish(path);
    }
  }

  void Publish(const std::string& path) {
    const std::string* text = workspace_.document(path);
    if (!text) return;
    LineIndex index(*text, utf8_);
    licit::Compilation c = workspace_.check(path);
    json diagnostics = json::array();
    std::string self = std::filesystem::path(path).lexically_normal().string();
    for (const licit::DiagnosticInfo& d : c.diagnostics()) {
      // A diagnostic in an imported file is shown there (when open), not here; one without a
      // location (an unreadable file) is shown at the start.
      bool here =
          d.file.empty() || std::filesystem::path(d.file).lexically_normal().string() == self;
      // A problem in a file that is no policy (a restricted-party list or its cleared file) has
      // no Licit document to be shown in: it is shown here, on the string naming the file (the
      // `list` declaration), with its own location in the message and as related information.
      const bool list_file = !here && !d.file.empty() && !d.file.ends_with(".licit");
      if (!here && !list_file) continue;
      json range = {{"start", index.PositionOfColumn(d.line, d.column)},
                    {"end", index.PositionOfColumn(d.end_line ? d.end_line : d.line,
                                                   d.end_column ? d.end_column : d.column)}};
      if (list_file) {
        const std::string name = std::filesystem::path(d.file).filename().string();
        const size_t at = text->find(name);
        range = at == std::string::npos ? index.Range(0, 0)
                                        : index.Range(static_cast<uint32_t>(at),
                                                      static_cast<uint32_t>(at + name.size()));
      }
      json item = {
          {"range", range},
          {"severity", d.severity == licit::DiagnosticSeverity::Error     ? 1
                       : d.severity == licit::DiagnosticSeverity::Warning ? 2
                                                                          : 3},
          {"code", d.code},
          {"source", "licit"},
          {"message", list_file
                          ? fmt::format("{}:{}:{}: {}", d.file, d.line, d.column, MessageOf(d))
                          : MessageOf(d)},
      };
      if (auto href = DocsLink(d.code)) item["codeDescription"] = {{"href", *href}};
      json related = json::array();
      if (list_file && d.line > 0) {
        const std::string list_text = ReadFile(d.file);  // LineIndex keeps a reference
        LineIndex list_index(list_text, utf8_);
        json pos = list_index.PositionOfColumn(d.line, d.column);
        related.push_back(
            {{"location", {{"uri", UriFor(d.file)}, {"range", {{"start", pos}, {"end", pos}}}}},
             {"message", d.label.empty() ? "here" : d.label}});
      }
      for (const licit::DiagnosticLabel& l : d.secondary) {
        if (l.file.empty() || l.line == 0) continue;
        const std::string* other = workspace_.document(l.file);
        std::string other_text = other ? *other : ReadFile(l.file);
        LineIndex other_index(other_text, utf8_);
        json pos = other_index.PositionOfColumn(l.line, l.column);
        related.push_back(
            {{"location", {{"uri", UriFor(l.file)}, {"range", {{"start", pos}, {"end", pos}}}}},
             {"message", l.message}});
      }
      if (!related.empty()) item["relatedInformation"] = related;
      diagnostics.push_back(std::move(item));
    }
    // Failed tests from the last "run tests", until the document changes.
    auto tests = test_results_.find(path);
    if (tests != test_results_.end()) {
      for (const json& t : tests->second) diagnostics.push_back(t);
    }
    Notify("textDocument/publishDiagnostics",
           json{{"uri", UriFor(path)}, {"diagnostics", diagnostics}});
  }

  // The diagnostic's entry in docs/diagnostics.md, as a file URI with the heading's anchor
  // (GitHub's and most Markdown viewers' rule: lower case, spaces to `-`, punctuation dropped),
  // when the docs sit beside the executable (a source tree: build/dev/licit, ../../docs); else
  // none.
  std::optional<std::string> DocsLink(const std::string& code) {
    if (!docs_loaded_) {
      docs_loaded_ = true;
      std::error_code ec;
      std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
      for (std::filesystem::path dir = exe.parent_path(); !ec && !dir.empty();
           dir = dir.parent_path()) {
        std::filesystem::path candidate = dir / "docs" / "diagnostics.md";
        if (std::filesystem::exists(candidate, ec)) {
          docs_path_ = candidate.string();
          std::ifstream in(candidate);
          for (std::string line; std::getline(in, line);) {
            if (line.rfind("### ", 0) != 0) continue;
            std::string anchor;
            for (unsigned char c : line.substr(4)) {
              if (std::isalnum(c)) {
                anchor += static_cast<char>(std::tolower(c));
              } else if (c == ' ' || c == '-') {
                anchor += '-';
              }
            }
            std::string heading_code = line.substr(4, line.find(' ', 4) - 4);
            anchors_.emplace(heading_code, anchor);
          }
          break;
        }
        if (dir == dir.parent_path()) break;
      }
    }
    auto it = anchors_.find(code);
    if (docs_path_.empty() || it == anchors_.end()) return std::nullopt;
    return UriOfPath(docs_path_) + "#" + it->second;
  }

  static std::string MessageOf(const licit::DiagnosticInfo& d) {
    std::string out = d.message;
    if (!d.label.empty()) out += "\n" + d.label;
    for (const std::string& h : d.help) out += "\nhelp: " + h;
    for (const std::string& n : d.notes) out += "\nnote: " + n;
    return out;
  }

  // --- Queries ---------------------------------------------------------------------------------

  struct At {
    std::string path;
    uint32_t offset = 0;
    const std::string* text = nullptr;
  };
  // The document and byte offset of a TextDocumentPositionParams; nullopt for a document that is
  // not open (the request then gets an empty answer).
  std::optional<At> Locate(const json& params) {
    std::string path = PathOfUri(params.at("textDocument").at("uri").get<std::string>());
    const std::string* text = workspace_.document(path);
    if (!text) return std::nullopt;
    LineIndex index(*text, utf8_);
    return At{path, index.Offset(params.at("position")), text};
  }

  // A span of the API as an LSP Location; a standard module's span points into a read-only copy
  // of the embedded source in the cache directory.
  std::optional<json> LocationOf(const licit::TextSpan& span) {
    std::string path = span.path;
    std::string text;
    if (const std::string* doc = workspace_.document(path)) {
      text = *doc;
    } else if (const std::string* std_text = licit::Workspace::stdlib_text(path)) {
      text = *std_text;
      path = StdlibCopy(span.path, *std_text);
      if (path.empty()) return std::nullopt;
    } else {
      text = ReadFile(path);
    }
    LineIndex index(text, utf8_);
    return json{{"uri", UriFor(path)}, {"range", index.Range(span.begin, span.end)}};
  }

  // Writes (once) a read-only copy of a standard module for the editor to open.
  std::string StdlibCopy(const std::string& std_path, const std::string& text) {
    const char* cache = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path base = cache && *cache ? std::filesystem::path(cache)
                                 : home && *home ? std::filesystem::path(home) / ".cache"
                                                 : std::filesystem::temp_directory_path();
    std::filesystem::path file = base / "licit" / licit::version() / std_path;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      std::filesystem::create_directories(file.parent_path(), ec);
      std::ofstream out(file, std::ios::binary);
      out << text;
      out.close();
      chmod(file.c_str(), 0444);
    }
    return std::filesystem::exists(file, ec) ? file.string() : std::string();
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string UriFor(const std::string& path) {
    auto it = uris_.find(path);
    return it != uris_.end() ? it->second : UriOfPath(path);
  }

  void Hover(const json& id, const json& params) {
    auto at = Locate(params);
    if (!at) return Reply(id, nullptr);
    auto hover = workspace_.hover(at->path, at->offset);
    if (!hover) return Reply(id, nullptr);
    LineIndex index(*at->text, utf8_);
    Reply(id, json{{"contents", {{"kind", "markdown"}, {"value", hover->markdown}}},
                   {"range", index.Range(hover->span.begin, hover->span.end)}});
  }

  void Completion(const json& id, const json& params) {
    auto at = Locate(params);
    if (!at) return Reply(id, json::array());
    // LSP CompletionItemKind numbers.
    static const std::map<std::string, int> kKinds = {
        {"keyword", 14},  {"field", 5},  {"country", 12}, {"rule", 3},
        {"exception", 3}, {"class", 7},  {"group", 13},   {"let", 6},
        {"record", 22},   {"module", 9}, {"effect", 20},  {"function", 3}};
    json items = json::array();
    for (const licit::CompletionItem& c : workspace_.completions(at->path, at->offset)) {
      auto k = kKinds.find(c.kind);
      items.push_back(
          {{"label", c.label}, {"kind", k == kKinds.end() ? 1 : k->second}, {"detail", c.detail}});
    }
    Reply(id, json{{"isIncomplete", false}, {"items", items}});
  }

  void Definition(const json& id, const json& params) {
    auto at = Locate(params);
    if (!at) return Reply(id, nullptr);
    json out = json::array();
    for (const licit::TextSpan& span : workspace_.definition(at->path, at->offset)) {
      if (auto loc = LocationOf(span)) out.push_back(*loc);
    }
    Reply(id, out);
  }

  void References(const json& id, const json& params) {
    auto at = Locate(params);
    if (!at) return Reply(id, json::array());
    bool include = params.value("/context/includeDeclaration"_json_pointer, false);
    json out = json::array();
    for (const licit::TextSpan& span : workspace_.references(at->path, at->offset, include)) {
      if (auto loc = LocationOf(span)) out.push_back(*loc);
    }
    Reply(id, out);
  }

  void Symbols(const json& id, const json& params) {
    std::string path = PathOfUri(params.at("textDocument").at("uri").get<std::string>());
    const std::string* text = workspace_.document(path);
    if (!text) return Reply(id, json::array());
    LineIndex index(*text, utf8_);
    // LSP SymbolKind numbers.
    static const std::map<std::string, int> kKinds = {
        {"policy", 2}, {"record", 23},    {"let", 13},        {"class", 5},    {"group", 18},
        {"rule", 12},  {"exception", 12}, {"suspension", 24}, {"default", 14}, {"test", 24}};
    json out = json::array();
    for (const licit::DocumentSymbol& s : workspace_.symbols(path)) {
      auto k = kKinds.find(s.kind);
      json item = {{"name", s.name},
                   {"kind", k == kKinds.end() ? 13 : k->second},
                   {"range", index.Range(s.span.begin, s.span.end)},
                   {"selectionRange", index.Range(s.name_span.begin, s.name_span.end)}};
      if (!s.detail.empty()) item["detail"] = s.detail;
      out.push_back(std::move(item));
    }
    Reply(id, out);
  }

  void Formatting(const json& id, const json& params) {
    std::string path = PathOfUri(params.at("textDocument").at("uri").get<std::string>());
    const std::string* text = workspace_.document(path);
    if (!text) return Reply(id, json::array());
    licit::Formatted f = workspace_.format(path);
    if (!f.ok || !f.changed) return Reply(id, json::array());  // syntax errors: leave it alone
    LineIndex index(*text, utf8_);
    Reply(id, json::array({{{"range", index.Range(0, static_cast<uint32_t>(text->size()))},
                            {"newText", f.text}}}));
  }

  void Rename(const json& id, const json& params) {
    auto at = Locate(params);
    if (!at) return Error(id, kRequestFailed, "the document is not open");
    std::string error;
    std::vector<licit::TextEdit> edits =
        workspace_.rename(at->path, at->offset, params.at("newName").get<std::string>(), &error);
    if (!error.empty()) return Error(id, kRequestFailed, error);
    json changes = json::object();
    for (const licit::TextEdit& e : edits) {
      const std::string* doc = workspace_.document(e.span.path);
      std::string text = doc ? *doc : ReadFile(e.span.path);
      LineIndex index(text, utf8_);
      changes[UriFor(e.span.path)].push_back(
          {{"range", index.Range(e.span.begin, e.span.end)}, {"newText", e.new_text}});
    }
    Reply(id, json{{"changes", changes}});
  }

  // Above each test: "run test"; above the policy header: "run all tests".
  void CodeLens(const json& id, const json& params) {
    std::string uri = params.at("textDocument").at("uri").get<std::string>();
    std::string path = PathOfUri(uri);
    const std::string* text = workspace_.document(path);
    if (!text) return Reply(id, json::array());
    LineIndex index(*text, utf8_);
    json out = json::array();
    std::vector<licit::TestInfo> tests = workspace_.tests(path);
    if (!tests.empty()) {
      for (const licit::DocumentSymbol& s : workspace_.symbols(path)) {
        if (s.kind != "policy") continue;
        out.push_back({{"range", index.Range(s.span.begin, s.span.begin)},
                       {"command",
                        {{"title", fmt::format("run all {} tests", tests.size())},
                         {"command", "licit.runTests"},
                         {"arguments", json::array({uri})}}}});
      }
    }
    for (const licit::TestInfo& t : tests) {
      out.push_back({{"range", index.Range(t.span.begin, t.span.begin)},
                     {"command",
                      {{"title", "run test"},
                       {"command", "licit.runTests"},
                       {"arguments", json::array({uri, t.name})}}}});
    }
    Reply(id, out);
  }

  // licit.runTests URI [NAME]: runs the tests, shows the failures as diagnostics on the tests and
  // answers with the counts and `licit test`'s text.
  void ExecuteCommand(const json& id, const json& params) {
    std::string command = params.at("command").get<std::string>();
    if (command != "licit.runTests") {
      return Error(id, kInvalidParams, fmt::format("unknown command `{}`", command));
    }
    const json& args = params.at("arguments");
    std::string uri = args.at(0).get<std::string>();
    std::string only = args.size() > 1 ? args.at(1).get<std::string>() : "";
    std::string path = PathOfUri(uri);
    const std::string* text = workspace_.document(path);
    if (!text) return Error(id, kRequestFailed, "the document is not open");
    licit::TestReport report = workspace_.run_tests(path, only);
    LineIndex index(*text, utf8_);
    std::map<std::string, licit::TextSpan> spans;
    for (const licit::TestInfo& t : workspace_.tests(path)) spans.emplace(t.name, t.span);
    json failures = json::array();
    for (const licit::TestCase& t : report.tests) {
      if (t.passed) continue;
      auto s = spans.find(t.name);
      if (s == spans.end()) continue;
      std::string message = t.error.empty()
                                ? fmt::format("test failed: expected {}, got {}", t.expected, t.got)
                                : fmt::format("test failed: {}", t.error);
      if (!t.contributions.empty()) message += fmt::format("\nrules: {}", t.contributions);
      failures.push_back({{"range", index.Range(s->second.begin, s->second.begin + 4)},
                          {"severity", 1},
                          {"code", "test"},
                          {"source", "licit test"},
                          {"message", message}});
    }
    test_results_[path] = failures;
    Publish(path);
    Reply(id, json{{"passed", report.passed},
                   {"failed", report.failed},
                   {"text", report.to_text(false)}});
  }

  bool docs_loaded_ = false;
  std::string docs_path_;                       // docs/diagnostics.md, if found
  std::map<std::string, std::string> anchors_;  // code -> heading anchor
  int in_fd_, out_fd_;
  std::string input_;
  size_t skip_ = 0;  // bytes of a refused message still to discard
  bool eof_ = false;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exit_requested_ = false;
  bool utf8_ = false;
  licit::Workspace workspace_;
  std::set<std::string> dirty_;               // documents whose diagnostics are due
  std::map<std::string, std::string> uris_;   // the URI each open document came with
  std::map<std::string, json> test_results_;  // failed tests shown as diagnostics
};

}  // namespace

int Serve(int in_fd, int out_fd) {
  Server server(in_fd, out_fd);
  return server.Run();
}

int ServeBytes(std::string_view input, int out_fd) {
  Server server(input, out_fd);
  return server.Run();
}

}  // namespace licit::cli::lsp
