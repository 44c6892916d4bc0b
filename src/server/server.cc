#include "server/server.h"

#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <unordered_map>

#include "engine/text.h"
#include "server/token.h"
#include "server/view_stream.h"
#include "server/wire.h"

namespace slant::server {

using engine::lowerFirst;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// An HTTP connection may wait this long for its next request before it is closed.
constexpr auto kIdleTimeout = std::chrono::minutes(2);
// A response must be written within this (a client that stops reading is dropped).
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::uint64_t kMaxBodyBytes = 4 * 1024 * 1024;
// A client of /ws/view sends nothing but control frames; anything larger is refused.
constexpr std::size_t kMaxClientMessage = 64 * 1024;

std::string hostPort(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// An open connection the server can close when it stops.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void close() = 0;
};

}  // namespace

/// What the server's connections share with it. Connections hold it by shared_ptr, so it
/// outlives the Server while their handlers are still queued; once `stopped`, they touch
/// nothing else (the engine may be gone).
class ServerCore : public std::enable_shared_from_this<ServerCore> {
 public:
  ServerCore(engine::AsioLoop& loop, engine::EngineApi& api, Router router,
             const ServerOptions& options, tcp::acceptor acceptor)
      : loop(loop),
        api(api),
        router(std::move(router)),
        ws_queue_bytes(options.ws_queue_bytes),
        max_connections(options.max_connections),
        acceptor(std::move(acceptor)) {}

  std::uint64_t add(std::weak_ptr<Connection> c) {
    std::uint64_t id = next_id++;
    connections.emplace(id, std::move(c));
    return id;
  }
  void remove(std::uint64_t id) { connections.erase(id); }
  void accept();

  engine::AsioLoop& loop;
  engine::EngineApi& api;
  Router router;
  std::size_t ws_queue_bytes;
  std::size_t max_connections;
  tcp::acceptor acceptor;
  bool stopped = false;
  std::uint64_t next_id = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
};

namespace {

/// A /ws/view client: writes the messages of its ViewStream one at a time and reads (and
/// ignores) what the client sends, so that pings are answered and a close is noticed.
class WsSession : public Connection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<ServerCore> core, tcp::socket socket)
      : core_(std::move(core)), ws_(std::move(socket)) {}

  ~WsSession() override {
    if (!core_->stopped) core_->remove(id_);
  }

  void start(const Request& req) {
    id_ = core_->add(weak_from_this());
    beast::get_lowest_layer(ws_).expires_never();
    // Pings an idle client and drops it when it stops answering.
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "slant"); }));
    ws_.read_message_max(kMaxClientMessage);
    ws_.async_accept(req, [self = shared_from_this()](error_code ec) { self->onAccept(ec); });
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    stream_.reset();  // unsubscribes now, while the engine is certainly alive
    error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close();
    if (!core_->stopped) core_->remove(id_);
  }

 private:
  bool done() const { return closed_ || core_->stopped; }

  void onAccept(error_code ec) {
    if (done()) return;
    if (ec) {
      close();
      return;
    }
    std::weak_ptr<WsSession> weak = weak_from_this();
    stream_ = std::make_unique<ViewStream>(core_->loop, core_->api, core_->ws_queue_bytes, [weak] {
      if (auto self = weak.lock()) self->pump();
    });
    stream_->start();
    read();
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (self->done()) return;
      if (ec) {
        self->close();
        return;
      }
      self->in_.consume(self->in_.size());
      self->read();
    });
  }

  void pump() {
    if (writing_ || done() || !stream_) return;
    auto message = stream_->next();
    if (!message) return;
    out_ = std::move(*message);
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(out_), [self = shared_from_this()](error_code ec, std::size_t) {
      self->writing_ = false;
      if (self->done()) return;
      if (ec) {
        self->close();
        return;
      }
      self->pump();
    });
  }

  std::shared_ptr<ServerCore> core_;
  websocket::stream<beast::tcp_stream> ws_;
  std::uint64_t id_ = 0;
  bool closed_ = false;
  std::unique_ptr<ViewStream> stream_;
  beast::flat_buffer in_;
  std::string out_;  // the message being written
  bool writing_ = false;
};

/// An HTTP/1.1 connection: reads requests one after the other (keep-alive), answers each
/// through the router, and hands the socket to a WsSession on an accepted upgrade.
class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerCore> core, tcp::socket socket)
      : core_(std::move(core)), stream_(std::move(socket)) {}

  ~HttpSession() override {
    if (!core_->stopped) core_->remove(id_);
  }

  void start() {
    id_ = core_->add(weak_from_this());
    read();
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    if (!core_->stopped) core_->remove(id_);
  }

 private:
  bool done() const { return closed_ || core_->stopped; }

  void read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(error_code ec) {
    if (done()) return;
    if (ec) {
      if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
          ec == beast::error::timeout || ec == asio::error::operation_aborted ||
          ec == asio::error::connection_reset || ec == asio::error::eof) {
        close();
        return;
      }
      // A malformed request: say why, then close, since where the next request would start is
      // unknown.
      http::status status = http::status::bad_request;
      if (ec == http::error::body_limit) status = http::status::payload_too_large;
      if (ec == http::error::header_limit) {
        status = http::status::request_header_fields_too_large;
      }
      Response res{status, 11};
      res.set(http::field::server, "slant");
      res.set(http::field::content_type, "application/json");
      res.body() = errorJson("invalid HTTP request: " + ec.message()).dump() + "\n";
      res.keep_alive(false);
      res.prepare_payload();
      write(std::move(res));
      return;
    }
    Request req = parser_->release();
    if (websocket::is_upgrade(req)) {
      upgrade(req);
      return;
    }
    write(core_->router.handle(req));
  }

  void upgrade(const Request& req) {
    if (auto refused = core_->router.checkWebSocket(req)) {
      refused->keep_alive(false);
      write(std::move(*refused));
      return;
    }
    auto ws = std::make_shared<WsSession>(core_, stream_.release_socket());
    // This session owns no socket any more; it ends when this handler returns.
    closed_ = true;
    core_->remove(id_);
    ws->start(req);
  }

  void write(Response res) {
    res_ = std::make_unique<Response>(std::move(res));
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (self->done()) return;
      if (ec || !self->res_->keep_alive()) {
        self->close();
        return;
      }
      self->res_.reset();
      self->read();
    });
  }

  std::shared_ptr<ServerCore> core_;
  beast::tcp_stream stream_;
  std::uint64_t id_ = 0;
  bool closed_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<Response> res_;  // the response being written
};

}  // namespace

void ServerCore::accept() {
  acceptor.async_accept([self = shared_from_this()](error_code ec, tcp::socket socket) {
    if (self->stopped) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of descriptors, most likely: try again shortly instead of spinning on the error.
      std::weak_ptr<ServerCore> weak = self;
      self->loop.runAfter(std::chrono::milliseconds(100), [weak] {
        if (auto core = weak.lock(); core && !core->stopped) core->accept();
      });
      return;
    }
    if (self->connections.size() >= self->max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<HttpSession>(self, std::move(socket))->start();
    }
    self->accept();
  });
}

Server::Server(engine::AsioLoop& loop, engine::EngineApi& api, ServerOptions options)
    : loop_(loop), api_(api), options_(std::move(options)) {}

Server::~Server() { stop(); }

std::expected<int, std::string> Server::start() {
  if (core_) return std::unexpected("the server is already started");
  const std::string& host = options_.host;
  if (options_.port < 0 || options_.port > 65535) {
    return std::unexpected("invalid port " + std::to_string(options_.port) +
                           ": must be between 0 and 65535");
  }
  error_code ec;
  asio::ip::address address;
  if (host.empty() || host == "localhost") {
    address = asio::ip::make_address_v4("127.0.0.1");
  } else {
    address = asio::ip::make_address(host, ec);
    if (ec) {
      tcp::resolver resolver(loop_.io());
      auto results = resolver.resolve(host, "", ec);
      if (ec || results.empty()) {
        return std::unexpected("could not resolve the host " + host + ": " +
                               lowerFirst(ec ? ec.message() : "no address"));
      }
      address = results.begin()->endpoint().address();
    }
  }
  std::string where = hostPort(address.to_string(), options_.port);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  tcp::acceptor acceptor(loop_.io());
  if (acceptor.open(endpoint.protocol(), ec)) {
    return std::unexpected("could not listen on " + where + ": " + lowerFirst(ec.message()));
  }
  // Lets a restarted slant bind while old connections linger in TIME_WAIT; a port another
  // process listens on still fails to bind.
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec)) {
    if (ec == asio::error::address_in_use) {
      return std::unexpected("port " + std::to_string(options_.port) + " is already in use on " +
                             (host.empty() ? address.to_string() : host) +
                             " (is another slant or tilt running? use --port to choose another)");
    }
    return std::unexpected("could not listen on " + where + ": " + lowerFirst(ec.message()));
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    return std::unexpected("could not listen on " + where + ": " + lowerFirst(ec.message()));
  }
  int port = acceptor.local_endpoint(ec).port();
  if (ec) return std::unexpected("could not listen on " + where + ": " + lowerFirst(ec.message()));

  auto token = generateToken();
  if (!token) return std::unexpected(token.error());
  std::string dir;
  if (options_.token_dir) {
    dir = *options_.token_dir;
  } else {
    auto d = defaultTokenDir();
    if (!d) return std::unexpected(d.error());
    dir = *d;
  }
  std::string token_file = tokenFilePath(dir, port);
  if (auto written = writeTokenFile(token_file, *token); !written) {
    return std::unexpected(written.error() + " (set SLANT_HOME to a writable directory)");
  }

  port_ = port;
  token_ = std::move(*token);
  token_file_ = std::move(token_file);
  Router router(api_, securityFor(host, port_, token_, token_file_), std::move(options_.assets));
  core_ =
      std::make_shared<ServerCore>(loop_, api_, std::move(router), options_, std::move(acceptor));
  core_->accept();
  return port_;
}

void Server::stop() {
  if (!core_ || core_->stopped) return;
  auto connections = core_->connections;
  for (auto& [id, weak] : connections) {
    if (auto c = weak.lock()) c->close();
  }
  core_->stopped = true;
  core_->connections.clear();
  error_code ec;
  core_->acceptor.close(ec);
  // Remove the token file, unless another server has replaced it meanwhile (a second slant on
  // the same port after this one stopped listening cannot have, but a stale check is cheap).
  if (!token_file_.empty()) {
    auto current = readTokenFile(token_file_);
    if (current && *current == token_) ::unlink(token_file_.c_str());
  }
}

std::size_t Server::connectionCount() const { return core_ ? core_->connections.size() : 0; }

}  // namespace slant::server
