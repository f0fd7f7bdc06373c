// Source files, byte spans and line/column maths shared by every phase.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace licit {

using FileId = uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

// A half-open byte range [begin, end) in one source file. Spans are what diagnostics point at;
// they survive every phase so errors found late still show the author's own text.
struct Span {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  uint32_t size() const { return end - begin; }
  // The smallest span covering both; both must be in the same file.
  static Span Cover(Span a, Span b);
};

// 1-based line and column; columns count Unicode code points, as editors do.
struct LineCol {
  uint32_t line = 1;
  uint32_t column = 1;
  bool operator==(const LineCol&) const = default;
};

// One file's text with a line index. Immutable after construction.
class SourceFile {
 public:
  SourceFile(FileId id, std::string path, std::string text);

  FileId id() const { return id_; }
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

  // Line and column of a byte offset (offsets past the end clamp to the end).
  LineCol Locate(uint32_t offset) const;
  // The text of a 1-based line without its line terminator.
  std::string_view Line(uint32_t line) const;
  // Byte offset where a 1-based line starts.
  uint32_t LineStart(uint32_t line) const;

 private:
  FileId id_;
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Owns every source file of a compilation; FileIds index into it.
class SourceManager {
 public:
  FileId Add(std::string path, std::string text);
  const SourceFile& Get(FileId id) const { return *files_.at(id); }
  size_t size() const { return files_.size(); }
  // "path:line:col" for the start of a span.
  std::string Where(Span span) const;

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

// The whole content of a regular file, or nullopt when it is not one or cannot be read.
std::optional<std::string> ReadFileText(const std::string& path);

// Number of code points in a UTF-8 string (invalid bytes count as one each).
size_t CodePointCount(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a UTF-8
// sequence (for shortening text in messages without making it invalid).
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

// Returns the byte offset of the first invalid UTF-8 sequence, or npos when the text is valid.
// Overlong encodings, surrogates and code points above U+10FFFF are invalid.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace licit
