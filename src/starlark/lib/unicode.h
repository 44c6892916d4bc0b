// UTF-8 decoding and encoding, and the Unicode classifications and case mappings of Go's unicode
// package (which go.starlark.net's string methods use), for the string methods of lib/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "starlark/utf8.h"

namespace slant::starlark::lib {

/// U+FFFD, what a malformed UTF-8 sequence decodes to.
inline constexpr char32_t kReplacementChar = 0xFFFD;
/// The largest Unicode code point.
inline constexpr char32_t kMaxRune = 0x10FFFF;

/// A code point decoded from UTF-8 and the number of bytes it took (at least 1 unless at the end).
struct DecodedRune {
  char32_t rune;
  int size;
};

/// Decodes the first code point of s as Go's utf8.DecodeRuneInString: a malformed sequence yields
/// (U+FFFD, 1) and an empty string (U+FFFD, 0).
DecodedRune decodeRune(std::string_view s);
/// Decodes the last code point of s as Go's utf8.DecodeLastRuneInString.
DecodedRune decodeLastRune(std::string_view s);
/// The number of code points in s, counting each malformed byte as one (Go's RuneCountInString).
int64_t runeCount(std::string_view s);

/// unicode.IsLetter.
bool isLetter(char32_t r);
/// unicode.IsDigit (decimal digits, Nd).
bool isDigit(char32_t r);
/// unicode.IsSpace.
bool isSpace(char32_t r);
/// unicode.IsUpper.
bool isUpper(char32_t r);
/// unicode.IsLower.
bool isLower(char32_t r);
/// unicode.IsTitle.
bool isTitle(char32_t r);
/// Whether r has a case (unicode.SimpleFold(r) != r), go.starlark.net's isCasedRune.
bool isCased(char32_t r);
/// unicode.ToUpper.
char32_t toUpper(char32_t r);
/// unicode.ToLower.
char32_t toLower(char32_t r);
/// unicode.ToTitle.
char32_t toTitle(char32_t r);

/// strings.ToUpper: malformed bytes become U+FFFD unless s is ASCII.
std::string upperString(std::string_view s);
/// strings.ToLower: malformed bytes become U+FFFD unless s is ASCII.
std::string lowerString(std::string_view s);

}  // namespace slant::starlark::lib
