#include "server/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>

#include "engine/text.h"
#include "server/router.h"

namespace slant::server {

using engine::lowerFirst;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::uint64_t kMaxReplyBytes = 1ull << 30;

bool isTimeout(const error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::timed_out;
}

// Runs the io_context until the operation started by `start` has completed; returns its error.
template <class Start>
error_code runOp(asio::io_context& ioc, Start start) {
  error_code result;
  bool done = false;
  start([&](error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc.restart();
  while (!done && ioc.run_one() > 0) {
  }
  return result;
}

}  // namespace

ApiClient::ApiClient(std::string host, int port, std::optional<std::string> token)
    : host_(std::move(host)), port_(port), token_(std::move(token)) {}

std::string ApiClient::address() const {
  bool v6 = host_.find(':') != std::string::npos && host_.front() != '[';
  return (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

std::string replyError(const HttpReply& reply) {
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    return j["error"].get<std::string>();
  }
  std::string body = reply.body;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
  if (!body.empty()) return body;
  return "the server answered with status " + std::to_string(reply.status);
}

std::expected<HttpReply, ClientError> ApiClient::get(std::string_view target,
                                                     Duration timeout) const {
  return request(false, target, "", timeout);
}

std::expected<HttpReply, ClientError> ApiClient::post(std::string_view target, std::string body,
                                                      Duration timeout) const {
  return request(true, target, std::move(body), timeout);
}

namespace {

// Resolves and connects `stream`; the error message is the one the user sees when slant is
// not running.
std::optional<ClientError> connect(asio::io_context& ioc, beast::tcp_stream& stream,
                                   const std::string& host, int port, const std::string& address,
                                   ApiClient::Duration timeout) {
  auto fail = [&](const error_code& ec) {
    return ClientError{ClientError::Kind::kConnect,
                       "could not connect to slant at " + address + ": is \"slant up\" running? (" +
                           (isTimeout(ec) ? std::string("timed out") : lowerFirst(ec.message())) +
                           ")"};
  };
  std::string h = host;
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  tcp::resolver resolver(ioc);
  error_code ec;
  auto endpoints = resolver.resolve(h, std::to_string(port), ec);
  if (ec) return fail(ec);
  stream.expires_after(timeout);
  ec = runOp(ioc, [&](auto handler) { stream.async_connect(endpoints, handler); });
  if (ec) return fail(ec);
  return std::nullopt;
}

ClientError brokenError(const std::string& address, const error_code& ec) {
  if (isTimeout(ec)) {
    return {ClientError::Kind::kTimeout, "slant at " + address + " did not answer in time"};
  }
  return {ClientError::Kind::kProtocol,
          "lost the connection to slant at " + address + ": " + lowerFirst(ec.message())};
}

}  // namespace

std::expected<HttpReply, ClientError> ApiClient::request(bool post, std::string_view target,
                                                         std::string body, Duration timeout) const {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  if (auto failed = connect(ioc, stream, host_, port_, address(), timeout)) {
    return std::unexpected(*failed);
  }
  http::request<http::string_body> req{post ? http::verb::post : http::verb::get, target, 11};
  req.set(http::field::host, address());
  req.set(http::field::user_agent, "slant");
  req.set(http::field::accept, "application/json");
  if (token_) req.set(kTokenHeader, *token_);
  if (post) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.keep_alive(false);
  req.prepare_payload();
  stream.expires_after(timeout);
  error_code ec = runOp(ioc, [&](auto handler) { http::async_write(stream, req, handler); });
  if (ec) return std::unexpected(brokenError(address(), ec));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  ec = runOp(ioc, [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  if (ec) return std::unexpected(brokenError(address(), ec));
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  auto res = parser.release();
  return HttpReply{static_cast<int>(res.result_int()), std::move(res.body())};
}

std::expected<void, ClientError> ApiClient::stream(
    const std::function<bool(const nlohmann::json&)>& on_message,
    std::optional<Duration> timeout) const {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  auto& lowest = beast::get_lowest_layer(ws);
  Duration connect_timeout = std::chrono::seconds(30);
  if (timeout && *timeout < connect_timeout) connect_timeout = *timeout;
  if (auto failed = connect(ioc, lowest, host_, port_, address(), connect_timeout)) {
    return std::unexpected(*failed);
  }
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  std::optional<std::string> token = token_;
  ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
    req.set(http::field::user_agent, "slant");
    if (token) req.set(kTokenHeader, *token);
  }));
  ws.read_message_max(kMaxReplyBytes);
  // The WebSocket has its own timeouts (a 30 s handshake); the stream's must be off.
  lowest.expires_never();
  websocket::response_type res;
  error_code ec =
      runOp(ioc, [&](auto handler) { ws.async_handshake(res, address(), "/ws/view", handler); });
  if (ec) {
    if (ec == websocket::error::upgrade_declined) {
      HttpReply reply{static_cast<int>(res.result_int()), res.body()};
      return std::unexpected(
          ClientError{ClientError::Kind::kProtocol,
                      "slant at " + address() + " refused the stream: " + replyError(reply)});
    }
    return std::unexpected(brokenError(address(), ec));
  }

  // The overall deadline closes the socket, which ends the pending read.
  bool timed_out = false;
  asio::steady_timer deadline(ioc);
  if (timeout) {
    deadline.expires_after(*timeout);
    deadline.async_wait([&](error_code e) {
      if (e) return;
      timed_out = true;
      error_code ignored;
      lowest.socket().close(ignored);
    });
  }
  beast::flat_buffer buffer;
  while (true) {
    ec = runOp(ioc, [&](auto handler) { ws.async_read(buffer, handler); });
    if (timed_out) {
      return std::unexpected(ClientError{ClientError::Kind::kTimeout, "timed out"});
    }
    if (ec) {
      if (ec == websocket::error::closed || ec == asio::error::eof ||
          ec == asio::error::connection_reset) {
        return std::unexpected(
            ClientError{ClientError::Kind::kClosed, "slant at " + address() + " stopped"});
      }
      return std::unexpected(brokenError(address(), ec));
    }
    auto message = nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    buffer.consume(buffer.size());
    if (message.is_discarded()) {
      return std::unexpected(
          ClientError{ClientError::Kind::kProtocol, "slant at " + address() +
                                                        " sent a message that is "
                                                        "not JSON"});
    }
    if (!on_message(message)) break;
  }
  deadline.cancel();
  error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return {};
}

}  // namespace slant::server
