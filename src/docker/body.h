// Request bodies produced piece by piece: the client asks for the next piece only when the socket
// has taken the previous one, so a body of any size (a build context) costs bounded memory.
#pragma once

#include <cstddef>
#include <expected>
#include <string>

namespace slant::docker {

/// A producer of a request body, called on the loop thread.
class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Appends up to about `max` bytes to `out` (possibly none, to let the loop run other work
  /// after a long stretch without output). Returns true while more may follow, false once the
  /// body is complete; an error string when it cannot be produced.
  virtual std::expected<bool, std::string> fill(std::string& out, std::size_t max) = 0;
};

}  // namespace slant::docker
