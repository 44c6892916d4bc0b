// An asynchronous client of the Docker Engine API, on the engine's Asio loop.
//
// Every request gets a connection of its own (HTTP/1.1, "Connection: close") to the engine at
// DOCKER_HOST: a unix socket (the default, unix:///var/run/docker.sock) or tcp://host:port
// (plain HTTP; TLS is not supported). A request body is either a string (JSON) or a BodySource,
// sent with chunked transfer encoding one piece at a time, the next piece produced only when the
// socket has taken the last; the response is read concurrently and its body handed to the caller
// chunk by chunk as it arrives, so a build's output streams while its context is still going up.
// Cancelling a request closes its connection: the engine sees the client go away (it stops a
// build, a log follow, an event stream) and no callback of that request runs afterwards.
//
// The API version is negotiated once per Client with GET /version: the engine's own version,
// capped at kMaxApiVersion (the newest whose behaviour slant knows), raised to the engine's
// MinAPIVersion when it no longer accepts that one. Requests made meanwhile wait for it.
//
// Errors are one line: the engine's "message" field, or, when the engine cannot be reached,
// "cannot connect to the Docker engine at unix:///var/run/docker.sock: connection refused (is
// dockerd running? scripts/docker.sh start)".
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "docker/body.h"
#include "docker/streams.h"
#include "engine/asio_loop.h"

namespace slant::docker {

/// The newest API version slant asks for (Docker 20.10's).
inline constexpr std::string_view kMaxApiVersion = "1.41";

/// Where the Docker engine listens.
struct DockerHost {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kUnix;
  std::string path;  ///< kUnix: the socket
  std::string host;  ///< kTcp
  std::string port;  ///< kTcp
  std::string text;  ///< as written ("unix:///var/run/docker.sock"), for messages
};

/// Parses a DOCKER_HOST value ("unix:///path", "tcp://host:port", "host:port"). Returns an error
/// naming the value for another scheme (ssh://, npipe://) or a malformed one.
std::expected<DockerHost, std::string> parseDockerHost(std::string_view value);

/// The engine $DOCKER_HOST names, or unix:///var/run/docker.sock when it is unset or empty.
/// Returns parseDockerHost's error for a value slant cannot use.
std::expected<DockerHost, std::string> dockerHostFromEnv();

/// Identifies a request for cancel(); 0 is never valid.
using RequestId = std::uint64_t;

/// One HTTP request to the engine.
struct HttpRequest {
  std::string method = "GET";
  /// The path and query without the version prefix ("/build?t=x"); the client adds "/v1.41".
  std::string target;
  bool unversioned = false;  ///< send `target` as it is (GET /_ping, GET /version)
  std::string content_type;  ///< for `body` or `body_source`
  std::string body;
  std::unique_ptr<BodySource> body_source;  ///< streamed with chunked encoding when set
  std::vector<std::pair<std::string, std::string>> headers;
};

/// What a request reports, all on the loop thread.
struct HttpHandlers {
  /// Body bytes of a successful (2xx) response, as they arrive.
  std::function<void(std::string_view data)> on_data;
  /// Called once at the end: "" after a complete 2xx response, else the error as one line.
  std::function<void(int status, std::string error)> on_done;
};

/// Called with a whole JSON reply (null for an empty one) or the error.
using JsonDone = std::function<void(std::expected<nlohmann::json, std::string> reply)>;
/// Called with "" or the error.
using ErrorDone = std::function<void(std::string error)>;
/// Receives one message of a JSON message stream.
using OnMessage = std::function<void(const nlohmann::json& message)>;
/// Receives a piece of a container's stdout or stderr.
using OnOutput = std::function<void(MuxStream stream, std::string_view data)>;

/// The query parameters of POST /build that slant uses.
struct BuildParams {
  std::vector<std::string> tags;  ///< t=, each a whole ref; may be empty (tag by ID later)
  std::string dockerfile;         ///< its path inside the context
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string target;
  std::vector<std::string> cache_from;
  bool pull = false;
  std::string platform;
  std::string network_mode;
  std::vector<std::string> extra_hosts;  ///< "host:ip"
  std::map<std::string, std::string> labels;
  bool rm = true;
  bool force_rm = true;
};

/// How to follow a container's logs.
struct LogsParams {
  bool follow = true;
  bool timestamps = false;
  std::int64_t since = 0;  ///< unix seconds; 0: from the start
  std::string tail;        ///< "all" or a number; empty: all
};

/// The Docker Engine API client. Use it on the loop thread only; destroy it before the loop.
class Client {
 public:
  /// A client of the engine at `host`; nothing is connected until the first request.
  Client(engine::AsioLoop& loop, DockerHost host);
  /// Cancels every request still running; no callback runs after it.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Where the engine is.
  const DockerHost& host() const { return host_; }
  /// The negotiated API version ("1.41"), or empty before the first reply.
  const std::string& apiVersion() const { return api_version_; }

  /// Sends a raw request; the handlers run later, never from inside this call.
  RequestId send(HttpRequest request, HttpHandlers handlers);
  /// Sends a request whose reply is one JSON document (or empty).
  RequestId sendJson(HttpRequest request, JsonDone done);
  /// Sends a request whose reply is a JSON message stream; a message with "error" or
  /// "errorDetail" is passed on like any other (the caller decides what it means).
  RequestId sendJsonStream(HttpRequest request, OnMessage on_message, ErrorDone done);
  /// Closes the request's connection; none of its callbacks runs afterwards. Does nothing for
  /// a finished or unknown request.
  void cancel(RequestId id);
  /// The number of requests still running (for tests: nothing leaks).
  std::size_t activeRequests() const { return connections_.size(); }

  /// GET /version: the engine's version document (unversioned).
  RequestId version(JsonDone done);
  /// POST /build with `context` (a tar stream) as the body; each output message goes to
  /// `on_message`.
  RequestId build(const BuildParams& params, std::unique_ptr<BodySource> context,
                  OnMessage on_message, ErrorDone done);
  /// GET /images/{name}/json.
  RequestId imageInspect(const std::string& name, JsonDone done);
  /// POST /images/{source}/tag?repo=&tag=.
  RequestId imageTag(const std::string& source, const std::string& repo, const std::string& tag,
                     ErrorDone done);
  /// DELETE /images/{name} (force, keeping untagged parents as Docker's default does).
  RequestId imageRemove(const std::string& name, bool force, ErrorDone done);
  /// POST /images/{repo}/push?tag= with the empty credentials "e30=" (a local registry).
  RequestId imagePush(const std::string& repo, const std::string& tag, OnMessage on_message,
                      ErrorDone done);
  /// POST /containers/create?name= with `config` (Docker's ContainerConfig JSON).
  RequestId containerCreate(const std::string& name, const nlohmann::json& config, JsonDone done);
  /// POST /containers/{id}/start.
  RequestId containerStart(const std::string& id, ErrorDone done);
  /// DELETE /containers/{id}?force=1&v=1.
  RequestId containerRemove(const std::string& id, ErrorDone done);
  /// GET /containers/{id}/json.
  RequestId containerInspect(const std::string& id, JsonDone done);
  /// GET /containers/json?all=&filters={"label":[...]}; `labels` are "key" or "key=value".
  RequestId containerList(const std::vector<std::string>& labels, bool all, JsonDone done);
  /// POST /containers/{id}/restart?t=`timeout_secs`.
  RequestId containerRestart(const std::string& id, int timeout_secs, ErrorDone done);
  /// GET /containers/{id}/logs (stdout and stderr, multiplexed: for a container without a tty).
  RequestId containerLogs(const std::string& id, const LogsParams& params, OnOutput on_output,
                          ErrorDone done);
  /// POST /containers/{id}/exec: returns the exec's "Id" in the reply.
  RequestId execCreate(const std::string& container, const std::vector<std::string>& argv,
                       JsonDone done);
  /// POST /exec/{id}/start without a tty; its output arrives multiplexed until it exits.
  RequestId execStart(const std::string& exec_id, OnOutput on_output, ErrorDone done);
  /// GET /exec/{id}/json (with "ExitCode" and "Running").
  RequestId execInspect(const std::string& exec_id, JsonDone done);
  /// PUT /containers/{id}/archive?path= with `tar` as the body, extracted at `path`.
  RequestId putArchive(const std::string& container, const std::string& path,
                       std::unique_ptr<BodySource> tar, ErrorDone done);
  /// GET /events?filters= (a JSON object of lists, e.g. {"label":["a=b"],"type":["container"]}),
  /// streamed until cancelled.
  RequestId events(const nlohmann::json& filters, OnMessage on_event, ErrorDone done);

 private:
  class Connection;
  friend class Connection;
  void negotiate();
  void finished(RequestId id);

  engine::AsioLoop& loop_;
  DockerHost host_;
  std::string api_version_;
  bool negotiating_ = false;
  RequestId next_id_ = 1;
  std::unordered_map<RequestId, std::shared_ptr<Connection>> connections_;
  /// Requests waiting for the API version, in order.
  std::vector<std::shared_ptr<Connection>> waiting_;
};

/// `s` percent-encoded for a URL query value or path segment.
std::string urlEncode(std::string_view s);

/// The error text of an engine reply: its JSON "message", else the status and the body's start.
std::string engineErrorText(int status, std::string_view body);

}  // namespace slant::docker
