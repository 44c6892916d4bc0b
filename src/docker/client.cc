#include "docker/client.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "engine/text.h"

namespace slant::docker {

using engine::lowerFirst;

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// The largest piece of a streamed body sent at once (memory in flight per request).
constexpr std::size_t kBodyChunk = 256 * 1024;
// The most of an error reply (or a JSON reply) kept.
constexpr std::size_t kMaxReplyBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxErrorBytes = 64 * 1024;

// Compares "1.41"-style versions.
int compareVersions(std::string_view a, std::string_view b) {
  auto parts = [](std::string_view v) {
    std::array<int, 2> p{0, 0};
    std::size_t dot = v.find('.');
    std::from_chars(v.data(), v.data() + std::min(dot, v.size()), p[0]);
    if (dot != std::string_view::npos)
      std::from_chars(v.data() + dot + 1, v.data() + v.size(), p[1]);
    return p;
  };
  auto pa = parts(a), pb = parts(b);
  return pa < pb ? -1 : pa == pb ? 0 : 1;
}

std::string boolParam(bool b) { return b ? "1" : "0"; }

}  // namespace

std::string urlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string engineErrorText(int status, std::string_view body) {
  auto reply = nlohmann::json::parse(body, nullptr, false);
  if (reply.is_object() && reply.contains("message") && reply["message"].is_string()) {
    std::string message = reply["message"].get<std::string>();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    if (!message.empty()) return message;
  }
  std::string text(body.substr(0, 300));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return "the Docker engine answered HTTP " + std::to_string(status) +
         (text.empty() ? "" : ": " + text);
}

std::expected<DockerHost, std::string> parseDockerHost(std::string_view value) {
  DockerHost host;
  host.text = std::string(value);
  if (value.starts_with("unix://")) {
    host.kind = DockerHost::Kind::kUnix;
    host.path = std::string(value.substr(7));
    if (host.path.empty() || host.path[0] != '/')
      return std::unexpected("DOCKER_HOST " + host.text + " does not name an absolute socket path");
    return host;
  }
  std::string_view rest = value;
  if (rest.starts_with("tcp://"))
    rest.remove_prefix(6);
  else if (rest.find("://") != std::string_view::npos)
    return std::unexpected("DOCKER_HOST " + host.text +
                           " is not supported: slant talks to unix:// and tcp:// engines only");
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::size_t colon = rest.rfind(':');
  if (rest.empty() || colon == std::string_view::npos || colon + 1 == rest.size())
    return std::unexpected("DOCKER_HOST " + host.text + " has no port (tcp://host:port)");
  host.kind = DockerHost::Kind::kTcp;
  host.host = std::string(rest.substr(0, colon));
  if (host.host.size() >= 2 && host.host.front() == '[' && host.host.back() == ']')
    host.host = host.host.substr(1, host.host.size() - 2);
  host.port = std::string(rest.substr(colon + 1));
  if (host.host.empty()) host.host = "127.0.0.1";
  if (!value.starts_with("tcp://")) host.text = "tcp://" + host.text;
  return host;
}

std::expected<DockerHost, std::string> dockerHostFromEnv() {
  const char* env = std::getenv("DOCKER_HOST");
  if (!env || !*env) return parseDockerHost("unix:///var/run/docker.sock");
  return parseDockerHost(env);
}

// ---------------------------------------------------------------------------------------------
// One request on its own connection.

class Client::Connection : public std::enable_shared_from_this<Client::Connection> {
 public:
  Connection(Client* client, RequestId id, HttpRequest request, HttpHandlers handlers)
      : client_(client),
        id_(id),
        request_(std::move(request)),
        handlers_(std::move(handlers)),
        socket_(client->loop_.io()),
        resolver_(client->loop_.io()) {
    parser_.body_limit(boost::none);
    parser_.header_limit(1024 * 1024);
  }

  RequestId id() const { return id_; }

  void start(const std::string& api_version) {
    if (finished_) return;
    target_ = request_.unversioned ? request_.target : "/v" + api_version + request_.target;
    const DockerHost& host = client_->host_;
    auto self = shared_from_this();
    if (host.kind == DockerHost::Kind::kUnix) {
      asio::generic::stream_protocol::endpoint ep(
          asio::local::stream_protocol::endpoint(host.path));
      socket_.async_connect(ep, [self](const error_code& ec) { self->onConnect(ec); });
      return;
    }
    resolver_.async_resolve(
        host.host, host.port,
        [self](const error_code& ec, asio::ip::tcp::resolver::results_type results) {
          if (self->finished_) return;
          if (ec) return self->finish(0, self->connectError(ec));
          self->endpoints_.assign(results.begin(), results.end());
          self->connectNext(ec);
        });
  }

  // Fails a request that never got to connect (the version negotiation failed).
  void failEarly(std::string error) { finish(0, std::move(error)); }

  void cancel() {
    if (finished_) return;
    finished_ = true;
    client_ = nullptr;
    close();
  }

  // The Client is going away: no callback may run any more.
  void detach() {
    client_ = nullptr;
    finished_ = true;
    close();
  }

 private:
  void connectNext(const error_code& last) {
    if (endpoints_.empty()) return finish(0, connectError(last));
    asio::ip::tcp::endpoint tcp = endpoints_.front().endpoint();
    endpoints_.erase(endpoints_.begin());
    error_code ignored;
    socket_.close(ignored);
    auto self = shared_from_this();
    socket_.async_connect(asio::generic::stream_protocol::endpoint(tcp),
                          [self](const error_code& ec) {
                            if (self->finished_) return;
                            if (ec) return self->connectNext(ec);
                            self->onConnect(ec);
                          });
  }

  std::string connectError(const error_code& ec) const {
    return "cannot connect to the Docker engine at " + client_->host_.text + ": " +
           lowerFirst(ec.message()) + " (is dockerd running? scripts/docker.sh start)";
  }

  void onConnect(const error_code& ec) {
    if (finished_) return;
    if (ec) return finish(0, connectError(ec));
    if (client_->host_.kind == DockerHost::Kind::kTcp) {
      error_code ignored;
      socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    std::string head = request_.method + " " + target_ + " HTTP/1.1\r\nHost: docker\r\n" +
                       "User-Agent: slant/" SLANT_VERSION "\r\nConnection: close\r\n";
    for (const auto& [k, v] : request_.headers) head += k + ": " + v + "\r\n";
    if (!request_.content_type.empty()) head += "Content-Type: " + request_.content_type + "\r\n";
    if (request_.body_source) {
      head += "Transfer-Encoding: chunked\r\n\r\n";
    } else {
      if (!request_.body.empty() || request_.method == "POST" || request_.method == "PUT")
        head += "Content-Length: " + std::to_string(request_.body.size()) + "\r\n";
      head += "\r\n";
      head += request_.body;
      request_.body.clear();
    }
    out_ = std::move(head);
    readHeader();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_), [self](const error_code& ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->writeFailed(ec);
      if (self->request_.body_source) self->writeNextChunk();
    });
  }

  // Produces and sends the next piece of the streamed body.
  void writeNextChunk() {
    if (finished_ || response_done_) return;
    chunk_.clear();
    auto more = request_.body_source->fill(chunk_, kBodyChunk);
    if (!more) {
      // The engine must not take a truncated body for a whole one: close without the last chunk.
      return finish(0, more.error());
    }
    if (chunk_.empty() && *more) {
      // Nothing this time (a long stretch of ignored files): let the loop run, then go on.
      auto self = shared_from_this();
      asio::post(client_->loop_.io(), [self] { self->writeNextChunk(); });
      return;
    }
    frame_.clear();
    if (!chunk_.empty()) {
      char hex[32];
      auto [end, ec] = std::to_chars(hex, hex + sizeof hex, chunk_.size(), 16);
      frame_.assign(hex, end);
      frame_ += "\r\n";
    }
    trailer_ = chunk_.empty() ? "" : "\r\n";
    if (!*more) trailer_ += "0\r\n\r\n";
    bool last = !*more;
    std::array<asio::const_buffer, 3> buffers{asio::buffer(frame_), asio::buffer(chunk_),
                                              asio::buffer(trailer_)};
    auto self = shared_from_this();
    asio::async_write(socket_, buffers, [self, last](const error_code& ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->writeFailed(ec);
      if (last) {
        self->request_.body_source.reset();
        return;
      }
      self->writeNextChunk();
    });
  }

  void writeFailed(const error_code& ec) {
    // The engine may have answered (an error) and closed before taking the whole body; the
    // reply, which the read side is waiting for, says why.
    write_failed_ = true;
    if (!reading_)
      finish(0, "sending a request to the Docker engine at " + client_->host_.text +
                    " failed: " + lowerFirst(ec.message()));
  }

  void readHeader() {
    reading_ = true;
    auto self = shared_from_this();
    http::async_read_header(socket_, in_, parser_, [self](error_code ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->finish(0, self->readError(ec));
      self->status_ = static_cast<int>(self->parser_.get().result_int());
      self->readBody();
    });
  }

  std::string readError(const error_code& ec) const {
    return "the Docker engine at " + client_->host_.text +
           " closed the connection: " + lowerFirst(ec.message());
  }

  void readBody() {
    if (parser_.is_done()) return onBodyDone();
    auto& body = parser_.get().body();
    body.data = buffer_.data();
    body.size = buffer_.size();
    auto self = shared_from_this();
    http::async_read_some(socket_, in_, parser_, [self](error_code ec, std::size_t) {
      if (self->finished_) return;
      std::size_t got = self->buffer_.size() - self->parser_.get().body().size;
      if (ec == http::error::need_buffer) ec = {};
      if (got > 0) self->onBody(std::string_view(self->buffer_.data(), got));
      if (self->finished_) return;
      if (ec) {
        if (ec == http::error::end_of_stream || ec == asio::error::eof) {
          if (self->parser_.is_done()) return self->onBodyDone();
        }
        return self->finish(self->status_, self->readError(ec));
      }
      self->readBody();
    });
  }

  void onBody(std::string_view data) {
    if (status_ >= 200 && status_ < 300) {
      if (handlers_.on_data) handlers_.on_data(data);
    } else if (error_body_.size() < kMaxErrorBytes) {
      error_body_.append(data.substr(0, kMaxErrorBytes - error_body_.size()));
    }
  }

  void onBodyDone() {
    response_done_ = true;
    if (status_ >= 200 && status_ < 300) return finish(status_, "");
    finish(status_, engineErrorText(status_, error_body_));
  }

  void finish(int status, std::string error) {
    if (finished_) return;
    finished_ = true;
    auto self = shared_from_this();  // the client's map may hold the last reference
    if (client_) client_->finished(id_);
    client_ = nullptr;
    close();
    if (handlers_.on_done) handlers_.on_done(status, std::move(error));
    handlers_ = {};
    request_.body_source.reset();
  }

  void close() {
    error_code ignored;
    resolver_.cancel();
    socket_.close(ignored);
  }

  Client* client_;
  RequestId id_;
  HttpRequest request_;
  HttpHandlers handlers_;
  std::string target_;
  asio::generic::stream_protocol::socket socket_;
  asio::ip::tcp::resolver resolver_;
  std::vector<asio::ip::tcp::resolver::results_type::value_type> endpoints_;
  std::string out_, frame_, chunk_, trailer_;
  boost::beast::flat_buffer in_;
  http::response_parser<http::buffer_body> parser_;
  std::array<char, 64 * 1024> buffer_;
  std::string error_body_;
  int status_ = 0;
  bool finished_ = false;
  bool reading_ = false;
  bool write_failed_ = false;
  bool response_done_ = false;
};

// ---------------------------------------------------------------------------------------------

Client::Client(engine::AsioLoop& loop, DockerHost host) : loop_(loop), host_(std::move(host)) {}

Client::~Client() {
  for (auto& [id, c] : connections_) c->detach();
  for (auto& c : waiting_) c->detach();
}

void Client::finished(RequestId id) { connections_.erase(id); }

RequestId Client::send(HttpRequest request, HttpHandlers handlers) {
  RequestId id = next_id_++;
  bool unversioned = request.unversioned;
  auto c = std::make_shared<Connection>(this, id, std::move(request), std::move(handlers));
  connections_.emplace(id, c);
  if (unversioned || !api_version_.empty()) {
    // Start on the next turn, so that no callback runs inside send().
    std::string version = api_version_;
    asio::post(loop_.io(), [c, version] { c->start(version); });
  } else {
    waiting_.push_back(c);
    negotiate();
  }
  return id;
}

void Client::negotiate() {
  if (negotiating_) return;
  negotiating_ = true;
  version([this](std::expected<nlohmann::json, std::string> reply) {
    negotiating_ = false;
    std::vector<std::shared_ptr<Connection>> waiting = std::move(waiting_);
    waiting_.clear();
    if (!reply) {
      for (auto& c : waiting) c->failEarly(reply.error());
      return;
    }
    std::string server = reply->value("ApiVersion", std::string(kMaxApiVersion));
    std::string min = reply->value("MinAPIVersion", std::string("1.12"));
    std::string chosen =
        compareVersions(server, kMaxApiVersion) < 0 ? server : std::string(kMaxApiVersion);
    if (compareVersions(chosen, min) < 0) chosen = min;
    api_version_ = chosen;
    for (auto& c : waiting) c->start(api_version_);
  });
}

void Client::cancel(RequestId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  auto c = it->second;
  connections_.erase(it);
  std::erase(waiting_, c);
  c->cancel();
}

RequestId Client::sendJson(HttpRequest request, JsonDone done) {
  auto body = std::make_shared<std::string>();
  auto too_big = std::make_shared<bool>(false);
  HttpHandlers h;
  h.on_data = [body, too_big](std::string_view data) {
    if (body->size() + data.size() > kMaxReplyBytes)
      *too_big = true;
    else
      body->append(data);
  };
  h.on_done = [body, too_big, done = std::move(done)](int, std::string error) {
    if (!error.empty()) return done(std::unexpected(std::move(error)));
    if (*too_big) return done(std::unexpected("the Docker engine's reply is over 64 MiB"));
    if (body->empty()) return done(nlohmann::json());
    auto reply = nlohmann::json::parse(*body, nullptr, false);
    if (reply.is_discarded())
      return done(
          std::unexpected("the Docker engine's reply is not JSON: " + body->substr(0, 200)));
    done(std::move(reply));
  };
  return send(std::move(request), std::move(h));
}

RequestId Client::sendJsonStream(HttpRequest request, OnMessage on_message, ErrorDone done) {
  struct State {
    JsonStreamDecoder decoder;
    std::string error;
  };
  auto state = std::make_shared<State>();
  HttpHandlers h;
  h.on_data = [state, on_message = std::move(on_message)](std::string_view data) {
    if (!state->error.empty()) return;
    state->error = state->decoder.feed(data, [&](const nlohmann::json& m) {
      on_message(m);
      return true;
    });
  };
  h.on_done = [state, done = std::move(done)](int, std::string error) {
    if (error.empty()) error = state->error;
    if (error.empty() && state->decoder.pending())
      error = "the Docker engine's message stream ended in the middle of a message";
    done(std::move(error));
  };
  return send(std::move(request), std::move(h));
}

namespace {

HttpRequest get(std::string target) {
  HttpRequest r;
  r.target = std::move(target);
  return r;
}

HttpRequest post(std::string target, std::string json_body = {}) {
  HttpRequest r;
  r.method = "POST";
  r.target = std::move(target);
  if (!json_body.empty()) {
    r.content_type = "application/json";
    r.body = std::move(json_body);
  }
  return r;
}

// The handlers of a request whose reply body does not matter.
HttpHandlers errorOnly(ErrorDone done) {
  HttpHandlers h;
  h.on_done = [done = std::move(done)](int, std::string error) { done(std::move(error)); };
  return h;
}

HttpHandlers muxed(OnOutput on_output, ErrorDone done) {
  auto decoder = std::make_shared<MuxStreamDecoder>();
  auto error = std::make_shared<std::string>();
  HttpHandlers h;
  h.on_data = [decoder, error, on_output = std::move(on_output)](std::string_view data) {
    if (error->empty()) *error = decoder->feed(data, on_output);
  };
  h.on_done = [error, done = std::move(done)](int, std::string e) {
    done(e.empty() ? *error : std::move(e));
  };
  return h;
}

}  // namespace

RequestId Client::version(JsonDone done) {
  HttpRequest r = get("/version");
  r.unversioned = true;
  return sendJson(std::move(r), std::move(done));
}

RequestId Client::build(const BuildParams& p, std::unique_ptr<BodySource> context,
                        OnMessage on_message, ErrorDone done) {
  std::string q = "/build?";
  for (const std::string& t : p.tags) q += "t=" + urlEncode(t) + "&";
  if (!p.dockerfile.empty()) q += "dockerfile=" + urlEncode(p.dockerfile) + "&";
  if (!p.build_args.empty()) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& [k, v] : p.build_args) args[k] = v;
    q += "buildargs=" + urlEncode(args.dump()) + "&";
  }
  if (!p.target.empty()) q += "target=" + urlEncode(p.target) + "&";
  if (!p.cache_from.empty())
    q += "cachefrom=" + urlEncode(nlohmann::json(p.cache_from).dump()) + "&";
  if (p.pull) q += "pull=1&";
  if (!p.platform.empty()) q += "platform=" + urlEncode(p.platform) + "&";
  if (!p.network_mode.empty()) q += "networkmode=" + urlEncode(p.network_mode) + "&";
  if (!p.extra_hosts.empty()) {
    std::string hosts;
    for (const std::string& h : p.extra_hosts) hosts += (hosts.empty() ? "" : ",") + h;
    q += "extrahosts=" + urlEncode(hosts) + "&";
  }
  if (!p.labels.empty()) q += "labels=" + urlEncode(nlohmann::json(p.labels).dump()) + "&";
  q += "rm=" + boolParam(p.rm) + "&forcerm=" + boolParam(p.force_rm);
  HttpRequest r = post(std::move(q));
  r.content_type = "application/x-tar";
  r.body_source = std::move(context);
  return sendJsonStream(std::move(r), std::move(on_message), std::move(done));
}

RequestId Client::imageInspect(const std::string& name, JsonDone done) {
  return sendJson(get("/images/" + urlEncode(name) + "/json"), std::move(done));
}

RequestId Client::imageTag(const std::string& source, const std::string& repo,
                           const std::string& tag, ErrorDone done) {
  return send(post("/images/" + urlEncode(source) + "/tag?repo=" + urlEncode(repo) +
                   "&tag=" + urlEncode(tag)),
              errorOnly(std::move(done)));
}

RequestId Client::imageRemove(const std::string& name, bool force, ErrorDone done) {
  HttpRequest r = get("/images/" + urlEncode(name) + "?force=" + boolParam(force));
  r.method = "DELETE";
  return send(std::move(r), errorOnly(std::move(done)));
}

RequestId Client::imagePush(const std::string& repo, const std::string& tag, OnMessage on_message,
                            ErrorDone done) {
  HttpRequest r = post("/images/" + urlEncode(repo) + "/push?tag=" + urlEncode(tag));
  r.headers.emplace_back("X-Registry-Auth", "e30=");
  return sendJsonStream(std::move(r), std::move(on_message), std::move(done));
}

RequestId Client::containerCreate(const std::string& name, const nlohmann::json& config,
                                  JsonDone done) {
  std::string target = "/containers/create";
  if (!name.empty()) target += "?name=" + urlEncode(name);
  return sendJson(post(std::move(target), config.dump()), std::move(done));
}

RequestId Client::containerStart(const std::string& id, ErrorDone done) {
  return send(post("/containers/" + urlEncode(id) + "/start"), errorOnly(std::move(done)));
}

RequestId Client::containerRemove(const std::string& id, ErrorDone done) {
  HttpRequest r = get("/containers/" + urlEncode(id) + "?force=1&v=1");
  r.method = "DELETE";
  return send(std::move(r), errorOnly(std::move(done)));
}

RequestId Client::containerInspect(const std::string& id, JsonDone done) {
  return sendJson(get("/containers/" + urlEncode(id) + "/json"), std::move(done));
}

RequestId Client::containerList(const std::vector<std::string>& labels, bool all, JsonDone done) {
  std::string target = "/containers/json?all=" + boolParam(all);
  if (!labels.empty()) {
    nlohmann::json filters = {{"label", labels}};
    target += "&filters=" + urlEncode(filters.dump());
  }
  return sendJson(get(std::move(target)), std::move(done));
}

RequestId Client::containerRestart(const std::string& id, int timeout_secs, ErrorDone done) {
  return send(post("/containers/" + urlEncode(id) + "/restart?t=" + std::to_string(timeout_secs)),
              errorOnly(std::move(done)));
}

RequestId Client::containerLogs(const std::string& id, const LogsParams& p, OnOutput on_output,
                                ErrorDone done) {
  std::string target = "/containers/" + urlEncode(id) +
                       "/logs?stdout=1&stderr=1&follow=" + boolParam(p.follow) +
                       "&timestamps=" + boolParam(p.timestamps);
  if (p.since > 0) target += "&since=" + std::to_string(p.since);
  if (!p.tail.empty()) target += "&tail=" + urlEncode(p.tail);
  return send(get(std::move(target)), muxed(std::move(on_output), std::move(done)));
}

RequestId Client::execCreate(const std::string& container, const std::vector<std::string>& argv,
                             JsonDone done) {
  nlohmann::json config = {{"AttachStdin", false},
                           {"AttachStdout", true},
                           {"AttachStderr", true},
                           {"Tty", false},
                           {"Cmd", argv}};
  return sendJson(post("/containers/" + urlEncode(container) + "/exec", config.dump()),
                  std::move(done));
}

RequestId Client::execStart(const std::string& exec_id, OnOutput on_output, ErrorDone done) {
  nlohmann::json config = {{"Detach", false}, {"Tty", false}};
  return send(post("/exec/" + urlEncode(exec_id) + "/start", config.dump()),
              muxed(std::move(on_output), std::move(done)));
}

RequestId Client::execInspect(const std::string& exec_id, JsonDone done) {
  return sendJson(get("/exec/" + urlEncode(exec_id) + "/json"), std::move(done));
}

RequestId Client::putArchive(const std::string& container, const std::string& path,
                             std::unique_ptr<BodySource> tar, ErrorDone done) {
  HttpRequest r;
  r.method = "PUT";
  r.target = "/containers/" + urlEncode(container) + "/archive?path=" + urlEncode(path);
  r.content_type = "application/x-tar";
  r.body_source = std::move(tar);
  return send(std::move(r), errorOnly(std::move(done)));
}

RequestId Client::events(const nlohmann::json& filters, OnMessage on_event, ErrorDone done) {
  std::string target = "/events";
  if (!filters.is_null() && !filters.empty()) target += "?filters=" + urlEncode(filters.dump());
  return sendJsonStream(get(std::move(target)), std::move(on_event), std::move(done));
}

}  // namespace slant::docker
