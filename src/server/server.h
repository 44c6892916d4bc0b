// slant's HTTP and WebSocket server (Boost.Beast) on the engine's loop: the JSON API, the
// /ws/view stream and the static files of the web UI. It runs on the loop thread with the
// engine and calls engine::EngineApi directly; every operation is asynchronous. The endpoints
// and their security checks are in router.h, the stream's coalescing in view_stream.h, and
// docs/api.md documents all of it.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "engine/api.h"
#include "engine/asio_loop.h"
#include "server/router.h"

namespace slant::server {

/// How the server listens.
struct ServerOptions {
  /// The address to bind: an IP address or a host name ("localhost" binds 127.0.0.1).
  std::string host = "127.0.0.1";
  /// The port; 0 picks any free port (start() returns it).
  int port = 10350;
  /// Where the token file goes; nullopt: $SLANT_HOME or $HOME/.slant (token.h).
  std::optional<std::string> token_dir;
  /// The static files, by path.
  StaticAssets assets = defaultAssets();
  /// The cap on the bytes queued for one WebSocket client (view_stream.h).
  std::size_t ws_queue_bytes = 8 * 1024 * 1024;
  /// At most this many connections at once; more are closed as soon as they are accepted.
  std::size_t max_connections = 256;
};

class ServerCore;

/// The server. Create it, start() it, run the loop; stop() (or destroy it) before the engine
/// goes away.
class Server {
 public:
  Server(engine::AsioLoop& loop, engine::EngineApi& api, ServerOptions options);
  /// Stops the server.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, creates the token and its file, and starts accepting; returns the bound port.
  /// Call it before the loop runs or on the loop thread (resolving a host name blocks).
  /// Error: a message for the user, e.g. "port 10350 is already in use on 127.0.0.1 (...)".
  std::expected<int, std::string> start();

  /// Closes the listening socket and every connection, unsubscribes from the engine and
  /// removes the token file. Idempotent.
  void stop();

  /// The bound port (0 before start()).
  int port() const { return port_; }
  /// The API token (empty before start()).
  const std::string& token() const { return token_; }
  /// The token file (empty before start()).
  const std::string& tokenFile() const { return token_file_; }
  /// The connections open now (HTTP and WebSocket), for tests.
  std::size_t connectionCount() const;

 private:
  engine::AsioLoop& loop_;
  engine::EngineApi& api_;
  ServerOptions options_;
  std::shared_ptr<ServerCore> core_;
  int port_ = 0;
  std::string token_;
  std::string token_file_;
};

}  // namespace slant::server
