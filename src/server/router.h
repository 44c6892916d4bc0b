// The HTTP API without sockets: a request in, a response out. The server (server.h) reads
// requests off connections and hands them here; the fuzzer and the unit tests call it directly.
//
// Every request passes three checks before it reaches an endpoint, in this order:
// 1. Host: the Host header must name this server (localhost, 127.0.0.1, [::1] or the configured
//    host, with the bound port). A page whose DNS name was rebound to 127.0.0.1 sends its own
//    name there, so this defeats DNS rebinding. Bound to a wildcard address (0.0.0.0, ::), the
//    server also accepts any IP literal and the machine's host name: a rebinding attack always
//    carries a DNS name it controls.
// 2. Origin: a request that carries an Origin header (browsers send it on cross-origin requests
//    and on every POST) must come from a page of this server; anything else is a cross-site
//    request and is refused.
// 3. Token: every request that changes state (POST) and the WebSocket need the API token, in the
//    X-Slant-Token header or the slant-token cookie (which GET / sets, SameSite=Strict).
// A failed check answers 403 with {"error": "..."}.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api.h"

namespace slant::server {

/// A request as the server reads it (the body is at most a few MB).
using Request = boost::beast::http::request<boost::beast::http::string_body>;
/// A response as the router writes it.
using Response = boost::beast::http::response<boost::beast::http::string_body>;

/// A file the server serves as it is (the web UI's assets).
struct StaticAsset {
  std::string content_type;  ///< e.g. "text/html; charset=utf-8"
  std::string body;
};

/// Static files by path ("/", "/app.js").
using StaticAssets = std::map<std::string, StaticAsset, std::less<>>;

/// The web UI's files as the build embedded them (web/, see server/web_assets.h): "/" is the
/// page, the rest its scripts and styles.
StaticAssets defaultAssets();

/// What the router checks requests against.
struct Security {
  /// Host names that reach this server, lowercase, IPv6 literals in brackets ("[::1]").
  std::vector<std::string> host_names;
  /// Bound to a wildcard address: any IP literal is a valid Host too.
  bool any_ip_literal = false;
  /// The bound port, which Host and Origin must carry.
  int port = 0;
  /// The API token.
  std::string token;
  /// Where the token file is, for the message of a request without a token.
  std::string token_file;
};

/// The Security of a server bound to `host` (as given to --host) and `port`.
Security securityFor(std::string_view host, int port, std::string token, std::string token_file);

/// Routes requests to the engine. Runs on the loop thread.
class Router {
 public:
  Router(engine::EngineApi& api, Security security, StaticAssets assets);

  /// Answers one request (never an upgrade to WebSocket: see checkWebSocket). Errors are
  /// responses too: 4xx with {"error": "..."}.
  Response handle(const Request& req);

  /// Checks a WebSocket upgrade request: nullopt when it may be accepted (GET /ws/view with a
  /// valid Host, Origin and token), else the response that refuses it.
  std::optional<Response> checkWebSocket(const Request& req) const;

  /// The security settings in force.
  const Security& security() const { return security_; }

 private:
  std::optional<Response> checkHostAndOrigin(const Request& req) const;
  std::optional<Response> checkToken(const Request& req) const;

  Response view(const Request& req);
  Response resource(const Request& req, std::string_view name);
  Response logs(const Request& req, std::string_view query);
  Response trigger(const Request& req);
  /// The non-empty list of existing resource names in `value` (the body's `field`), or the
  /// error response: 400 for a malformed or empty list, 404 naming an unknown resource.
  std::expected<std::vector<std::string>, Response> resourceNames(const Request& req,
                                                                  const nlohmann::json& value,
                                                                  std::string_view field);
  Response setDisabled(const Request& req, bool disabled);
  Response setTriggerMode(const Request& req);
  Response setArgs(const Request& req);
  Response args(const Request& req);
  Response dumpEngine(const Request& req);
  Response asset(const Request& req, const StaticAsset& a);

  engine::EngineApi& api_;
  Security security_;
  StaticAssets assets_;
};

/// Decodes %XX escapes (and '+' as a space when `plus_is_space`); nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view s, bool plus_is_space);

/// The token sent with a request: the X-Slant-Token header, else the slant-token cookie.
std::optional<std::string> requestToken(const Request& req);

/// The name of the header and of the cookie that carry the API token.
inline constexpr std::string_view kTokenHeader = "X-Slant-Token";
inline constexpr std::string_view kTokenCookie = "slant-token";

}  // namespace slant::server
