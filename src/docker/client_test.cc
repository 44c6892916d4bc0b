#include "docker/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "docker/context.h"
#include "docker/docker_test_util.h"
#include "exec/exec_test_util.h"

namespace slant::docker {
namespace {

using exec::runLoopUntil;
using testing::TempTree;

TEST(DockerHost, ParsesUnixAndTcpHostsAndRejectsOthers) {
  auto unix_host = parseDockerHost("unix:///run/user/1000/docker.sock");
  ASSERT_TRUE(unix_host.has_value());
  EXPECT_EQ(unix_host->kind, DockerHost::Kind::kUnix);
  EXPECT_EQ(unix_host->path, "/run/user/1000/docker.sock");
  auto tcp = parseDockerHost("tcp://10.0.0.2:2375");
  ASSERT_TRUE(tcp.has_value());
  EXPECT_EQ(tcp->kind, DockerHost::Kind::kTcp);
  EXPECT_EQ(tcp->host, "10.0.0.2");
  EXPECT_EQ(tcp->port, "2375");
  auto bare = parseDockerHost("localhost:2375");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->text, "tcp://localhost:2375");
  auto ssh = parseDockerHost("ssh://me@box");
  ASSERT_FALSE(ssh.has_value());
  EXPECT_EQ(ssh.error(),
            "DOCKER_HOST ssh://me@box is not supported: slant talks to unix:// and tcp:// engines "
            "only");
  EXPECT_FALSE(parseDockerHost("tcp://host").has_value());
}

TEST(Client, SaysInOneLineThatNoEngineAnswers) {
  TempTree dir;
  engine::AsioLoop loop;
  Client client(loop, *parseDockerHost("unix://" + dir.path() + "/docker.sock"));
  std::optional<std::string> error;
  client.imageInspect("x", [&](auto reply) { error = reply ? "" : reply.error(); });
  ASSERT_TRUE(runLoopUntil(loop, [&] { return error.has_value(); }));
  EXPECT_EQ(*error, "cannot connect to the Docker engine at unix://" + dir.path() +
                        "/docker.sock: no such file or directory (is dockerd running? "
                        "scripts/docker.sh start)");
  EXPECT_EQ(client.activeRequests(), 0u);
}

// A scripted HTTP server on a unix socket: each accepted connection gets the next handler, which
// reads the request and writes the reply with plain blocking calls on its own thread.
class FakeEngine {
 public:
  using Handler = std::function<void(int fd, const std::string& head, const std::string& body)>;
  /// Listens on a unix socket, or with `tcp` on 127.0.0.1 at a port the kernel picks.
  explicit FakeEngine(std::vector<Handler> handlers, bool tcp = false)
      : handlers_(std::move(handlers)) {
    if (tcp) {
      listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
      socklen_t len = sizeof addr;
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
      host_ = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    } else {
      path_ = dir_.path() + "/engine.sock";
      listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
      EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
      host_ = "unix://" + path_;
    }
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeEngine() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  const std::string& host() const { return host_; }
  std::vector<std::string> heads;   // request lines and headers, in order
  std::vector<std::string> bodies;  // de-chunked

 private:
  static std::string readRequest(int fd, std::string& body) {
    std::string data;
    char buf[65536];
    auto more = [&] {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return false;
      data.append(buf, static_cast<std::size_t>(n));
      return true;
    };
    std::size_t end;
    while ((end = data.find("\r\n\r\n")) == std::string::npos)
      if (!more()) return data;
    std::string head = data.substr(0, end);
    std::size_t pos = end + 4;
    if (head.find("Transfer-Encoding: chunked") != std::string::npos) {
      for (;;) {
        std::size_t eol;
        while ((eol = data.find("\r\n", pos)) == std::string::npos)
          if (!more()) return head;
        std::size_t size = std::stoul(data.substr(pos, eol - pos), nullptr, 16);
        while (data.size() < eol + 2 + size + 2)
          if (!more()) return head;
        body.append(data, eol + 2, size);
        pos = eol + 2 + size + 2;
        if (size == 0) break;
      }
    } else if (auto cl = head.find("Content-Length: "); cl != std::string::npos) {
      std::size_t size = std::stoul(head.substr(cl + 16));
      while (data.size() < pos + size)
        if (!more()) return head;
      body = data.substr(pos, size);
    }
    return head;
  }
  void serve() {
    for (Handler& h : handlers_) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      std::string body;
      std::string head = readRequest(fd, body);
      heads.push_back(head);
      bodies.push_back(body);
      h(fd, head, body);
      ::close(fd);
    }
  }

  TempTree dir_;
  std::string path_, host_;
  int listen_fd_ = -1;
  std::vector<Handler> handlers_;
  std::thread thread_;
};

void writeAll(int fd, const std::string& s) {
  std::size_t at = 0;
  while (at < s.size()) {
    ssize_t n = ::write(fd, s.data() + at, s.size() - at);
    if (n <= 0) return;
    at += static_cast<std::size_t>(n);
  }
}

std::string chunk(const std::string& s) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", s.size());
  return size + s + "\r\n";
}

FakeEngine::Handler versionReply(std::string version) {
  return [version](int fd, const std::string&, const std::string&) {
    std::string body = R"({"ApiVersion":")" + version + R"(","MinAPIVersion":"1.12"})";
    writeAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body);
  };
}

TEST(Client, StreamsAChunkedContextUpAndTheBuildOutputBackPieceByPiece) {
  TempTree src;
  for (int i = 0; i < 20; ++i) src.write("ctx/f" + std::to_string(i), std::string(50000, 'a' + i));
  FakeEngine fake({versionReply("1.43"), [](int fd, const std::string&, const std::string&) {
                     writeAll(fd,
                              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n");
                     writeAll(fd, chunk("{\"stream\":\"Step 1/1 : FROM scr"));
                     writeAll(fd, chunk("atch\\n\"}\r\n{\"aux\":{\"ID\":\"sha256:ab"));
                     writeAll(fd, chunk("cd\"}}\r\n") + chunk(""));
                   }});
  engine::AsioLoop loop;
  Client client(loop, *parseDockerHost(fake.host()));
  ArchiveSpec spec;
  spec.roots.push_back({src.path() + "/ctx", ""});
  std::string expected_body;
  {
    ArchiveSource copy(spec);
    expected_body = testing::drain(copy, 1 << 20);
  }
  BuildParams params;
  params.dockerfile = "Dockerfile";
  params.build_args = {{"A", "b c"}};
  params.labels = {{"dev.slant.built", "true"}};
  std::vector<nlohmann::json> messages;
  std::optional<std::string> done;
  client.build(
      params, std::make_unique<ArchiveSource>(spec),
      [&](const nlohmann::json& m) { messages.push_back(m); }, [&](std::string e) { done = e; });
  ASSERT_TRUE(runLoopUntil(loop, [&] { return done.has_value(); }));
  EXPECT_EQ(*done, "");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["stream"], "Step 1/1 : FROM scratch\n");
  EXPECT_EQ(messages[1]["aux"]["ID"], "sha256:abcd");
  EXPECT_EQ(client.apiVersion(), "1.41");
  ASSERT_EQ(fake.heads.size(), 2u);
  EXPECT_TRUE(fake.heads[0].starts_with("GET /version HTTP/1.1")) << fake.heads[0];
  EXPECT_TRUE(fake.heads[1].starts_with(
      "POST /v1.41/build?dockerfile=Dockerfile&buildargs=%7B%22A%22%3A%22b%20c%22%7D&"
      "labels=%7B%22dev.slant.built%22%3A%22true%22%7D&rm=1&forcerm=1 HTTP/1.1"))
      << fake.heads[1];
  EXPECT_EQ(fake.bodies[1].size(), expected_body.size());
  EXPECT_TRUE(fake.bodies[1] == expected_body);
}

TEST(Client, TurnsAnEngineErrorIntoItsMessage) {
  FakeEngine fake({versionReply("1.41"), [](int fd, const std::string&, const std::string&) {
                     std::string body = "{\"message\":\"No such image: nope:latest\"}\n";
                     writeAll(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body);
                   }});
  engine::AsioLoop loop;
  Client client(loop, *parseDockerHost(fake.host()));
  std::optional<std::string> error;
  client.imageTag("nope", "x", "y", [&](std::string e) { error = e; });
  ASSERT_TRUE(runLoopUntil(loop, [&] { return error.has_value(); }));
  EXPECT_EQ(*error, "No such image: nope:latest");
}

TEST(Client, TalksToAnEngineOverTcp) {
  FakeEngine fake({versionReply("1.40"),
                   [](int fd, const std::string&, const std::string&) {
                     std::string body = "{\"Id\":\"sha256:feed\"}";
                     writeAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body);
                   }},
                  /*tcp=*/true);
  engine::AsioLoop loop;
  auto host = parseDockerHost(fake.host());
  ASSERT_TRUE(host.has_value());
  Client client(loop, *host);
  std::optional<std::string> id;
  client.imageInspect("app:dev", [&](auto reply) {
    id = reply ? reply->value("Id", std::string()) : reply.error();
  });
  ASSERT_TRUE(runLoopUntil(loop, [&] { return id.has_value(); }));
  EXPECT_EQ(*id, "sha256:feed");
  // An engine older than slant's newest API version is spoken to in its own.
  EXPECT_TRUE(fake.heads.at(1).starts_with("GET /v1.40/images/app%3Adev/json HTTP/1.1"))
      << fake.heads.at(1);
}

TEST(Client, NeverCallsBackACancelledRequest) {
  FakeEngine fake({versionReply("1.41"), [](int fd, const std::string&, const std::string&) {
                     writeAll(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                     writeAll(fd, chunk("{\"status\":\"one\"}\n"));
                     // The client goes away: the next read sees it.
                     char c;
                     while (::read(fd, &c, 1) > 0) {
                     }
                   }});
  engine::AsioLoop loop;
  Client client(loop, *parseDockerHost(fake.host()));
  int messages = 0;
  bool done = false;
  RequestId id = 0;
  id = client.events(
      {},
      [&](const nlohmann::json&) {
        ++messages;
        client.cancel(id);
      },
      [&](std::string) { done = true; });
  ASSERT_TRUE(runLoopUntil(loop, [&] { return messages == 1; }));
  exec::runLoopFor(loop, std::chrono::milliseconds(100));
  EXPECT_FALSE(done);
  EXPECT_EQ(client.activeRequests(), 0u);
}

}  // namespace
}  // namespace slant::docker
