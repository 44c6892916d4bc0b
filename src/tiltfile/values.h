// Argument types shared by Tilt's builtins, as Tilt's internal/tiltfile/value package: a Blob,
// "a string or a list of strings", commands, string dicts, and small helpers to make builtins.
//
//   std::vector<std::string> deps;  StringOrList deps_arg;  CommandArg cmd;
//   TRY_VOID(unpackArgs(call, {{"name", &name}, {"cmd?", &cmd}, {"deps?", &deps_arg}}));
//   model::Cmd c = TRY(cmd.toCmd(state.currentDir(), "cmd"));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/project.h"
#include "starlark/lib/unpack.h"
#include "starlark/starlark.h"
#include "starlark/value.h"

namespace slant::tiltfile {

using starlark::BuiltinCall;
using starlark::makeError;
using starlark::Result;
using starlark::Thread;
using starlark::Value;

/// Tilt's Blob: text returned by local(), read_file(), kustomize(), ... str(blob) is the text.
class Blob final : public starlark::Object {
 public:
  explicit Blob(std::string text) : Object(starlark::ObjType::kOther), text_(std::move(text)) {}
  std::string_view typeName() const override { return "blob"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<uint32_t> hash() const override;
  Result<bool> equals(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return static_cast<int64_t>(text_.size()); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

/// Makes a Blob value.
Value makeBlob(std::string text);

/// The text of a string or a Blob, or nullopt for any other value.
std::optional<std::string_view> stringOrBlob(const Value& v);

/// An argument that is a string or a Blob (Tilt's value.ImplicitStringer for YAML and text).
struct TextArg {
  std::string text;
  bool is_blob = false;
};

/// An argument that is a string, or a list or tuple of strings (labels, deps, only, ignore, ...);
/// None and absence give an empty list. Error: "value should be a string or List or Tuple of
/// strings, but is of type int".
struct StringOrList {
  std::vector<std::string> items;
  bool present = false;  ///< whether the argument was given (and not None)
};

/// A list or tuple of strings (not a single string). Error: "value should be a List or Tuple of
/// strings, but is of type string".
struct StringList {
  std::vector<std::string> items;
};

/// A dict of string to string (env, build_args, ...), in the dict's order. Error: "value should
/// be a dict of string to string, but has key 1 of type int".
struct StringMap {
  std::vector<std::pair<std::string, std::string>> items;
};

/// A command: a string (run with `sh -c`), a list of strings (exec'd directly), or None/"" (no
/// command). Tilt's model.Cmd from value.ValueToUnixCmd.
struct CommandArg {
  Value value = Value::unbound();
  /// The argv: {"sh", "-c", s} for a string, the list itself for a list, {} when empty or absent.
  /// Errors name the parameter: "cmd: must be a string or a sequence of strings, got int".
  Result<std::vector<std::string>> argv(std::string_view param) const;
};

/// The value of TRIGGER_MODE_AUTO and TRIGGER_MODE_MANUAL.
class TriggerModeValue final : public starlark::Object {
 public:
  explicit TriggerModeValue(model::TriggerMode mode)
      : Object(starlark::ObjType::kOther), mode_(mode) {}
  std::string_view typeName() const override { return "TriggerMode"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<uint32_t> hash() const override;
  Result<bool> equals(const Object& other, int depth) const override;
  model::TriggerMode mode() const { return mode_; }

 private:
  model::TriggerMode mode_;
};

/// A trigger_mode argument: TRIGGER_MODE_AUTO or TRIGGER_MODE_MANUAL; unset when absent.
struct TriggerModeArg {
  std::optional<model::TriggerMode> mode;
};

/// What link(url, name) returns: a struct-like value with fields url and name.
class LinkValue final : public starlark::Object {
 public:
  explicit LinkValue(model::Link link)
      : Object(starlark::ObjType::kOther), link_(std::move(link)) {}
  std::string_view typeName() const override { return "link"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<std::optional<Value>> attr(Thread& thread, std::string_view name) const override;
  std::vector<std::string> attrNames() const override { return {"name", "url"}; }
  const model::Link& link() const { return link_; }

 private:
  model::Link link_;
};

/// A links argument: a URL string, a link(), or a list or tuple of those. URLs without a scheme
/// get "http://". Errors: "validating URL \"\": url empty", "want a string, a link, or a sequence
/// of these; found 1 (type: int)".
struct LinksArg {
  std::vector<model::Link> links;
};

/// The link(url, name=None) builtin (registered by addCoreBuiltins).
Result<Value> linkBuiltin(Thread& thread, const BuiltinCall& call);

/// A string quoted as Go's %q, for the names in Tilt's messages.
std::string goQuoted(std::string_view s);

/// A labels argument (Tilt's value.LabelSet): a label or a list or tuple of labels, each a
/// Kubernetes qualified name that is also a valid label value, without '/'; kept sorted and unique
/// (Tilt keeps a set). Errors: "Invalid label \"-x\": name part must consist of ...", "value
/// should be a label or List or Tuple of labels, but is of type int".
struct LabelsArg {
  std::vector<std::string> values;
};

/// The Go type name Tilt's messages show for a value ("starlark.String", "*starlark.List",
/// "io.Blob"), for error messages users search for.
std::string goTypeName(const Value& v);

/// Registers a builtin function under its name in a predeclared dict or module member list.
void addBuiltin(starlark::StringDict& dict, std::string name, starlark::BuiltinFn fn);

/// Lexically normalizes an absolute or relative path, as Go's filepath.Clean ("a/../b" -> "b").
std::string cleanPath(std::string_view path);
/// Joins `dir` and `path` unless `path` is absolute, then cleans it.
std::string joinPath(std::string_view dir, std::string_view path);
/// The directory part of a path, as Go's filepath.Dir.
std::string dirName(std::string_view path);

}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::TextArg> {
  static Result<void> unpack(const Value& v, tiltfile::TextArg* out);
};
template <>
struct Unpacker<tiltfile::StringOrList> {
  static Result<void> unpack(const Value& v, tiltfile::StringOrList* out);
};
template <>
struct Unpacker<tiltfile::StringList> {
  static Result<void> unpack(const Value& v, tiltfile::StringList* out);
};
template <>
struct Unpacker<tiltfile::StringMap> {
  static Result<void> unpack(const Value& v, tiltfile::StringMap* out);
};
template <>
struct Unpacker<tiltfile::CommandArg> {
  static Result<void> unpack(const Value& v, tiltfile::CommandArg* out);
};
template <>
struct Unpacker<tiltfile::LabelsArg> {
  static Result<void> unpack(const Value& v, tiltfile::LabelsArg* out);
};
template <>
struct Unpacker<tiltfile::LinksArg> {
  static Result<void> unpack(const Value& v, tiltfile::LinksArg* out);
};
template <>
struct Unpacker<tiltfile::TriggerModeArg> {
  static Result<void> unpack(const Value& v, tiltfile::TriggerModeArg* out);
};
}  // namespace slant::starlark::lib
