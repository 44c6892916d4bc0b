#include "server/router.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <charconv>
#include <limits>

#include "server/token.h"
#include "server/web_assets.h"
#include "server/wire.h"

namespace slant::server {

namespace http = boost::beast::http;
using Json = nlohmann::json;

namespace {

constexpr std::string_view kJsonType = "application/json";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Serializes what the engine gives us; process output may hold invalid UTF-8, which must not
// make the response fail.
std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Response respond(const Request& req, http::status status, std::string body,
                 std::string_view content_type) {
  Response res{status, req.version()};
  res.set(http::field::server, "slant");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) {
    // The headers of the GET, without its body.
    res.content_length(res.body().size());
    res.body().clear();
  }
  return res;
}

Response jsonResponse(const Request& req, http::status status, const Json& j) {
  return respond(req, status, dump(j), kJsonType);
}

Response errorResponse(const Request& req, http::status status, std::string_view message) {
  return jsonResponse(req, status, errorJson(message));
}

struct Authority {
  std::string host;  // lowercase; IPv6 literals keep their brackets
  int port = 0;
};

std::optional<int> parsePort(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  int port = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (ec != std::errc() || ptr != s.data() + s.size() || port < 0 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

std::optional<Authority> parseAuthority(std::string_view s, int default_port) {
  if (s.empty()) return std::nullopt;
  Authority a;
  std::string_view rest;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    a.host = lower(s.substr(0, close + 1));
    rest = s.substr(close + 1);
  } else {
    auto colon = s.find(':');
    if (colon != std::string_view::npos && s.find(':', colon + 1) != std::string_view::npos) {
      return std::nullopt;  // a bare IPv6 address is not a valid authority
    }
    a.host = lower(s.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : s.substr(colon);
  }
  if (rest.empty()) {
    a.port = default_port;
  } else {
    if (rest.front() != ':') return std::nullopt;
    auto port = parsePort(rest.substr(1));
    if (!port) return std::nullopt;
    a.port = *port;
  }
  // "localhost." is the same name as "localhost" (a fully qualified one).
  if (a.host.size() > 1 && a.host.back() == '.') a.host.pop_back();
  if (a.host.empty()) return std::nullopt;
  return a;
}

bool isIpLiteral(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(std::string(host), ec);
    return !ec && addr.is_v6();
  }
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_v4();
}

bool allowed(const Security& s, const Authority& a) {
  if (a.port != s.port) return false;
  if (std::find(s.host_names.begin(), s.host_names.end(), a.host) != s.host_names.end()) {
    return true;
  }
  return s.any_ip_literal && isIpLiteral(a.host);
}

std::string allowedList(const Security& s) {
  std::string out;
  for (const auto& h : s.host_names) {
    if (!out.empty()) out += ", ";
    out += h + ":" + std::to_string(s.port);
  }
  if (s.any_ip_literal) out += " or any IP address with port " + std::to_string(s.port);
  return out;
}

// Strips nlohmann's "[json.exception.parse_error.101] " from a message.
std::string jsonErrorText(const std::exception& e) {
  std::string_view what = e.what();
  if (what.starts_with("[json.exception.")) {
    auto close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  return std::string(what);
}

std::expected<Json, std::string> parseBody(const Request& req) {
  try {
    return Json::parse(req.body());
  } catch (const Json::exception& e) {
    return std::unexpected("invalid JSON body: " + jsonErrorText(e));
  }
}

// A JSON array of strings, or an error naming `what`.
std::expected<std::vector<std::string>, std::string> stringArray(const Json& j,
                                                                 std::string_view what) {
  if (!j.is_array()) return std::unexpected(std::string(what) + " must be an array of strings");
  std::vector<std::string> out;
  out.reserve(j.size());
  for (const auto& e : j) {
    if (!e.is_string()) {
      return std::unexpected(std::string(what) + " must be an array of strings, not " +
                             e.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string jsonQuoted(std::string_view s) {
  return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<std::uint64_t> parseUnsigned(std::string_view s) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Response methodNotAllowed(const Request& req, std::string_view path, std::string_view allow) {
  Response res =
      errorResponse(req, http::status::method_not_allowed,
                    "method " + std::string(req.method_string()) + " is not allowed on " +
                        std::string(path) + ": use " + std::string(allow));
  res.set(http::field::allow, allow);
  return res;
}

bool isGet(const Request& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

}  // namespace

StaticAssets defaultAssets() {
  StaticAssets assets;
  for (const WebFile& f : webFiles()) {
    assets[f.path] = {f.content_type, std::string(f.data, f.size)};
  }
  return assets;
}

Security securityFor(std::string_view host, int port, std::string token, std::string token_file) {
  Security s;
  s.port = port;
  s.token = std::move(token);
  s.token_file = std::move(token_file);
  s.host_names = {"localhost", "127.0.0.1", "[::1]"};
  std::string h = lower(host);
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(h, ec);
  if (!ec && addr.is_unspecified()) {
    // 0.0.0.0 or ::: reachable under every address of the machine.
    s.any_ip_literal = true;
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') {
      s.host_names.push_back(lower(name));
    }
  } else if (!ec && addr.is_v6()) {
    s.host_names.push_back("[" + addr.to_string() + "]");
  } else if (!h.empty()) {
    if (h.size() > 1 && h.back() == '.') h.pop_back();
    s.host_names.push_back(h);
  }
  std::sort(s.host_names.begin(), s.host_names.end());
  s.host_names.erase(std::unique(s.host_names.begin(), s.host_names.end()), s.host_names.end());
  return s;
}

std::optional<std::string> percentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> requestToken(const Request& req) {
  auto header = req.find(kTokenHeader);
  if (header != req.end() && !header->value().empty()) return std::string(header->value());
  // Cookie: a=b; slant-token=...; c=d (a request may carry several Cookie headers).
  for (auto it = req.find(http::field::cookie);
       it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (pair.substr(0, eq) == kTokenCookie) return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

Router::Router(engine::EngineApi& api, Security security, StaticAssets assets)
    : api_(api), security_(std::move(security)), assets_(std::move(assets)) {}

std::optional<Response> Router::checkHostAndOrigin(const Request& req) const {
  auto host = req.find(http::field::host);
  if (host == req.end()) {
    return errorResponse(req, http::status::forbidden, "missing Host header");
  }
  auto authority = parseAuthority(host->value(), 80);
  if (!authority || !allowed(security_, *authority)) {
    return errorResponse(req, http::status::forbidden,
                         "host " + jsonQuoted(host->value()) +
                             " is not allowed: slant answers only requests addressed to " +
                             allowedList(security_) + " (a guard against DNS rebinding)");
  }
  auto origin = req.find(http::field::origin);
  if (origin != req.end() && !origin->value().empty()) {
    std::string_view o = origin->value();
    bool ok = false;
    auto sep = o.find("://");
    if (sep != std::string_view::npos) {
      std::string scheme = lower(o.substr(0, sep));
      int default_port = scheme == "https" ? 443 : 80;
      auto a = parseAuthority(o.substr(sep + 3), default_port);
      ok = (scheme == "http" || scheme == "https") && a && allowed(security_, *a);
    }
    if (!ok) {
      return errorResponse(req, http::status::forbidden,
                           "cross-origin request from " + jsonQuoted(o) + " refused");
    }
  }
  return std::nullopt;
}

std::optional<Response> Router::checkToken(const Request& req) const {
  auto token = requestToken(req);
  if (!token) {
    return errorResponse(req, http::status::forbidden,
                         "missing API token: send the " + std::string(kTokenHeader) +
                             " header or the " + std::string(kTokenCookie) +
                             " cookie (the token is in " + security_.token_file + ")");
  }
  if (!tokensEqual(*token, security_.token)) {
    return errorResponse(
        req, http::status::forbidden,
        "invalid API token (the token of this server is in " + security_.token_file + ")");
  }
  return std::nullopt;
}

std::optional<Response> Router::checkWebSocket(const Request& req) const {
  if (auto refused = checkHostAndOrigin(req)) return refused;
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path != "/ws/view") {
    return errorResponse(req, http::status::not_found,
                         "no WebSocket at " + std::string(path) + ": use /ws/view");
  }
  if (req.method() != http::verb::get) return methodNotAllowed(req, path, "GET");
  if (auto refused = checkToken(req)) return refused;
  return std::nullopt;
}

Response Router::handle(const Request& req) {
  if (auto refused = checkHostAndOrigin(req)) return *refused;
  std::string_view target = req.target();
  if (target.empty() || target.front() != '/') {
    return errorResponse(req, http::status::bad_request,
                         "invalid request target " + jsonQuoted(target));
  }
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  // Endpoints that read: GET (and HEAD).
  auto readOnly = [&](auto&& fn) -> Response {
    if (!isGet(req)) return methodNotAllowed(req, path, "GET");
    return fn();
  };
  // Endpoints that change state: POST with the token.
  auto changing = [&](auto&& fn) -> Response {
    if (req.method() != http::verb::post) return methodNotAllowed(req, path, "POST");
    if (auto refused = checkToken(req)) return *refused;
    return fn();
  };

  if (path == "/api/view") return readOnly([&] { return view(req); });
  if (path == "/api/logs") return readOnly([&] { return logs(req, query); });
  if (path == "/api/args") return readOnly([&] { return args(req); });
  if (path == "/api/dump/engine") return readOnly([&] { return dumpEngine(req); });
  constexpr std::string_view kResources = "/api/resources/";
  if (path.starts_with(kResources) && path.size() > kResources.size()) {
    auto name = percentDecode(path.substr(kResources.size()), false);
    if (!name) {
      return errorResponse(req, http::status::bad_request,
                           "invalid escape in the path " + jsonQuoted(path));
    }
    return readOnly([&] { return resource(req, *name); });
  }
  if (path == "/api/trigger") return changing([&] { return trigger(req); });
  if (path == "/api/enable") return changing([&] { return setDisabled(req, false); });
  if (path == "/api/disable") return changing([&] { return setDisabled(req, true); });
  if (path == "/api/set_tiltfile_args") return changing([&] { return setArgs(req); });
  if (path == "/api/override/trigger_mode") {
    return changing([&] { return setTriggerMode(req); });
  }
  if (path == "/ws/view") {
    return errorResponse(req, http::status::upgrade_required,
                         "/ws/view is a WebSocket: connect with a WebSocket client");
  }
  if (path.starts_with("/api/")) {
    return errorResponse(req, http::status::not_found,
                         "no such endpoint " + jsonQuoted(path) + " (see docs/api.md)");
  }
  if (auto it = assets_.find(path); it != assets_.end()) {
    return readOnly([&] { return asset(req, it->second); });
  }
  return respond(req, http::status::not_found, "404 page not found: " + std::string(path) + "\n",
                 "text/plain; charset=utf-8");
}

Response Router::view(const Request& req) {
  return jsonResponse(req, http::status::ok, api_.view());
}

Response Router::resource(const Request& req, std::string_view name) {
  auto r = api_.resource(name);
  if (!r) {
    return errorResponse(req, http::status::not_found, "no such resource " + jsonQuoted(name));
  }
  return jsonResponse(req, http::status::ok, *r);
}

Response Router::logs(const Request& req, std::string_view query) {
  engine::LogQuery q;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percentDecode(pair.substr(0, eq), true);
    auto value = percentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) {
      return errorResponse(req, http::status::bad_request,
                           "invalid escape in the query parameter " + jsonQuoted(pair));
    }
    if (*key == "after" || *key == "limit") {
      auto n = parseUnsigned(*value);
      if (!n) {
        return errorResponse(
            req, http::status::bad_request,
            "invalid " + *key + " " + jsonQuoted(*value) + ": must be a non-negative integer");
      }
      if (*key == "after") {
        q.after_seq = *n;
      } else {
        q.limit = static_cast<std::size_t>(
            std::min<std::uint64_t>(*n, std::numeric_limits<std::size_t>::max()));
      }
    } else if (*key == "resource") {
      q.resources.push_back(std::move(*value));
    }
    // Other parameters are ignored, so that newer clients work with this server.
  }
  engine::LogPage page = api_.logs(q);
  Json lines = Json::array();
  for (const auto& line : page.lines) lines.push_back(logLineJson(line));
  return jsonResponse(
      req, http::status::ok,
      {{"lines", std::move(lines)}, {"last_seq", page.last_seq}, {"dropped", page.dropped}});
}

Response Router::trigger(const Request& req) {
  auto body = parseBody(req);
  if (!body) return errorResponse(req, http::status::bad_request, body.error());
  if (!body->is_object() || !body->contains("manifest_names")) {
    return errorResponse(req, http::status::bad_request,
                         R"(the body must be {"manifest_names": ["NAME"]})");
  }
  auto names = stringArray((*body)["manifest_names"], "manifest_names");
  if (!names) return errorResponse(req, http::status::bad_request, names.error());
  if (names->size() != 1) {
    return errorResponse(
        req, http::status::bad_request,
        "/api/trigger supports exactly one manifest name, got " + std::to_string(names->size()));
  }
  const std::string& name = names->front();
  if (!api_.resource(name)) {
    return errorResponse(req, http::status::not_found, "no such resource " + jsonQuoted(name));
  }
  auto done = api_.trigger(name);
  if (!done) return errorResponse(req, http::status::bad_request, done.error());
  return jsonResponse(req, http::status::ok, Json::object());
}

std::expected<std::vector<std::string>, Response> Router::resourceNames(const Request& req,
                                                                        const Json& value,
                                                                        std::string_view field) {
  auto names = stringArray(value, field);
  if (!names) return std::unexpected(errorResponse(req, http::status::bad_request, names.error()));
  if (names->empty()) {
    return std::unexpected(errorResponse(req, http::status::bad_request,
                                         std::string(field) + " is empty: name a resource"));
  }
  for (const auto& name : *names) {
    if (!api_.resource(name)) {
      return std::unexpected(
          errorResponse(req, http::status::not_found, "no such resource " + jsonQuoted(name)));
    }
  }
  return std::move(*names);
}

Response Router::setDisabled(const Request& req, bool disabled) {
  auto body = parseBody(req);
  if (!body) return errorResponse(req, http::status::bad_request, body.error());
  if (!body->is_object() || !body->contains("names")) {
    return errorResponse(req, http::status::bad_request, R"(the body must be {"names": [...]})");
  }
  auto names = resourceNames(req, (*body)["names"], "names");
  if (!names) return std::move(names.error());
  auto done = api_.setDisabled(*names, disabled);
  if (!done) return errorResponse(req, http::status::bad_request, done.error());
  return jsonResponse(req, http::status::ok, Json::object());
}

Response Router::setTriggerMode(const Request& req) {
  auto body = parseBody(req);
  if (!body) return errorResponse(req, http::status::bad_request, body.error());
  if (!body->is_object() || !body->contains("manifest_names") || !body->contains("trigger_mode")) {
    return errorResponse(req, http::status::bad_request,
                         R"(the body must be {"manifest_names": [...], "trigger_mode": 0 or 1})");
  }
  auto names = resourceNames(req, (*body)["manifest_names"], "manifest_names");
  if (!names) return std::move(names.error());
  // Tilt's model.TriggerMode: 0 auto, 1 manual (with auto init), 2 manual, 3 auto (with manual
  // init). Whether the first update starts by itself was decided at startup; only the auto or
  // manual half matters now.
  const Json& mode = (*body)["trigger_mode"];
  if (!mode.is_number_integer() || mode.get<std::int64_t>() < 0 || mode.get<std::int64_t>() > 3) {
    return errorResponse(
        req, http::status::bad_request,
        "invalid trigger mode: " + mode.dump(-1, ' ', false, Json::error_handler_t::replace) +
            " (0 auto, 1 manual)");
  }
  std::int64_t m = mode.get<std::int64_t>();
  model::TriggerMode trigger_mode =
      m == 0 || m == 3 ? model::TriggerMode::kAuto : model::TriggerMode::kManual;
  auto done = api_.setTriggerMode(*names, trigger_mode);
  if (!done) return errorResponse(req, http::status::bad_request, done.error());
  return jsonResponse(req, http::status::ok, Json::object());
}

Response Router::setArgs(const Request& req) {
  auto body = parseBody(req);
  if (!body) return errorResponse(req, http::status::bad_request, body.error());
  auto args = stringArray(*body, "the body");
  if (!args) return errorResponse(req, http::status::bad_request, args.error());
  api_.setArgs(std::move(*args));
  return jsonResponse(req, http::status::ok, Json::object());
}

Response Router::args(const Request& req) {
  return jsonResponse(req, http::status::ok, {{"args", api_.args()}});
}

Response Router::dumpEngine(const Request& req) {
  return jsonResponse(req, http::status::ok, api_.dumpEngine());
}

Response Router::asset(const Request& req, const StaticAsset& a) {
  Response res = respond(req, http::status::ok, a.body, a.content_type);
  // The web UI's requests carry the token in this cookie; SameSite=Strict keeps other sites'
  // pages from sending it, HttpOnly keeps scripts from reading it.
  res.set(http::field::set_cookie, std::string(kTokenCookie) + "=" + security_.token +
                                       "; SameSite=Strict; HttpOnly; Path=/");
  return res;
}

}  // namespace slant::server
