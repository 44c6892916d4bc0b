// Readiness probes for local_resource: probe(), exec_action(), http_get_action() and
// tcp_socket_action(), as Tilt's internal/tiltfile/probe. Each returns a struct-like value whose
// type is Probe, ExecAction, HTTPGetAction or TCPSocketAction, whose fields read as attributes
// (p.period_secs, p.http_get.port), and which carries the model::Probe it describes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/project.h"
#include "starlark/lib/unpack.h"
#include "starlark/starlark.h"
#include "starlark/value.h"

namespace slant::tiltfile {

/// A value made by probe() or one of the action builtins.
class ProbeObject final : public starlark::Object {
 public:
  /// `type` is "Probe", "ExecAction", "HTTPGetAction" or "TCPSocketAction"; `fields` are the
  /// attributes in the order Tilt lists them; `probe` holds the probe (for an action, only the
  /// action is set).
  ProbeObject(std::string type, std::vector<std::pair<std::string, starlark::Value>> fields,
              model::Probe probe);

  std::string_view typeName() const override { return type_; }
  void write(std::string& out, bool quoted,
             std::vector<const starlark::Object*>& path) const override;
  starlark::Result<uint32_t> hash() const override;
  void freeze() override;
  starlark::Result<bool> equals(const starlark::Object& other, int depth) const override;
  starlark::Result<std::optional<starlark::Value>> attr(starlark::Thread& thread,
                                                        std::string_view name) const override;
  std::vector<std::string> attrNames() const override;
  std::string noSuchAttr(std::string_view name) const override;
  void clearChildren() override;

  /// The probe (or, for an action, a probe with only that action set).
  const model::Probe& probe() const { return probe_; }

 private:
  std::string type_;
  starlark::Value fields_;  // a lib::Struct branded with the type name, as Tilt's starlarkstruct
  model::Probe probe_;
};

/// A readiness_probe argument: a value of probe(), or None (unset).
struct ProbeArg {
  std::optional<model::Probe> probe;
};

/// Registers probe, exec_action, http_get_action and tcp_socket_action.
void addProbeBuiltins(starlark::StringDict& dict);

}  // namespace slant::tiltfile

namespace slant::starlark::lib {
/// Error: "got starlark.Int, want Probe" (Tilt prints the Go type).
template <>
struct Unpacker<tiltfile::ProbeArg> {
  static Result<void> unpack(const Value& v, tiltfile::ProbeArg* out);
};
}  // namespace slant::starlark::lib
