#include "server/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "engine/fake_loop.h"
#include "server/client.h"
#include "server/fake_engine_api.h"
#include "server/token.h"
#include "server/view_stream.h"
#include "server/wire.h"

namespace slant::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// How long a test waits for something that should happen at once; never reached when all is
// well, so it can be generous.
constexpr auto kWait = 20s;

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  Json json() const { return Json::parse(body, nullptr, false); }
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("slant-server-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.token_dir = dir_.string();
    server_ = std::make_unique<Server>(loop_, engine_, options);
    auto port = server_->start();
    ASSERT_TRUE(port.has_value()) << port.error();
    port_ = *port;
    thread_ = std::thread([this] { loop_.run(); });
  }

  void TearDown() override {
    if (thread_.joinable()) {
      onLoop([&] { server_->stop(); });
      loop_.stop();
      thread_.join();
    }
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs `fn` on the loop thread and waits for it.
  template <class F>
  auto onLoop(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    loop_.post([&task] { task(); });
    if (result.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "the loop did not run the call";
      std::abort();
    }
    return result.get();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string token() const { return server_->token(); }

  // Writes `bytes` to a new connection and reads one response, with a deadline on each step, so
  // that a missing answer fails the test instead of hanging it.
  Reply sendRaw(const std::string& bytes, bool head = false) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(kWait);
    http::response_parser<http::string_body> parser;
    parser.skip(head);  // a response to HEAD has no body, whatever its Content-Length says
    beast::flat_buffer buffer;
    boost::system::error_code result;
    stream.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)),
        [&](boost::system::error_code ec) {
          if (ec) {
            result = ec;
            return;
          }
          asio::async_write(
              stream, asio::buffer(bytes), [&](boost::system::error_code ec, std::size_t) {
                if (ec) {
                  result = ec;
                  return;
                }
                http::async_read(stream, buffer, parser,
                                 [&](boost::system::error_code ec, std::size_t) { result = ec; });
              });
        });
    ioc.run();
    EXPECT_FALSE(result) << result.message();
    auto res = parser.release();
    Reply r{static_cast<int>(res.result_int()), res.body(), {}};
    for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    return r;
  }

  Reply send(http::verb method, std::string target, std::map<std::string, std::string> headers,
             std::string body = "") {
    http::request<http::string_body> req{method, target, 11};
    if (!headers.count("Host")) req.set(http::field::host, host());
    for (auto& [k, v] : headers) {
      if (!v.empty()) req.set(k, v);
    }
    req.body() = std::move(body);
    req.prepare_payload();
    std::ostringstream bytes;
    bytes << req;
    return sendRaw(bytes.str(), method == http::verb::head);
  }
  Reply get(std::string target, std::map<std::string, std::string> headers = {}) {
    return send(http::verb::get, std::move(target), std::move(headers));
  }
  Reply post(std::string target, std::string body, std::map<std::string, std::string> headers) {
    return send(http::verb::post, std::move(target), std::move(headers), std::move(body));
  }
  Reply postWithToken(std::string target, std::string body) {
    return post(std::move(target), std::move(body), {{"X-Slant-Token", token()}});
  }

  ApiClient client(std::optional<std::string> token) const {
    return ApiClient("127.0.0.1", port_, std::move(token));
  }

  std::filesystem::path dir_;
  engine::AsioLoop loop_;
  FakeEngineApi engine_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(ServerTest, ServesTheViewToAGetWithoutAToken) {
  Reply r = get("/api/view");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Type"], "application/json");
  Json view = r.json();
  ASSERT_TRUE(view.is_object()) << r.body;
  EXPECT_EQ(view["resources"].size(), 3u);
  EXPECT_EQ(view["resources"][0]["name"], "(Tiltfile)");
  EXPECT_EQ(view["session"]["tiltfile"], "/w/Tiltfile");
}

TEST_F(ServerTest, ServesOneResourceAndAJson404ForAnUnknownOne) {
  Reply r = get("/api/resources/api");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["name"], "api");
  Reply tiltfile = get("/api/resources/%28Tiltfile%29");
  EXPECT_EQ(tiltfile.status, 200);
  EXPECT_EQ(tiltfile.json()["type"], "tiltfile");
  Reply missing = get("/api/resources/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"], "no such resource \"nope\"");
}

TEST_F(ServerTest, ServesLogsAfterACursorForTheChosenResources) {
  onLoop([&] {
    engine_.addLog("api", "one");
    engine_.addLog("db", "two", engine::LogSource::kBuild);
    engine_.addLog("api", "three");
    engine_.addLog("(Tiltfile)", "four");
  });
  Json all = get("/api/logs").json();
  ASSERT_EQ(all["lines"].size(), 4u);
  EXPECT_EQ(all["last_seq"], 4);
  EXPECT_EQ(all["dropped"], 0);
  EXPECT_EQ(all["lines"][1], Json({{"seq", 2},
                                   {"time", "2026-01-02T03:04:05.678Z"},
                                   {"resource", "db"},
                                   {"source", "build"},
                                   {"level", "info"},
                                   {"text", "two"}}));
  Json page = get("/api/logs?after=1&resource=api&resource=%28Tiltfile%29&limit=1").json();
  ASSERT_EQ(page["lines"].size(), 1u);
  EXPECT_EQ(page["lines"][0]["text"], "three");
  Json rest = get("/api/logs?after=3&resource=api&resource=%28Tiltfile%29").json();
  ASSERT_EQ(rest["lines"].size(), 1u);
  EXPECT_EQ(rest["lines"][0]["text"], "four");
  Reply bad = get("/api/logs?after=x");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.json()["error"].get<std::string>(), HasSubstr("invalid after \"x\""));
}

TEST_F(ServerTest, TriggerNeedsTheTokenInAHeaderOrTheCookie) {
  const std::string body = R"({"manifest_names":["api"],"build_reason":16})";
  Reply none = post("/api/trigger", body, {});
  EXPECT_EQ(none.status, 403);
  EXPECT_THAT(none.json()["error"].get<std::string>(), HasSubstr("missing API token"));
  EXPECT_THAT(none.json()["error"].get<std::string>(), HasSubstr(server_->tokenFile()));
  Reply wrong = post("/api/trigger", body, {{"X-Slant-Token", "nope"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_THAT(wrong.json()["error"].get<std::string>(), HasSubstr("invalid API token"));
  EXPECT_TRUE(onLoop([&] { return engine_.triggered.empty(); }));

  Reply ok = postWithToken("/api/trigger", body);
  EXPECT_EQ(ok.status, 200) << ok.body;
  Reply cookie = post("/api/trigger", R"({"manifest_names":["db"]})",
                      {{"Cookie", "a=b; slant-token=" + token()}});
  EXPECT_EQ(cookie.status, 200) << cookie.body;
  EXPECT_EQ(onLoop([&] { return engine_.triggered; }), (std::vector<std::string>{"api", "db"}));
}

TEST_F(ServerTest, TriggerAnswers404ForAnUnknownResourceAnd400ForABadRequest) {
  Reply unknown = postWithToken("/api/trigger", R"({"manifest_names":["nope"]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"], "no such resource \"nope\"");
  onLoop([&] { (*engine_.find("db"))["disabled"] = true; });
  Reply disabled = postWithToken("/api/trigger", R"({"manifest_names":["db"]})");
  EXPECT_EQ(disabled.status, 400);
  EXPECT_EQ(disabled.json()["error"], "resource \"db\" is disabled");
  Reply two = postWithToken("/api/trigger", R"({"manifest_names":["api","db"]})");
  EXPECT_EQ(two.status, 400);
  EXPECT_THAT(two.json()["error"].get<std::string>(), HasSubstr("exactly one manifest name"));
  Reply garbage = postWithToken("/api/trigger", "{nope");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_THAT(garbage.json()["error"].get<std::string>(), HasSubstr("invalid JSON body"));
  Reply get_it = get("/api/trigger", {{"X-Slant-Token", token()}});
  EXPECT_EQ(get_it.status, 405);
  EXPECT_EQ(get_it.headers["Allow"], "POST");
  EXPECT_TRUE(onLoop([&] { return engine_.triggered.empty(); }));
}

TEST_F(ServerTest, EnableAndDisableChangeTheEngine) {
  Reply off = postWithToken("/api/disable", R"({"names":["api","db"]})");
  EXPECT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(onLoop([&] { return (*engine_.find("api"))["disabled"].get<bool>(); }));
  Reply on = postWithToken("/api/enable", R"({"names":["api"]})");
  EXPECT_EQ(on.status, 200) << on.body;
  EXPECT_FALSE(onLoop([&] { return (*engine_.find("api"))["disabled"].get<bool>(); }));
  EXPECT_TRUE(onLoop([&] { return (*engine_.find("db"))["disabled"].get<bool>(); }));
  Reply unknown = postWithToken("/api/disable", R"({"names":["api","nope"]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"], "no such resource \"nope\"");
  Reply tiltfile = postWithToken("/api/disable", R"j({"names":["(Tiltfile)"]})j");
  EXPECT_EQ(tiltfile.status, 400);
  EXPECT_EQ(tiltfile.json()["error"], "(Tiltfile) cannot be disabled");
  EXPECT_EQ(post("/api/enable", R"({"names":["db"]})", {}).status, 403);
}

TEST_F(ServerTest, OverrideTriggerModeSwitchesBetweenAutoAndManualAsTiltsBodySays) {
  auto mode = [&](const char* name) {
    return onLoop([&] { return (*engine_.find(name))["trigger_mode"].get<std::string>(); });
  };
  Reply manual = postWithToken("/api/override/trigger_mode",
                               R"({"manifest_names":["api","db"],"trigger_mode":1})");
  EXPECT_EQ(manual.status, 200) << manual.body;
  EXPECT_EQ(manual.json(), Json::object());
  EXPECT_EQ(mode("api"), "manual");
  EXPECT_EQ(mode("db"), "manual");
  Reply automatic =
      postWithToken("/api/override/trigger_mode", R"({"manifest_names":["api"],"trigger_mode":0})");
  EXPECT_EQ(automatic.status, 200) << automatic.body;
  EXPECT_EQ(mode("api"), "auto");
  EXPECT_EQ(mode("db"), "manual");
  // Tilt's other two values: 2 manual, 3 auto (their auto_init half is decided at startup).
  EXPECT_EQ(
      postWithToken("/api/override/trigger_mode", R"({"manifest_names":["db"],"trigger_mode":3})")
          .status,
      200);
  EXPECT_EQ(mode("db"), "auto");
}

TEST_F(ServerTest, OverrideTriggerModeRefusesABadBodyAnUnknownNameAndAMissingToken) {
  Reply unknown = postWithToken("/api/override/trigger_mode",
                                R"({"manifest_names":["api","nope"],"trigger_mode":1})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"], "no such resource \"nope\"");
  EXPECT_EQ(onLoop([&] { return (*engine_.find("api"))["trigger_mode"].get<std::string>(); }),
            "auto");
  Reply bad_mode =
      postWithToken("/api/override/trigger_mode", R"({"manifest_names":["api"],"trigger_mode":7})");
  EXPECT_EQ(bad_mode.status, 400);
  EXPECT_EQ(bad_mode.json()["error"], "invalid trigger mode: 7 (0 auto, 1 manual)");
  Reply no_mode = postWithToken("/api/override/trigger_mode", R"({"manifest_names":["api"]})");
  EXPECT_EQ(no_mode.status, 400);
  EXPECT_THAT(no_mode.json()["error"].get<std::string>(), HasSubstr("trigger_mode"));
  Reply empty =
      postWithToken("/api/override/trigger_mode", R"({"manifest_names":[],"trigger_mode":1})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(post("/api/override/trigger_mode", R"({"manifest_names":["api"],"trigger_mode":1})", {})
                .status,
            403);
  EXPECT_EQ(get("/api/override/trigger_mode").status, 405);
}

TEST_F(ServerTest, SetsAndReadsTheTiltfileArgs) {
  EXPECT_EQ(get("/api/args").json(), Json({{"args", Json::array()}}));
  Reply set = postWithToken("/api/set_tiltfile_args", R"(["api","--debug","on"])");
  EXPECT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(get("/api/args").json()["args"], Json({"api", "--debug", "on"}));
  EXPECT_EQ(postWithToken("/api/set_tiltfile_args", R"({"args":[1]})").status, 400);
  EXPECT_EQ(post("/api/set_tiltfile_args", "[]", {}).status, 403);
}

TEST_F(ServerTest, DumpsTheEngine) {
  Reply r = get("/api/dump/engine");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["fake"], true);
}

TEST_F(ServerTest, RejectsAHostHeaderThatIsNotTheServers) {
  std::string port = std::to_string(port_);
  Reply rebound = get("/api/view", {{"Host", "evil.example:" + port}});
  EXPECT_EQ(rebound.status, 403);
  EXPECT_THAT(rebound.json()["error"].get<std::string>(), HasSubstr("DNS rebinding"));
  EXPECT_EQ(get("/api/view", {{"Host", "127.0.0.1:1"}}).status, 403);
  EXPECT_EQ(get("/api/view", {{"Host", "localhost"}}).status, 403);
  EXPECT_EQ(get("/", {{"Host", "evil.example:" + port}}).headers.count("Set-Cookie"), 0u);
  EXPECT_EQ(get("/api/view", {{"Host", "localhost:" + port}}).status, 200);
  EXPECT_EQ(get("/api/view", {{"Host", "LOCALHOST.:" + port}}).status, 200);
  EXPECT_EQ(get("/api/view", {{"Host", "[::1]:" + port}}).status, 200);
  // Even with the token, a rebound page cannot change state.
  EXPECT_EQ(post("/api/trigger", R"({"manifest_names":["api"]})",
                 {{"Host", "evil.example:" + port}, {"X-Slant-Token", token()}})
                .status,
            403);
  EXPECT_TRUE(onLoop([&] { return engine_.triggered.empty(); }));
}

TEST_F(ServerTest, RejectsARequestFromAnotherOrigin) {
  std::string port = std::to_string(port_);
  Reply cross = post("/api/trigger", R"({"manifest_names":["api"]})",
                     {{"Origin", "http://evil.example"}, {"X-Slant-Token", token()}});
  EXPECT_EQ(cross.status, 403);
  EXPECT_EQ(cross.json()["error"], "cross-origin request from \"http://evil.example\" refused");
  // Another server on the same machine is another origin (cookies do not separate ports).
  EXPECT_EQ(get("/api/view", {{"Origin", "http://localhost:3000"}}).status, 403);
  EXPECT_EQ(get("/api/view", {{"Origin", "null"}}).status, 403);
  EXPECT_TRUE(onLoop([&] { return engine_.triggered.empty(); }));
  Reply same = post("/api/trigger", R"({"manifest_names":["api"]})",
                    {{"Origin", "http://localhost:" + port}, {"X-Slant-Token", token()}});
  EXPECT_EQ(same.status, 200) << same.body;
}

TEST_F(ServerTest, RootServesTheWebUiAndEveryFileSetsTheTokenCookie) {
  Reply r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr(R"(<script type="module" src="/app.js">)"));
  EXPECT_EQ(r.headers["Set-Cookie"],
            "slant-token=" + token() + "; SameSite=Strict; HttpOnly; Path=/");
  Reply script = get("/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.headers["Content-Type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers["Set-Cookie"], r.headers["Set-Cookie"]);
  EXPECT_EQ(get("/style.css").headers["Content-Type"], "text/css; charset=utf-8");
  EXPECT_EQ(get("/index.html").body, r.body);
  EXPECT_EQ(get("/nope").status, 404);
  Reply head = send(http::verb::head, "/", {});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["Content-Length"], std::to_string(r.body.size()));
}

TEST_F(ServerTest, AnswersAMalformedRequestWith400) {
  Reply r = sendRaw("GARBAGE\x01 / HTTP/9\r\n\r\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("invalid HTTP request"));
}

TEST_F(ServerTest, TheWebSocketNeedsTheTokenAndTheRightOrigin) {
  auto refused = client(std::nullopt).stream([](const Json&) { return false; }, kWait);
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().message, HasSubstr("refused the stream: missing API token"));
  auto wrong = client("nope").stream([](const Json&) { return false; }, kWait);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_THAT(wrong.error().message, HasSubstr("invalid API token"));
  // A browser page elsewhere that somehow knew the token still cannot open it.
  Reply cross = sendRaw("GET /ws/view HTTP/1.1\r\nHost: " + host() +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n"
                        "Cookie: slant-token=" +
                        token() + "\r\n\r\n");
  EXPECT_EQ(cross.status, 403);
  EXPECT_THAT(cross.body, HasSubstr("cross-origin"));
}

TEST_F(ServerTest, TheWebSocketSendsTheViewThenResourceChangesAndLogLines) {
  onLoop([&] { engine_.addLog("api", "before"); });
  std::vector<Json> messages;
  auto result = client(token()).stream(
      [&](const Json& m) {
        messages.push_back(m);
        if (messages.size() == 1) {
          onLoop([&] {
            (*engine_.find("api"))["update_status"] = "in_progress";
            engine_.changed("api");
            engine_.addLog("api", "after");
            engine_.resources.pop_back();  // db goes away
            engine_.changed("db");
          });
        }
        return messages.size() < 4;
      },
      kWait);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0]["type"], "view");
  EXPECT_EQ(messages[0]["last_seq"], 1);
  EXPECT_EQ(messages[0]["view"]["resources"].size(), 3u);
  // The turn's log lines go out together, then the turn's changes.
  EXPECT_EQ(messages[1]["type"], "logs");
  ASSERT_EQ(messages[1]["lines"].size(), 1u);
  EXPECT_EQ(messages[1]["lines"][0]["seq"], 2);
  EXPECT_EQ(messages[1]["lines"][0]["text"], "after");
  EXPECT_EQ(messages[2]["type"], "resource");
  EXPECT_EQ(messages[2]["resource"]["update_status"], "in_progress");
  EXPECT_EQ(messages[3], Json({{"type", "resource_deleted"}, {"name", "db"}}));
}

TEST_F(ServerTest, TheWebSocketSendsAResourceThatChangesAThousandTimesInOneTurnOnce) {
  std::vector<Json> messages;
  auto result = client(token()).stream(
      [&](const Json& m) {
        messages.push_back(m);
        if (messages.size() == 1) {
          onLoop([&] {
            for (int i = 1; i <= 1000; ++i) {
              (*engine_.find("api"))["error"] = "change " + std::to_string(i);
              engine_.changed("api");
            }
            // Posted after the flush, so it arrives after whatever the flush sent.
            loop_.post([&] { engine_.addLog("api", "marker"); });
          });
        }
        return !(m["type"] == "logs" && m["lines"].back()["text"] == "marker");
      },
      kWait);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  int resource_messages = 0;
  for (const auto& m : messages) {
    if (m["type"] == "resource") {
      ++resource_messages;
      EXPECT_EQ(m["resource"]["error"], "change 1000");
    }
  }
  EXPECT_EQ(resource_messages, 1);
}

TEST_F(ServerTest, StopClosesEveryConnectionAndRemovesTheTokenFile) {
  std::string file = server_->tokenFile();
  ASSERT_TRUE(std::filesystem::exists(file));
  bool stopped = false;
  auto result = client(token()).stream(
      [&](const Json&) {
        if (!stopped) {
          stopped = true;
          onLoop([&] { server_->stop(); });
        }
        return true;
      },
      kWait);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ClientError::Kind::kClosed) << result.error().message;
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(onLoop([&] { return server_->connectionCount(); }), 0u);
  EXPECT_TRUE(onLoop([&] { return engine_.listeners.empty(); }));
  auto after = client(token()).get("/api/view", 5s);
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().kind, ClientError::Kind::kConnect);
}

TEST_F(ServerTest, WritesTheTokenToAFileOnlyTheUserCanRead) {
  struct stat st {};
  ASSERT_EQ(::stat(server_->tokenFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(server_->tokenFile(), (dir_ / ("token-" + std::to_string(port_))).string());
  auto read = readTokenFile(server_->tokenFile());
  ASSERT_TRUE(read.has_value()) << read.error();
  EXPECT_EQ(*read, token());
  EXPECT_EQ(token().size(), 64u);
}

TEST_F(ServerTest, TheClientPostsWithTheToken) {
  auto reply = client(token()).post("/api/trigger", R"({"manifest_names":["api"]})");
  ASSERT_TRUE(reply.has_value()) << reply.error().message;
  EXPECT_EQ(reply->status, 200);
  auto refused = client(std::nullopt).post("/api/trigger", R"({"manifest_names":["api"]})");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_THAT(replyError(*refused), HasSubstr("missing API token"));
}

TEST(Server, ABusyPortIsAClearError) {
  asio::io_context ioc;
  tcp::acceptor other(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  int port = other.local_endpoint().port();
  engine::AsioLoop loop;
  FakeEngineApi engine;
  ServerOptions options;
  options.port = port;
  options.token_dir = std::filesystem::temp_directory_path().string();
  Server server(loop, engine, options);
  auto started = server.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error(), "port " + std::to_string(port) +
                                 " is already in use on 127.0.0.1 (is another slant or tilt "
                                 "running? use --port to choose another)");
}

TEST(Server, TheClientSaysWhenNothingListens) {
  asio::io_context ioc;
  int port;
  {
    tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }
  ApiClient client("127.0.0.1", port, std::nullopt);
  auto reply = client.get("/api/view");
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, ClientError::Kind::kConnect);
  EXPECT_EQ(reply.error().message,
            "could not connect to slant at 127.0.0.1:" + std::to_string(port) +
                ": is \"slant up\" running? (connection refused)");
}

// ---- ViewStream, with a fake loop: coalescing and the cap ------------------------------------

struct StreamHarness {
  engine::FakeLoop loop;
  FakeEngineApi engine;
  int wakes = 0;
  std::unique_ptr<ViewStream> stream;

  explicit StreamHarness(std::size_t cap) {
    stream = std::make_unique<ViewStream>(loop, engine, cap, [this] { ++wakes; });
    stream->start();
  }
  std::vector<Json> take() {
    std::vector<Json> out;
    while (auto m = stream->next()) out.push_back(Json::parse(*m));
    return out;
  }
};

TEST(ViewStream, SendsEachDirtyResourceOnceAtTheFlush) {
  StreamHarness h(1 << 20);
  auto first = h.take();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["type"], "view");
  for (int i = 0; i < 1000; ++i) {
    h.engine.changed("api");
    h.engine.changed("db");
  }
  EXPECT_TRUE(h.take().empty());  // nothing before the flush runs
  h.loop.drain();
  auto flushed = h.take();
  ASSERT_EQ(flushed.size(), 2u);
  EXPECT_EQ(flushed[0]["resource"]["name"], "api");
  EXPECT_EQ(flushed[1]["resource"]["name"], "db");
}

TEST(ViewStream, ASlowClientGetsAFreshViewInsteadOfAnUnboundedQueue) {
  StreamHarness h(4096);
  ASSERT_EQ(h.take().size(), 1u);  // the writer took the view and is "writing" it
  for (int i = 0; i < 10000; ++i) {
    h.engine.addLog("api", "line " + std::to_string(i));
    ASSERT_LE(h.stream->queuedBytes(), 4096u);
  }
  h.engine.changed("api");
  h.loop.drain();
  EXPECT_EQ(h.stream->queuedBytes(), 0u);
  auto after = h.take();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["type"], "view");
  EXPECT_EQ(after[0]["resync"], true);
  EXPECT_EQ(after[0]["last_seq"], 10000);
  EXPECT_EQ(h.stream->resyncs(), 1u);
  // Then the stream goes on as usual.
  h.engine.addLog("api", "next");
  h.loop.drain();
  auto next = h.take();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0]["lines"][0]["seq"], 10001);
}

TEST(ViewStream, SendsTheLinesOfATurnAsOneMessage) {
  StreamHarness h(1 << 20);
  ASSERT_EQ(h.take().size(), 1u);
  for (int i = 0; i < 500; ++i) h.engine.addLog("api", "line " + std::to_string(i));
  EXPECT_TRUE(h.take().empty());  // nothing before the flush runs
  h.loop.drain();
  auto flushed = h.take();
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_EQ(flushed[0]["type"], "logs");
  ASSERT_EQ(flushed[0]["lines"].size(), 500u);
  EXPECT_EQ(flushed[0]["lines"][0]["text"], "line 0");
  EXPECT_EQ(flushed[0]["lines"][499]["text"], "line 499");
}

TEST(ViewStream, UnsubscribesWhenDestroyedAndIgnoresAFlushPostedBefore) {
  StreamHarness h(1 << 20);
  EXPECT_EQ(h.engine.listeners.size(), 1u);
  h.engine.changed("api");
  h.stream.reset();
  EXPECT_TRUE(h.engine.listeners.empty());
  h.loop.drain();  // the posted flush finds the stream gone
}

// ---- wire --------------------------------------------------------------------------------

TEST(Wire, FormatsAndParsesRfc3339WithMilliseconds) {
  auto t = std::chrono::system_clock::time_point(1'767'323'045'678ms);
  EXPECT_EQ(rfc3339Millis(t), "2026-01-02T03:04:05.678Z");
  EXPECT_EQ(parseRfc3339("2026-01-02T03:04:05.678Z"), t);
  EXPECT_EQ(parseRfc3339("2026-01-02T04:04:05.678+01:00"), t);
  EXPECT_EQ(parseRfc3339("2026-01-02T03:04:05Z"), t - 678ms);
  EXPECT_FALSE(parseRfc3339("2026-01-02 03:04").has_value());
  EXPECT_FALSE(parseRfc3339("2026-13-02T03:04:05Z").has_value());
}

TEST(Wire, ALogLineSurvivesTheRoundTrip) {
  engine::LogLine line;
  line.seq = 7;
  line.time = std::chrono::system_clock::time_point(1'767'323'045'678ms);
  line.resource = "api";
  line.source = engine::LogSource::kBuild;
  line.level = engine::LogLevel::kWarn;
  line.text = "careful";
  auto back = logLineFromJson(logLineJson(line));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->seq, 7u);
  EXPECT_EQ(back->time, line.time);
  EXPECT_EQ(back->resource, "api");
  EXPECT_EQ(back->source, engine::LogSource::kBuild);
  EXPECT_EQ(back->level, engine::LogLevel::kWarn);
  EXPECT_EQ(back->text, "careful");
  EXPECT_FALSE(logLineFromJson(Json{{"seq", "x"}}).has_value());
}

}  // namespace
}  // namespace slant::server
