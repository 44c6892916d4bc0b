// YAML for the Tiltfile layer (yaml-cpp underneath): parsing documents and streams into JSON
// trees (nlohmann::ordered_json, keys in document order) and emitting them back, with the scalar
// typing Kubernetes users expect (sigs.k8s.io/yaml over go-yaml v2, as Tilt reads YAML): quoted
// and block scalars are strings; plain scalars are null, YAML 1.1 booleans (yes/no/on/off/y/n and
// true/false), ints in Go's syntax (0x1F, 0o17, 0b101, and 0755 as octal), floats, or strings;
// a float with an integral value becomes an int (1.0 is 1), as after Tilt's JSON round trip.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/value.h"

namespace slant::tiltfile {

using Json = nlohmann::ordered_json;

/// Parses every document of a YAML stream ("---" separated); empty documents are skipped.
/// Errors: "error parsing YAML: line 3, column 5: <yaml-cpp message>".
starlark::Result<std::vector<Json>> parseYamlStream(std::string_view text);
/// Parses one YAML document (an empty text is null). Errors as parseYamlStream, or "expected a
/// single YAML document, got N" for a stream.
starlark::Result<Json> parseYaml(std::string_view text);
/// Emits one value as a YAML document (block style, keys in order, strings quoted only where
/// YAML would read them as something else), ending in a newline.
std::string emitYaml(const Json& value);
/// Emits documents separated by "---\n".
std::string emitYamlStream(const std::vector<Json>& values);

/// A finite float as Go's encoding/json writes it: the shortest form that reads back as the same
/// number, in exponent form below 1e-6 and from 1e21 ("3", "0.5", "1e+21", "1e-7").
std::string formatJsonFloat(double f);

}  // namespace slant::tiltfile
