#include "cli/client_cmd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/asio_loop.h"
#include "server/fake_engine_api.h"
#include "server/server.h"

namespace slant::cli {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kWait = 20s;

// An ostream that another thread may read while a command writes to it.
class SharedOutput : public std::streambuf {
 public:
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }

 protected:
  int overflow(int c) override {
    if (c == EOF) return 0;
    std::lock_guard lock(mu_);
    text_ += static_cast<char>(c);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mu_);
    text_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
};

struct Result {
  int code = -1;
  std::string out, err;
};

class ClientCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("slant-client-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    for (const char* v : {"SLANT_HOST", "SLANT_PORT", "TILT_HOST", "TILT_PORT"}) ::unsetenv(v);
    ::setenv("SLANT_HOME", home_.c_str(), 1);
    server::ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<server::Server>(loop_, engine_, options);
    auto port = server_->start();
    ASSERT_TRUE(port.has_value()) << port.error();
    port_ = *port;
    thread_ = std::thread([this] { loop_.run(); });
  }

  void TearDown() override {
    stopServer();
    server_.reset();
    ::unsetenv("SLANT_HOME");
    std::filesystem::remove_all(home_);
  }

  void stopServer() {
    if (!thread_.joinable()) return;
    onLoop([&] { server_->stop(); });
    loop_.stop();
    thread_.join();
  }

  template <class F>
  auto onLoop(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    loop_.post([&task] { task(); });
    if (result.wait_for(kWait) != std::future_status::ready) std::abort();
    return result.get();
  }

  // Parses `args` as the command line (adding --port) and runs the client command.
  int runTo(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
    args.insert(args.begin(), "slant");
    // Before a "--", after which everything is a Tiltfile argument.
    auto dashes = std::find(args.begin(), args.end(), "--");
    args.insert(dashes, {"--port", std::to_string(port_)});
    CLI::App app;
    ClientArgs client;
    addClientCommands(app, client);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      err << "parse error: " << e.what();
      return 2;
    }
    return runClientCommand(client, out, err);
  }
  Result run(std::vector<std::string> args) {
    std::ostringstream out, err;
    int code = runTo(std::move(args), out, err);
    return {code, out.str(), err.str()};
  }

  std::filesystem::path home_;
  engine::AsioLoop loop_;
  server::FakeEngineApi engine_;
  std::unique_ptr<server::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(ClientCommandTest, GetPrintsATableOfTheResources) {
  onLoop([&] {
    (*engine_.find("db"))["update_status"] = "error";
    (*engine_.find("db"))["ready"] = false;
    (*engine_.find("db"))["error"] = "exit status 1";
  });
  Result r = run({"get"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("NAME         TYPE       UPDATE   RUNTIME          READY   LAST UPDATE"));
  EXPECT_THAT(r.out, HasSubstr("(Tiltfile)   tiltfile   ok       not_applicable   yes     -"));
  EXPECT_THAT(r.out, HasSubstr("db           local      error    not_applicable   no      -"));
  Result wide = run({"get", "-o", "wide", "db"});
  ASSERT_EQ(wide.code, 0) << wide.err;
  EXPECT_THAT(wide.out, HasSubstr("ERROR"));
  EXPECT_THAT(wide.out, HasSubstr("exit status 1"));
  EXPECT_THAT(wide.out, ::testing::Not(HasSubstr("api")));
}

TEST_F(ClientCommandTest, GetPrintsJsonAndRefusesUnknownNames) {
  Result one = run({"get", "api", "-o", "json"});
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(Json::parse(one.out)["name"], "api");
  Result all = run({"get", "-o", "json"});
  EXPECT_EQ(Json::parse(all.out)["resources"].size(), 3u);
  Result missing = run({"get", "nope"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "error: no such resource \"nope\"\n");
}

TEST_F(ClientCommandTest, DescribeShowsTheDetailsOfAResource) {
  onLoop([&] {
    Json& r = *engine_.find("api");
    r["resource_deps"] = {"db"};
    r["links"] = {{{"url", "http://localhost:8080"}, {"name", "web"}}};
    r["build_history"] = {{{"start_time", "2026-01-02T03:04:05.000Z"},
                           {"finish_time", "2026-01-02T03:04:06.500Z"},
                           {"reason", "Initial Build"},
                           {"edits", Json::array()},
                           {"error", "exit status 2"}}};
  });
  Result r = run({"describe", "api"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Name:            api\n"));
  EXPECT_THAT(r.out, HasSubstr("Resource deps:   db\n"));
  EXPECT_THAT(r.out,
              HasSubstr("2026-01-02T03:04:05.000Z  1.5s  Initial Build  error: exit status 2"));
  EXPECT_THAT(r.out, HasSubstr("http://localhost:8080 (web)"));
  Result tiltfile = run({"describe", "(Tiltfile)"});
  EXPECT_EQ(tiltfile.code, 0) << tiltfile.err;
  EXPECT_THAT(tiltfile.out, HasSubstr("Type:            tiltfile"));
}

TEST_F(ClientCommandTest, LogsPrintsTheLinesWithTiltsPrefix) {
  onLoop([&] {
    engine_.addLog("(Tiltfile)", "Loading Tiltfile");
    engine_.addLog("api", "one");
    engine_.addLog("db", "two", engine::LogSource::kBuild, engine::LogLevel::kWarn);
    engine_.addLog("api", "three");
  });
  Result all = run({"logs"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out,
            "Loading Tiltfile\n"
            "          api │ one\n"
            "           db │ two\n"
            "          api │ three\n");
  // One resource: no prefix, as Tilt.
  EXPECT_EQ(run({"logs", "api"}).out, "one\nthree\n");
  EXPECT_EQ(run({"logs", "--tail", "1"}).out, "          api │ three\n");
  EXPECT_EQ(run({"logs", "--level", "warn"}).out, "           db │ two\n");
  EXPECT_EQ(run({"logs", "--source", "build"}).out, "           db │ two\n");
  Result json = run({"logs", "db", "--json"});
  EXPECT_EQ(Json::parse(json.out), Json({{"time", "2026-01-02T03:04:05.678Z"},
                                         {"resource", "db"},
                                         {"level", "warn"},
                                         {"message", "two"},
                                         {"source", "build"}}));
  // The fake's lines are from January; none is from the last hour.
  EXPECT_EQ(run({"logs", "--since", "1h"}).out, "");
  EXPECT_EQ(run({"logs", "--since", "1x"}).code, 1);
}

TEST_F(ClientCommandTest, LogsFollowPrintsTheHistoryThenNewLinesUntilSlantStops) {
  onLoop([&] { engine_.addLog("api", "old"); });
  SharedOutput buf;
  std::ostream out(&buf);
  std::ostringstream err;
  std::promise<int> code;
  std::thread command([&] { code.set_value(runTo({"logs", "-f"}, out, err)); });
  // Once the command has subscribed, the engine logs a new line.
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (onLoop([&] { return engine_.listeners.empty(); })) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "logs -f never subscribed";
    std::this_thread::sleep_for(10ms);
  }
  onLoop([&] { engine_.addLog("db", "new"); });
  while (buf.text().find("new") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "got: " << buf.text();
    std::this_thread::sleep_for(10ms);
  }
  stopServer();
  auto exit_code = code.get_future();
  command.join();
  EXPECT_EQ(exit_code.get(), 0) << err.str();
  EXPECT_EQ(buf.text(), "          api │ old\n           db │ new\n");
}

TEST_F(ClientCommandTest, TriggerPostsTheResourceAndReportsErrors) {
  Result ok = run({"trigger", "api"});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "Successfully triggered update for resource: \"api\"\n");
  EXPECT_EQ(onLoop([&] { return engine_.triggered; }), std::vector<std::string>{"api"});
  Result missing = run({"trigger", "nope"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "error: no such resource \"nope\"\n");
}

TEST_F(ClientCommandTest, TriggerWithoutTheTokenFileSaysWhy) {
  std::filesystem::remove(server_->tokenFile());
  Result r = run({"trigger", "api"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("missing API token"));
  EXPECT_THAT(r.err, HasSubstr("could not read the API token from " + server_->tokenFile()));
}

TEST_F(ClientCommandTest, EnableAndDisableByNameLabelAndAll) {
  onLoop([&] { (*engine_.find("db"))["labels"] = {"storage"}; });
  ASSERT_EQ(run({"disable", "-l", "storage"}).code, 0);
  EXPECT_TRUE(onLoop([&] { return (*engine_.find("db"))["disabled"].get<bool>(); }));
  EXPECT_FALSE(onLoop([&] { return (*engine_.find("api"))["disabled"].get<bool>(); }));
  ASSERT_EQ(run({"enable", "--only", "db"}).code, 0);
  EXPECT_FALSE(onLoop([&] { return (*engine_.find("db"))["disabled"].get<bool>(); }));
  EXPECT_TRUE(onLoop([&] { return (*engine_.find("api"))["disabled"].get<bool>(); }));
  ASSERT_EQ(run({"enable", "--all"}).code, 0);
  EXPECT_FALSE(onLoop([&] { return (*engine_.find("api"))["disabled"].get<bool>(); }));
  EXPECT_EQ(run({"disable", "(Tiltfile)"}).err,
            "error: (Tiltfile) cannot be enabled or disabled\n");
  EXPECT_EQ(run({"disable"}).err, "error: must specify at least one resource\n");
  EXPECT_EQ(run({"disable", "--all", "api"}).err, "error: cannot use --all with resource names\n");
  EXPECT_EQ(run({"disable", "nope"}).err, "error: no such resource \"nope\"\n");
}

TEST_F(ClientCommandTest, ArgsSetsClearsAndPrintsTheTiltfileArgs) {
  Result set = run({"args", "--", "api", "--debug", "on"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out, "Changed config args for slant running at 127.0.0.1:" + std::to_string(port_) +
                         " to [api --debug on]\n");
  EXPECT_EQ(onLoop([&] { return engine_.args(); }),
            (std::vector<std::string>{"api", "--debug", "on"}));
  EXPECT_EQ(run({"args"}).out, "api --debug on\n");
  EXPECT_THAT(run({"args", "--", "api", "--debug", "on"}).out, HasSubstr("no action taken"));
  ASSERT_EQ(run({"args", "--clear"}).code, 0);
  EXPECT_TRUE(onLoop([&] { return engine_.args().empty(); }));
  EXPECT_EQ(run({"args", "--clear", "--", "x"}).err,
            "error: --clear cannot be specified with other values\n");
}

TEST_F(ClientCommandTest, WaitReturnsOnceTheResourceIsReady) {
  onLoop([&] { (*engine_.find("api"))["ready"] = false; });
  SharedOutput buf;
  std::ostream out(&buf);
  std::ostringstream err;
  std::promise<int> code;
  auto exit_code = code.get_future();
  std::thread command([&] {
    code.set_value(runTo(
        {"wait", "--for=condition=Ready", "uiresource/api", "resource/db", "--timeout", "60s"}, out,
        err));
  });
  auto deadline = std::chrono::steady_clock::now() + kWait;
  while (buf.text().find("uiresource/db condition met") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "got: " << buf.text();
    std::this_thread::sleep_for(10ms);
  }
  onLoop([&] {
    (*engine_.find("api"))["ready"] = true;
    engine_.changed("api");
  });
  command.join();
  EXPECT_EQ(exit_code.get(), 0) << err.str();
  EXPECT_EQ(buf.text(), "uiresource/db condition met\nuiresource/api condition met\n");
}

TEST_F(ClientCommandTest, WaitTimesOutWithKubectlsMessage) {
  onLoop([&] { (*engine_.find("api"))["ready"] = false; });
  Result r = run({"wait", "--for=condition=Ready", "uiresource/api", "--timeout", "200ms"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: timed out waiting for the condition on uiresources/api\n");
  Result bad = run({"wait", "--for=delete", "uiresource/api"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("slant waits for condition=Ready"));
}

TEST_F(ClientCommandTest, DumpEnginePrintsTheEnginesJson) {
  Result r = run({"dump", "engine"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["fake"], true);
}

TEST_F(ClientCommandTest, SaysWhenSlantIsNotRunning) {
  stopServer();
  Result r = run({"get"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: could not connect to slant at 127.0.0.1:" + std::to_string(port_) +
                       ": is \"slant up\" running? (connection refused)\n");
}

TEST(ClientCommands, ReadTheirDefaultsFromTheEnvironment) {
  ::setenv("TILT_PORT", "4000", 1);
  ::setenv("SLANT_PORT", "5000", 1);
  ::setenv("TILT_HOST", "localhost", 1);
  CLI::App app;
  ClientArgs client;
  addClientCommands(app, client);
  EXPECT_EQ(client.port, 5000);
  EXPECT_EQ(client.host, "localhost");
  ::setenv("SLANT_PORT", "x", 1);
  ClientArgs bad;
  CLI::App app2;
  addClientCommands(app2, bad);
  EXPECT_EQ(bad.env_error, "invalid SLANT_PORT \"x\": must be a port number");
  for (const char* v : {"SLANT_PORT", "TILT_PORT", "TILT_HOST"}) ::unsetenv(v);
}

}  // namespace
}  // namespace slant::cli
