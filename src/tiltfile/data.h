// Tilt's data builtins (internal/tiltfile/io and encoding): read_file, read_json, read_yaml,
// read_yaml_stream, decode_*/encode_* for JSON and YAML, blob, listdir and watch_file; and the
// helpers other families use to read files the way Tilt does, so that every file a Tiltfile
// reads is recorded as a config file.
#pragma once

#include <string>
#include <string_view>

#include "starlark/lib/unpack.h"
#include "starlark/value.h"
#include "tiltfile/state.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

/// How a path the Tiltfile touched is watched (Tilt's io.WatchType).
enum class WatchType {
  kFileOnly,   ///< a file or a missing path is watched; a directory is not
  kRecursive,  ///< always watched (a directory recursively)
};

/// Tilt's starkit.AbsPath: an absolute path as it is, a relative one joined to the directory of
/// the Tiltfile being executed and cleaned.
std::string tiltAbsPath(const State& st, std::string_view path);

/// Records a path as a config file, as Tilt's io.RecordReadPath. Fails only when the path cannot
/// be examined: "lstat /root/x: permission denied".
Result<void> recordReadPath(State& st, const std::string& abs_path, WatchType type);

/// Reads a file and records it (Tilt's io.ReadFile). Errors as Go's os.ReadFile: "open /p: no
/// such file or directory", "read /p: is a directory"; `missing`, if given, is set to whether
/// the file does not exist.
Result<std::string> readConfigFile(State& st, const std::string& abs_path, bool* missing = nullptr);

/// The message of an errno as Go spells it ("no such file or directory").
std::string goErrnoMessage(int err);


/// An argument that is a string or a Blob (Tilt's value.Stringable). Error: "Value should be
/// convertible to string, but is type int".
struct StringableArg {
  std::string value;
};

}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::StringableArg> {
  static Result<void> unpack(const Value& v, tiltfile::StringableArg* out);
};
}  // namespace slant::starlark::lib
