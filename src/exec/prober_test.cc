#include "exec/prober.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exec/exec_test_util.h"
#include "exec/process_runner.h"

namespace slant::exec {
namespace {

using boost::asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::seconds;

// One probe "second" in these tests.
constexpr auto kSecond = milliseconds(50);

// A minimal HTTP server on 127.0.0.1, port 0: answers every request with `status`, or never
// answers when `hang` is set. Records each request's head.
class TestHttpServer {
 public:
  explicit TestHttpServer(boost::asio::io_context& io)
      : acceptor_(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0)) {
    accept();
  }

  int port() const { return acceptor_.local_endpoint().port(); }
  void close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

  int status = 200;
  bool hang = false;
  std::string extra_headers;
  std::vector<std::string> requests;
  std::vector<std::chrono::steady_clock::time_point> times;

 private:
  struct Conn {
    explicit Conn(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string data;
    std::array<char, 1024> buf{};
    std::string response;
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      serve(std::make_shared<Conn>(std::move(socket)));
      accept();
    });
  }

  void serve(std::shared_ptr<Conn> c) {
    c->socket.async_read_some(
        boost::asio::buffer(c->buf), [this, c](boost::system::error_code ec, std::size_t n) {
          if (ec) return;
          c->data.append(c->buf.data(), n);
          if (c->data.find("\r\n\r\n") == std::string::npos) {
            serve(c);
            return;
          }
          requests.push_back(c->data);
          times.push_back(std::chrono::steady_clock::now());
          if (hang) {
            hung_.push_back(c);
            return;
          }
          c->response = "HTTP/1.1 " + std::to_string(status) + " Whatever\r\n" + extra_headers +
                        "Content-Length: 0\r\nConnection: close\r\n\r\n";
          boost::asio::async_write(c->socket, boost::asio::buffer(c->response),
                                   [c](boost::system::error_code, std::size_t) {
                                     boost::system::error_code ignored;
                                     c->socket.close(ignored);
                                   });
        });
  }

  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Conn>> hung_;
};

// A port on 127.0.0.1 where nothing listens.
int closedPort(boost::asio::io_context& io) {
  tcp::acceptor a(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  int port = a.local_endpoint().port();
  a.close();
  return port;
}

struct Change {
  bool ready;
  std::string detail;
  std::size_t requests;  // how many requests the test server had seen at that point
};

class LocalProberTest : public ::testing::Test {
 protected:
  LocalProberTest() {
    ProberOptions options;
    options.second = kSecond;
    prober_ = std::make_unique<LocalProber>(loop_, runner_, options);
  }

  engine::ProbeId start(const model::Probe& probe, TestHttpServer* server = nullptr) {
    return prober_->start(probe, [this, server](bool ready, std::string detail) {
      changes_.push_back({ready, std::move(detail), server ? server->requests.size() : 0});
    });
  }

  bool runUntil(const std::function<bool()>& pred) { return runLoopUntil(loop_, pred); }

  void runFor(engine::Duration d) { runLoopFor(loop_, d); }

  bool waitChanges(std::size_t n) {
    return runUntil([&] { return changes_.size() >= n; });
  }

  static model::Probe httpProbe(int port, std::string path = "/", std::string host = "127.0.0.1") {
    model::Probe p;
    p.period_secs = 1;
    p.http_get = model::Probe::HttpGet{};
    p.http_get->host = std::move(host);
    p.http_get->port = port;
    p.http_get->path = std::move(path);
    return p;
  }

  static model::Probe tcpProbe(int port) {
    model::Probe p;
    p.period_secs = 1;
    p.tcp_socket = model::Probe::TcpSocket{};
    p.tcp_socket->host = "127.0.0.1";
    p.tcp_socket->port = port;
    return p;
  }

  static model::Probe execProbe(std::vector<std::string> argv) {
    model::Probe p;
    p.period_secs = 1;
    p.timeout_secs = 100;  // 5 s: process start-up under sanitizers is not instant
    p.exec = model::Probe::Exec{std::move(argv)};
    return p;
  }

  engine::AsioLoop loop_;
  LocalProcessRunner runner_{loop_};
  std::unique_ptr<LocalProber> prober_;
  std::vector<Change> changes_;
};

TEST_F(LocalProberTest, TcpProbeIsReadyWhenThePortAcceptsConnections) {
  TestHttpServer server(loop_.io());
  start(tcpProbe(server.port()));
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail,
            "TCP probe succeeded: connected to 127.0.0.1:" + std::to_string(server.port()));
}

TEST_F(LocalProberTest, TcpProbeReportsARefusedConnectionInGosWords) {
  int port = closedPort(loop_.io());
  model::Probe p = tcpProbe(port);
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail,
            "dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused");
}

TEST_F(LocalProberTest, TcpProbeGoesNotReadyWhenThePortCloses) {
  TestHttpServer server(loop_.io());
  start(tcpProbe(server.port()));
  ASSERT_TRUE(waitChanges(1));
  server.close();
  ASSERT_TRUE(waitChanges(2));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_FALSE(changes_[1].ready);
  EXPECT_NE(changes_[1].detail.find("connection refused"), std::string::npos);
}

TEST_F(LocalProberTest, HttpProbeIsReadyOnA200AndSendsAPlainGet) {
  TestHttpServer server(loop_.io());
  start(httpProbe(server.port(), "/health?deep=1"));
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "HTTP probe succeeded with statuscode: 200");
  ASSERT_FALSE(server.requests.empty());
  const std::string& request = server.requests[0];
  EXPECT_TRUE(request.starts_with("GET /health?deep=1 HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << request;
  EXPECT_NE(request.find("\r\nConnection: close\r\n"), std::string::npos) << request;
}

TEST_F(LocalProberTest, HttpProbeFailsOnA503WithKubernetesDetail) {
  TestHttpServer server(loop_.io());
  server.status = 503;
  model::Probe p = httpProbe(server.port());
  p.failure_threshold = 1;
  start(p, &server);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "HTTP probe failed with statuscode: 503");
  EXPECT_EQ(changes_[0].requests, 1u);
}

TEST_F(LocalProberTest, HttpProbeTakesARedirectAsSuccessWithoutFollowingIt) {
  TestHttpServer server(loop_.io());
  server.status = 302;
  server.extra_headers =
      "Location: http://127.0.0.1:" + std::to_string(closedPort(loop_.io())) + "/elsewhere\r\n";
  start(httpProbe(server.port()), &server);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "HTTP probe succeeded with statuscode: 302");
}

TEST_F(LocalProberTest, ThresholdsCountConsecutiveResults) {
  TestHttpServer server(loop_.io());
  model::Probe p = httpProbe(server.port());
  p.success_threshold = 3;
  p.failure_threshold = 2;
  start(p, &server);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_EQ(changes_[0].requests, 3u);
  server.status = 500;
  ASSERT_TRUE(waitChanges(2));
  EXPECT_FALSE(changes_[1].ready);
  EXPECT_EQ(changes_[1].requests - changes_[0].requests, 2u);
  server.status = 200;
  ASSERT_TRUE(waitChanges(3));
  EXPECT_TRUE(changes_[2].ready);
  EXPECT_EQ(changes_[2].requests - changes_[1].requests, 3u);
}

TEST_F(LocalProberTest, AFailureInsideASuccessRunRestartsTheCount) {
  TestHttpServer server(loop_.io());
  model::Probe p = httpProbe(server.port());
  p.success_threshold = 2;
  p.failure_threshold = 3;
  server.status = 500;  // one failure: below the failure threshold, nothing to say
  start(p, &server);
  ASSERT_TRUE(runUntil([&] { return server.requests.size() == 1; }));
  server.status = 200;
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_EQ(changes_[0].requests, 3u);
}

TEST_F(LocalProberTest, WaitsTheInitialDelayBeforeTheFirstRun) {
  TestHttpServer server(loop_.io());
  model::Probe p = httpProbe(server.port());
  p.initial_delay_secs = 4;
  auto started = std::chrono::steady_clock::now();
  start(p, &server);
  ASSERT_TRUE(waitChanges(1));
  ASSERT_FALSE(server.times.empty());
  EXPECT_GE(server.times[0] - started, 4 * kSecond);
}

TEST_F(LocalProberTest, HttpProbeTimesOutWithGosDetail) {
  TestHttpServer server(loop_.io());
  server.hang = true;
  model::Probe p = httpProbe(server.port(), "");
  p.timeout_secs = 2;
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "Get \"http://127.0.0.1:" + std::to_string(server.port()) +
                                    "/\": context deadline exceeded");
}

TEST_F(LocalProberTest, HttpProbeReportsARefusedConnectionWithTheUrl) {
  int port = closedPort(loop_.io());
  model::Probe p = httpProbe(port, "/ready");
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  std::string hostport = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(changes_[0].detail, "Get \"http://" + hostport + "/ready\": dial tcp " + hostport +
                                    ": connect: connection refused");
}

TEST_F(LocalProberTest, HttpProbeResolvesLocalhost) {
  TestHttpServer server(loop_.io());
  start(httpProbe(server.port(), "/", "localhost"));
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready) << changes_[0].detail;
}

TEST_F(LocalProberTest, TcpProbeReportsAHostThatDoesNotResolve) {
  model::Probe p = tcpProbe(80);
  p.tcp_socket->host = "slant-test.invalid";  // RFC 6761: never resolves
  p.timeout_secs = 100;
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_TRUE(changes_[0].detail.starts_with("dial tcp: lookup slant-test.invalid: "))
      << changes_[0].detail;
}

TEST_F(LocalProberTest, HttpsProbesSayTheyAreUnsupported) {
  model::Probe p = httpProbe(443);
  p.http_get->scheme = "HTTPS";
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail,
            "Get \"https://127.0.0.1:443/\": https probes are not supported by slant: use scheme "
            "http or a tcp_socket probe");
}

TEST_F(LocalProberTest, APortOutOfRangeFailsEveryRun) {
  model::Probe p = tcpProbe(0);
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_EQ(changes_[0].detail, "port number out of range: 0");
}

TEST_F(LocalProberTest, ExecProbeIsReadyWhenTheCommandSucceeds) {
  start(execProbe({"true"}));
  ASSERT_TRUE(waitChanges(1));
  EXPECT_TRUE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "exec probe succeeded");
}

TEST_F(LocalProberTest, ExecProbeFailureShowsTheExitStatusAndLastOutputLine) {
  model::Probe p = execProbe({"sh", "-c", "echo checking; echo not yet >&2; exit 1"});
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "exit status 1: not yet");
}

TEST_F(LocalProberTest, ExecProbeOfAMissingCommandFails) {
  model::Probe p = execProbe({"slant-no-such-probe"});
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_EQ(changes_[0].detail,
            "exec: \"slant-no-such-probe\": executable file not found in $PATH");
}

TEST_F(LocalProberTest, ExecProbeIsKilledWhenItTimesOut) {
  model::Probe p = execProbe({"sleep", "1000"});
  p.timeout_secs = 4;
  p.failure_threshold = 1;
  engine::ProbeId id = start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "command \"sleep 1000\" timed out");
  prober_->stop(id);
  EXPECT_TRUE(runUntil([&] { return runner_.running() == 0; }));
}

TEST_F(LocalProberTest, NoCallbackAfterStop) {
  TestHttpServer server(loop_.io());
  engine::ProbeId id = start(httpProbe(server.port()), &server);
  prober_->stop(id);
  runFor(milliseconds(300));
  EXPECT_TRUE(changes_.empty());
  EXPECT_TRUE(server.requests.empty());
}

TEST_F(LocalProberTest, OnChangeMayStopItsOwnProbe) {
  TestHttpServer server(loop_.io());
  engine::ProbeId id = 0;
  int calls = 0;
  id = prober_->start(httpProbe(server.port()), [&](bool, std::string) {
    ++calls;
    prober_->stop(id);
  });
  ASSERT_TRUE(runUntil([&] { return calls > 0; }));
  std::size_t seen = server.requests.size();
  runFor(milliseconds(300));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(server.requests.size(), seen);
}

TEST_F(LocalProberTest, DestroyingTheProberKillsARunningExecProbe) {
  start(execProbe({"sleep", "1000"}));
  ASSERT_TRUE(runUntil([&] { return runner_.running() == 1; }));
  prober_.reset();
  EXPECT_TRUE(runUntil([&] { return runner_.running() == 0; }));
  EXPECT_TRUE(changes_.empty());
}

TEST_F(LocalProberTest, AProbeWithoutAnActionSaysSo) {
  model::Probe p;
  p.period_secs = 1;
  p.failure_threshold = 1;
  start(p);
  ASSERT_TRUE(waitChanges(1));
  EXPECT_FALSE(changes_[0].ready);
  EXPECT_EQ(changes_[0].detail, "probe has no action: give it exec, http_get or tcp_socket");
}

}  // namespace
}  // namespace slant::exec
