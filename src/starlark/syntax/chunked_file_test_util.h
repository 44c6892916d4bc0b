// Test helper: reads go.starlark.net's "chunked" conformance files (internal/chunkedfile).
//
// A chunked file holds several inputs separated by "\n---\n" lines. A line containing `###`
// followed by a Go string literal (quoted or backquoted) holding a Go RE2 regular expression
// expects an error on that line whose message matches. Each chunk's source is padded with
// newlines so that its line numbers are those of the whole file.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/utf8.h"

namespace slant::starlark::testing {

/// Decodes a Go string literal ("..." with escapes, or `...` raw); nullopt if malformed.
inline std::optional<std::string> goUnquote(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  if (s.front() == '`') {
    if (s.back() != '`') return std::nullopt;
    return std::string(s.substr(1, s.size() - 2));
  }
  if (s.front() != '"' || s.back() != '"') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= s.size()) return std::nullopt;
    switch (char e = s[i]) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case '"':
      case '\'':
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (size_t k = 1; k <= n; ++k) {
          int h = i + k < s.size() ? hex(s[i + k]) : -1;
          if (h < 0) return std::nullopt;
          v = v * 16 + h;
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          appendUtf8(out, static_cast<char32_t>(v));
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7' && i + 2 < s.size()) {
          out += static_cast<char>((e - '0') * 64 + (s[i + 1] - '0') * 8 + (s[i + 2] - '0'));
          i += 2;
          break;
        }
        return std::nullopt;
    }
  }
  return out;
}

/// One input of a chunked file and the errors it expects, by line.
struct Chunk {
  std::string source;  ///< padded with newlines so line numbers match the file
  int first_line = 1;  ///< line of the chunk's first line in the file
  std::map<int, std::shared_ptr<RE2>> want;  ///< expected error pattern by line
  std::vector<std::string> problems;         ///< malformed expectations, as "file:line: ..."
};

/// Reads a chunked file; an empty result with `error` set if it cannot be read.
inline std::vector<Chunk> readChunks(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();

  std::vector<Chunk> chunks;
  int linenum = 1;
  size_t start = 0;
  for (;;) {
    size_t sep = data.find("\n---\n", start);
    std::string_view text = std::string_view(data).substr(
        start, sep == std::string::npos ? std::string::npos : sep - start);
    Chunk chunk;
    chunk.first_line = linenum;
    chunk.source.assign(linenum - 1, '\n');
    chunk.source.append(text);
    size_t line_start = 0;
    for (;;) {
      size_t nl = text.find('\n', line_start);
      std::string_view line = text.substr(
          line_start, nl == std::string_view::npos ? std::string_view::npos : nl - line_start);
      size_t hashes = line.find("###");
      if (hashes != std::string_view::npos) {
        std::string_view rest = line.substr(hashes + 3);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
          rest.remove_prefix(1);
        while (!rest.empty() &&
               (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) {
          rest.remove_suffix(1);
        }
        auto pattern = goUnquote(rest);
        if (!pattern) {
          chunk.problems.push_back(path + ":" + std::to_string(linenum) +
                                   ": not a quoted regexp: " + std::string(rest));
        } else {
          auto re = std::make_shared<RE2>(*pattern);
          if (!re->ok()) {
            chunk.problems.push_back(path + ":" + std::to_string(linenum) + ": " + re->error());
          } else {
            chunk.want[linenum] = re;
          }
        }
      }
      linenum++;
      if (nl == std::string_view::npos) break;
      line_start = nl + 1;
    }
    chunks.push_back(std::move(chunk));
    if (sep == std::string::npos) break;
    start = sep + 5;
    // The "---" separator line is counted like any other.
    linenum++;
  }
  return chunks;
}

/// Parses "path:line:col: message" as printed by Position::str(); returns false if malformed.
inline bool splitPositionedMessage(std::string_view text, std::string_view path, int* line,
                                   std::string* msg) {
  if (text.substr(0, path.size()) != path || text.size() <= path.size() ||
      text[path.size()] != ':') {
    return false;
  }
  text.remove_prefix(path.size() + 1);
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  *line = std::stoi(std::string(text.substr(0, colon)));
  text.remove_prefix(colon + 1);
  size_t sep = text.find(": ");
  if (sep == std::string_view::npos) return false;
  *msg = std::string(text.substr(sep + 2));
  return true;
}

/// Matches the errors a chunk produced against its expectations; returns the mismatches as
/// "file:line: ..." lines (empty when the chunk passes). `got` pairs a line with a message.
inline std::vector<std::string> checkChunk(const std::string& path, const Chunk& chunk,
                                           const std::vector<std::pair<int, std::string>>& got) {
  std::vector<std::string> problems = chunk.problems;
  std::map<int, std::shared_ptr<RE2>> want = chunk.want;
  for (const auto& [line, msg] : got) {
    auto it = want.find(line);
    if (it == want.end()) {
      problems.push_back(path + ":" + std::to_string(line) + ": unexpected error: " + msg);
      continue;
    }
    if (!RE2::PartialMatch(msg, *it->second)) {
      problems.push_back(path + ":" + std::to_string(line) + ": error \"" + msg +
                         "\" does not match pattern \"" + it->second->pattern() + "\"");
    }
    want.erase(it);
  }
  for (const auto& [line, re] : want) {
    problems.push_back(path + ":" + std::to_string(line) + ": expected error matching \"" +
                       re->pattern() + "\"");
  }
  return problems;
}

}  // namespace slant::starlark::testing
