// Conversions between Starlark values and JSON trees, for YAML and JSON builtins (read_yaml,
// encode_yaml, k8s objects as dicts, ...).
#pragma once

#include "starlark/starlark.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {

/// A new, unfrozen Starlark value for a JSON tree: objects become dicts (in order), arrays lists,
/// integers ints, other numbers floats.
starlark::Value jsonToValue(const Json& json);
/// A JSON tree for a Starlark value: None, bools, ints, floats, strings, Blobs (as strings),
/// dicts with string keys, lists, tuples, structs. Errors name the offending value: "unsupported
/// type function" / "dict key must be a string, got int".
starlark::Result<Json> valueToJson(const starlark::Value& value);

/// JSON text as Tilt's encode_json writes it (Go's json.Encoder with a two-space indent): object
/// keys sorted, HTML-safe string escapes, "{}" and "[]" for empty containers, and a final newline.
/// Errors for NaN and infinities, as Go's: "json: unsupported value: NaN".
starlark::Result<std::string> writeIndentedJson(const Json& json);

}  // namespace slant::tiltfile
