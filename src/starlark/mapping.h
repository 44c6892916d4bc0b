// Host-defined mapping types (Tilt's os.environ): objects that are not dicts but that x[k],
// x[k] = v, `k in x`, dict(x) and d.update(x) treat as mappings, as go.starlark.net does for
// values implementing its Mapping, HasSetKey and IterableMapping interfaces. A host type derives
// from both Object (with ObjType::kOther) and HostMapping.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "starlark/value.h"

namespace slant::starlark {

class HostMapping {
 public:
  virtual ~HostMapping() = default;
  /// The value for key, or nullopt if absent (x[k] then fails with `key "k" not in T`).
  virtual Result<std::optional<Value>> get(const Value& key) const = 0;
  /// x[key] = value; the error is the assignment's.
  virtual Result<void> setKey(const Value& key, Value value) = 0;
  /// The entries in iteration order, for dict(x) and d.update(x).
  virtual std::vector<std::pair<Value, Value>> items() const = 0;
};

/// The object of x as a HostMapping, or nullptr.
inline HostMapping* asHostMapping(const Value& x) {
  return x.is(ObjType::kOther) ? dynamic_cast<HostMapping*>(x.object()) : nullptr;
}

}  // namespace slant::starlark
