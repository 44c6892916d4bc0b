// libFuzzer target: arbitrary bytes parsed as an HTTP request by Beast's parser (as the server
// reads them) and dispatched through the router against a small in-memory engine, including
// the checks of a WebSocket upgrade. Any input must give a response, never a crash, a sanitizer
// report or a hang; every response must be well formed (a status, and a JSON body on /api/).
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "server/router.h"

namespace {

namespace http = boost::beast::http;
using Json = nlohmann::json;
using namespace slant;

// Answers like an engine with two resources and a few log lines; keeps no growing state.
class TinyEngine : public engine::EngineApi {
 public:
  TinyEngine() {
    for (const char* text : {"one", "two", "three"}) {
      engine::LogLine line;
      line.resource = "api";
      line.text = text;
      log_.append(line);
    }
  }
  Json view() const override {
    return {{"session", {{"tiltfile", "/w/Tiltfile"}}},
            {"resources", {resource("(Tiltfile)").value(), resource("api").value()}}};
  }
  std::optional<Json> resource(std::string_view name) const override {
    if (name != "api" && name != "(Tiltfile)") return std::nullopt;
    return Json{{"name", name}, {"disabled", disabled_}};
  }
  engine::LogPage logs(const engine::LogQuery& q) const override { return log_.query(q); }
  std::expected<void, std::string> trigger(std::string_view name) override {
    if (disabled_) return std::unexpected("resource \"api\" is disabled");
    return {};
  }
  std::expected<void, std::string> setDisabled(const std::vector<std::string>& names,
                                               bool disabled) override {
    for (const auto& n : names) {
      if (n == "(Tiltfile)") return std::unexpected("(Tiltfile) cannot be disabled");
    }
    disabled_ = disabled;
    return {};
  }
  std::expected<void, std::string> setTriggerMode(const std::vector<std::string>& names,
                                                  model::TriggerMode) override {
    for (const auto& n : names) {
      if (n == "(Tiltfile)") return std::unexpected("(Tiltfile)'s trigger mode cannot change");
    }
    return {};
  }
  void setArgs(std::vector<std::string> args) override { args_ = std::move(args); }
  std::vector<std::string> args() const override { return args_; }
  Json dumpEngine() const override { return view(); }
  engine::SubscriptionId subscribe(engine::EngineListener) override { return 1; }
  void unsubscribe(engine::SubscriptionId) override {}

 private:
  engine::LogStore log_;
  bool disabled_ = false;
  std::vector<std::string> args_;
};

void check(const server::Request& req, const server::Response& res) {
  unsigned status = res.result_int();
  if (status < 200 || status > 599) {
    std::fprintf(stderr, "status %u out of range\n", status);
    std::abort();
  }
  std::string_view target = req.target();
  if (target.starts_with("/api/") && req.method() != http::verb::head) {
    auto j = Json::parse(res.body(), nullptr, false);
    if (j.is_discarded()) {
      std::fprintf(stderr, "an /api/ response is not JSON: %s\n", res.body().c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static TinyEngine engine;
  static server::Router router(
      engine, server::securityFor("127.0.0.1", 10350, "t0ken", "/home/u/.slant/token-10350"),
      server::defaultAssets());

  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  boost::system::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_done()) {
    std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (used == 0) break;
    }
    if (ec) return 0;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return 0;  // put_eof requires some input
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  server::Request req = parser.release();
  if (boost::beast::websocket::is_upgrade(req)) {
    if (auto refused = router.checkWebSocket(req)) check(req, *refused);
    return 0;
  }
  server::Response res = router.handle(req);
  check(req, res);
  return 0;
}
