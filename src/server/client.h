// A client of the API, for the commands that talk to a running `slant up` (`slant get`, `logs`,
// `trigger`, ...). It blocks the calling thread (those commands have nothing else to do) but
// every wait has a deadline. Each request opens its own connection.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace slant::server {

/// Why a request got no answer.
struct ClientError {
  enum class Kind {
    kConnect,   ///< nothing listens, or the host is unknown
    kTimeout,   ///< the deadline passed
    kClosed,    ///< the server closed the stream
    kProtocol,  ///< the connection broke or the answer was not what the API sends
  };
  Kind kind = Kind::kProtocol;
  std::string message;  ///< for the user, e.g. `could not connect to slant at ...`
};

/// An HTTP answer: the status code and the body.
struct HttpReply {
  int status = 0;
  std::string body;
};

/// Talks to the server at host:port, sending the token (when there is one) with every request.
class ApiClient {
 public:
  using Duration = std::chrono::steady_clock::duration;

  ApiClient(std::string host, int port, std::optional<std::string> token);

  /// GET `target` ("/api/view"). Error: no connection, a timeout, a broken answer.
  std::expected<HttpReply, ClientError> get(std::string_view target,
                                            Duration timeout = std::chrono::seconds(30)) const;
  /// POST `body` (JSON) to `target`. Errors as get().
  std::expected<HttpReply, ClientError> post(std::string_view target, std::string body,
                                             Duration timeout = std::chrono::seconds(30)) const;

  /// Opens /ws/view and calls `on_message` with each message, in order, until it returns false
  /// (then returns success). Error: kTimeout once `timeout` has passed (if given), kClosed when
  /// the server ends the stream, kConnect or kProtocol otherwise (a refused upgrade gives the
  /// server's message).
  std::expected<void, ClientError> stream(
      const std::function<bool(const nlohmann::json&)>& on_message,
      std::optional<Duration> timeout = std::nullopt) const;

  /// "host:port" as the messages show it.
  std::string address() const;

 private:
  std::expected<HttpReply, ClientError> request(bool post, std::string_view target,
                                                std::string body, Duration timeout) const;

  std::string host_;
  int port_;
  std::optional<std::string> token_;
};

/// The error message of an API error reply: its {"error": ...}, else its body, else its status.
std::string replyError(const HttpReply& reply);

}  // namespace slant::server
