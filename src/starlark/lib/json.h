// The json module (go.starlark.net's starlarkjson): json.encode(x), json.decode(s) and
// json.indent(s, *, prefix="", indent="\t"), and the same conversions for C++ callers (the
// Tiltfile layer's read_json, encode_json, ...).
#pragma once

#include <string>
#include <string_view>

#include "starlark/value.h"

namespace slant::starlark::lib {

/// The json module value, <module "json"> with members decode, encode and indent (immortal:
/// make it part of the predeclared names).
Value makeJsonModule();

/// Encodes x as compact JSON, as json.encode: None, bools, ints (any size), finite floats,
/// strings, dicts with string keys (sorted by key), other iterables as arrays, structs and
/// modules as objects. Errors are those of json.encode without the "json.encode: " prefix
/// ("cannot encode builtin_function_or_method as JSON", "in field .x: at list index 1: ...").
Result<std::string> encodeJson(Thread& thread, const Value& x);

/// Decodes one JSON value (with optional surrounding white space) into new, unfrozen Starlark
/// values, as json.decode: numbers with '.', 'e' or 'E' become floats, others ints; objects
/// become dicts and arrays lists. Errors are those of json.decode without the "json.decode: "
/// prefix ("at offset 4, unexpected character 'f' after value").
Result<Value> decodeJson(std::string_view text);

/// Checks that text is valid JSON and pretty-prints it as Go's json.Indent: each element on its
/// own line starting with `prefix` and one `indent` per level, "{}" and "[]" kept compact.
/// Errors as Go's encoding/json ("invalid character '!' looking for beginning of value",
/// "unexpected end of JSON input").
Result<std::string> indentJson(std::string_view text, std::string_view prefix,
                               std::string_view indent);

/// Appends s as a JSON string literal, escaped as Go's json.Marshal does (HTML-safe: <, > and &
/// as \u003c..., malformed UTF-8 as \ufffd).
void appendJsonString(std::string& out, std::string_view s);

}  // namespace slant::starlark::lib
