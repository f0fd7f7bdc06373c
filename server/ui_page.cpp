#include "server/ui_page.h"

#include <openssl/evp.h>

namespace licit::server::ui {

namespace {

constexpr std::string_view kStyleLink = R"(<link rel="stylesheet" href="playground.css">)";
constexpr std::string_view kScriptTag = R"(<script src="playground.js"></script>)";

// CSP's hash source: "'sha256-" + base64 of the digest + "'".
std::string HashSource(std::string_view text) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), hash, &size, EVP_sha256(), nullptr);
  unsigned char base64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int length = EVP_EncodeBlock(base64, hash, static_cast<int>(size));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(base64), length) + "'";
}

void ReplaceOnce(std::string& text, std::string_view what, std::string_view with) {
  const size_t at = text.find(what);
  if (at != std::string::npos) text.replace(at, what.size(), with);
}

}  // namespace

Page BuildPage(const EmbeddedSources& sources) {
  Page page;
  page.html = std::string(sources.html);
  ReplaceOnce(page.html, kStyleLink, "<style>" + std::string(sources.style) + "</style>");
  ReplaceOnce(page.html, kScriptTag, "<script>" + std::string(sources.script) + "</script>");
  page.content_security_policy =
      "default-src 'none'; script-src " + HashSource(sources.script) + "; style-src " +
      HashSource(sources.style) +
      "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
      "frame-ancestors 'none'";
  return page;
}

const Page& PlaygroundPage() {
  static const Page page = BuildPage(Sources());
  return page;
}

}  // namespace licit::server::ui
