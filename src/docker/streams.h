// Decoders of the two streaming formats of the Docker Engine API, fed chunks as they come off
// the socket (any split, down to one byte at a time):
//
// - the JSON message stream of /build, /images/create, /images/{name}/push and /events: a
//   sequence of JSON objects, each normally followed by "\r\n", but nothing guarantees that a
//   chunk ends at an object's end, so the decoder finds each object's end itself by tracking
//   nesting depth outside strings;
// - the multiplexed stream of /containers/{id}/logs and of an exec started without a tty: frames
//   of an 8-byte header (stream type: 0 stdin, 1 stdout, 2 stderr; three zero bytes; the payload
//   size as a big-endian uint32) and the payload. Payload bytes are passed on as they arrive,
//   without waiting for the whole frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace slant::docker {

/// The largest JSON message accepted; a longer one is an error (a broken or hostile stream).
inline constexpr std::size_t kMaxJsonMessageBytes = 16 * 1024 * 1024;

/// Splits a JSON message stream into parsed messages.
class JsonStreamDecoder {
 public:
  /// Receives each message; returning false stops decoding (feed() then returns at once).
  using OnMessage = std::function<bool(const nlohmann::json& message)>;

  /// Feeds a chunk and calls `on_message` for each complete message. Returns an error (a message
  /// that is not valid JSON, or one over kMaxJsonMessageBytes), after which the decoder is stuck.
  std::string feed(std::string_view chunk, const OnMessage& on_message);
  /// Whether bytes of an unfinished message are buffered (at the end of the stream: truncated).
  bool pending() const;

 private:
  std::string buffer_;      ///< the current message's bytes so far
  int depth_ = 0;           ///< nesting of {} and [] outside strings
  bool in_string_ = false;  ///< inside a JSON string
  bool escaped_ = false;    ///< the previous byte in a string was a backslash
  bool in_scalar_ = false;  ///< a top-level number/true/false/null is being read
  std::string error_;
};

/// Which stream a multiplexed frame belongs to.
enum class MuxStream : std::uint8_t { kStdin = 0, kStdout = 1, kStderr = 2 };

/// Splits a multiplexed stdout/stderr stream into pieces of each stream.
class MuxStreamDecoder {
 public:
  using OnData = std::function<void(MuxStream stream, std::string_view data)>;

  /// Feeds a chunk and calls `on_data` for the payload bytes it holds (possibly a part of a
  /// frame). Returns an error for a frame header with an unknown stream type.
  std::string feed(std::string_view chunk, const OnData& on_data);
  /// Whether the stream ended in the middle of a frame.
  bool pending() const { return header_have_ != 0 || remaining_ != 0; }

 private:
  unsigned char header_[8] = {};
  std::size_t header_have_ = 0;
  std::uint32_t remaining_ = 0;  ///< payload bytes of the current frame still to come
  MuxStream stream_ = MuxStream::kStdout;
  std::string error_;
};

}  // namespace slant::docker
