#include "exec/prober.h"

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/text.h"

namespace slant::exec {

using engine::lowerFirst;
namespace {

using boost::asio::ip::tcp;

// Tilt's defaults for fields left at 0 (tilt-dev/probe's worker.go).
constexpr int kDefaultTimeout = 1;
constexpr int kDefaultPeriod = 10;
constexpr int kDefaultSuccessThreshold = 1;
constexpr int kDefaultFailureThreshold = 3;
// How much of an exec probe's output is kept for the detail, and of an HTTP response's head.
constexpr std::size_t kMaxOutput = 10 * 1024;
constexpr std::size_t kMaxResponseHead = 16 * 1024;

// Go's wording of a socket error: the errno's text in lower case ("connection refused").
std::string errorText(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::host_not_found) return "no such host";
  if (ec == boost::asio::error::eof) return "EOF";
  if (ec.category() == boost::system::system_category()) {
    const char* desc = strerrordesc_np(ec.value());
    if (desc != nullptr) return lowerFirst(desc);
  }
  return lowerFirst(ec.message());
}

std::string joinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string endpointText(const tcp::endpoint& ep) {
  return joinHostPort(ep.address().to_string(), ep.port());
}

std::string joinArgs(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

std::string lastLine(std::string_view text) {
  while (!text.empty()) {
    std::size_t nl = text.find_last_of('\n', text.size() - 1);
    std::string_view line = nl == std::string_view::npos ? text : text.substr(nl + 1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    if (!line.empty()) return std::string(line);
    if (nl == std::string_view::npos) break;
    text = text.substr(0, nl);
  }
  return {};
}

}  // namespace

struct LocalProber::Worker {
  enum class Result { kUnknown, kSuccess, kFailure };

  engine::ProbeId id = 0;
  model::Probe probe;
  std::function<void(bool, std::string)> on_change;
  engine::Duration initial_delay{};
  engine::Duration timeout{};
  engine::Duration period{};
  int success_threshold = kDefaultSuccessThreshold;
  int failure_threshold = kDefaultFailureThreshold;

  Result last = Result::kUnknown;   // the last run's result
  int run_length = 0;               // how many runs in a row had it
  Result state = Result::kUnknown;  // what on_change last said

  engine::TimerId next_timer = 0;
  engine::TimerId timeout_timer = 0;
  std::uint64_t run_id = 0;
  bool running = false;
  engine::TimePoint run_start{};
  engine::ProcessId exec_process = 0;
  std::shared_ptr<NetRun> net;
  bool stopped = false;
};

struct LocalProber::NetRun {
  explicit NetRun(boost::asio::io_context& io) : resolver(io), socket(io) {}

  tcp::resolver resolver;
  tcp::socket socket;
  std::uint64_t run_id = 0;
  bool http = false;
  std::string host;
  int port = 0;
  std::string url;     // http: for messages
  std::string prefix;  // http: `Get "URL": `
  std::string request;
  std::vector<tcp::endpoint> endpoints;
  std::size_t next = 0;
  boost::system::error_code first_error;
  tcp::endpoint first_endpoint;
  std::string response;
  std::array<char, 4096> buf{};
};

LocalProber::LocalProber(engine::AsioLoop& loop, engine::ProcessRunner& processes,
                         ProberOptions options)
    : loop_(loop), processes_(processes), options_(std::move(options)) {}

LocalProber::~LocalProber() {
  for (auto& [id, w] : workers_) {
    w->stopped = true;
    if (w->next_timer) loop_.cancel(w->next_timer);
    abandonRun(*w);
  }
  workers_.clear();
}

engine::ProbeId LocalProber::start(const model::Probe& probe,
                                   std::function<void(bool, std::string)> on_change) {
  auto w = std::make_shared<Worker>();
  w->id = next_id_++;
  w->probe = probe;
  w->on_change = std::move(on_change);
  w->initial_delay = options_.second * std::max(probe.initial_delay_secs, 0);
  w->timeout = options_.second * (probe.timeout_secs > 0 ? probe.timeout_secs : kDefaultTimeout);
  w->period = options_.second * (probe.period_secs > 0 ? probe.period_secs : kDefaultPeriod);
  if (probe.success_threshold > 0) w->success_threshold = probe.success_threshold;
  if (probe.failure_threshold > 0) w->failure_threshold = probe.failure_threshold;
  workers_.emplace(w->id, w);
  std::weak_ptr<Worker> weak = w;
  w->next_timer = loop_.runAfter(w->initial_delay, [this, weak] {
    if (auto w = weak.lock()) {
      w->next_timer = 0;
      run(w);
    }
  });
  return w->id;
}

void LocalProber::stop(engine::ProbeId id) {
  auto it = workers_.find(id);
  if (it == workers_.end()) return;
  WorkerPtr w = it->second;
  workers_.erase(it);
  w->stopped = true;
  if (w->next_timer) loop_.cancel(std::exchange(w->next_timer, 0));
  abandonRun(*w);
}

void LocalProber::run(const WorkerPtr& w) {
  std::uint64_t run_id = ++w->run_id;
  w->running = true;
  w->run_start = loop_.now();
  std::weak_ptr<Worker> weak = w;
  w->timeout_timer = loop_.runAfter(w->timeout, [this, weak, run_id] {
    if (auto w = weak.lock()) {
      w->timeout_timer = 0;
      timedOut(w, run_id);
    }
  });
  if (w->probe.exec) {
    runExec(w);
  } else if (w->probe.http_get || w->probe.tcp_socket) {
    runNet(w);
  } else {
    complete(w, run_id, false, "probe has no action: give it exec, http_get or tcp_socket");
  }
}

void LocalProber::runExec(const WorkerPtr& w) {
  engine::ProcessSpec spec;
  spec.cmd.argv = w->probe.exec->argv;
  spec.cmd.dir = options_.exec_dir;
  auto output = std::make_shared<std::string>();
  std::weak_ptr<Worker> weak = w;
  std::uint64_t run_id = w->run_id;
  engine::ProcessCallbacks callbacks;
  callbacks.on_line = [output](engine::OutputStream, std::string_view line) {
    if (output->size() >= kMaxOutput) return;
    output->append(line.substr(0, kMaxOutput - output->size()));
    output->push_back('\n');
  };
  // The runner may outlive this prober: the weak pointer dies with it.
  callbacks.on_exit = [this, weak, run_id, output](const engine::ExitStatus& status) {
    auto w = weak.lock();
    if (!w) return;
    if (w->run_id == run_id) w->exec_process = 0;
    std::string detail;
    if (status.ok()) {
      detail = "exec probe succeeded";
    } else if (!status.start_error.empty()) {
      detail = status.start_error;
    } else {
      detail = status.text();
      std::string line = lastLine(*output);
      if (!line.empty()) detail += ": " + line;
    }
    complete(w, run_id, status.ok(), std::move(detail));
  };
  w->exec_process = processes_.start(spec, std::move(callbacks));
}

void LocalProber::runNet(const WorkerPtr& w) {
  auto net = std::make_shared<NetRun>(loop_.io());
  net->run_id = w->run_id;
  std::string scheme = "http";
  std::string path;
  if (w->probe.http_get) {
    const model::Probe::HttpGet& h = *w->probe.http_get;
    net->http = true;
    net->host = h.host.empty() ? "localhost" : h.host;
    net->port = h.port;
    if (!h.scheme.empty()) {
      scheme = h.scheme;
      std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                     [](unsigned char c) { return std::tolower(c); });
    }
    path = h.path.empty() || h.path.front() != '/' ? "/" + h.path : h.path;
    net->url = scheme + "://" + joinHostPort(net->host, net->port) + path;
    net->prefix = "Get \"" + net->url + "\": ";
  } else {
    const model::Probe::TcpSocket& t = *w->probe.tcp_socket;
    net->host = t.host.empty() ? "localhost" : t.host;
    net->port = t.port;
  }
  if (net->port <= 0 || net->port > 65535) {
    complete(w, net->run_id, false, "port number out of range: " + std::to_string(net->port));
    return;
  }
  if (net->http && scheme != "http") {
    complete(w, net->run_id, false,
             scheme == "https"
                 ? net->prefix +
                       "https probes are not supported by slant: use scheme http or a "
                       "tcp_socket probe"
                 : net->prefix + "unsupported protocol scheme \"" + scheme + "\"");
    return;
  }
  if (net->http) {
    net->request = "GET " + path + " HTTP/1.1\r\nHost: " + joinHostPort(net->host, net->port) +
                   "\r\nUser-Agent: slant-probe/" SLANT_VERSION
                   "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  }
  w->net = net;
  std::weak_ptr<Worker> weak = w;
  net->resolver.async_resolve(
      net->host, std::to_string(net->port), tcp::resolver::numeric_service,
      [this, weak, net](const boost::system::error_code& ec, tcp::resolver::results_type results) {
        auto w = weak.lock();
        if (!w || w->net != net) return;
        if (ec) {
          complete(w, net->run_id, false,
                   net->prefix + "dial tcp: lookup " + net->host + ": " + errorText(ec));
          return;
        }
        for (const auto& entry : results) net->endpoints.push_back(entry.endpoint());
        connectNext(w, net);
      });
}

void LocalProber::connectNext(const WorkerPtr& w, const std::shared_ptr<NetRun>& net) {
  if (net->next >= net->endpoints.size()) {
    if (!net->first_error) net->first_error = boost::asio::error::host_not_found;
    complete(w, net->run_id, false,
             net->prefix + "dial tcp " + endpointText(net->first_endpoint) +
                 ": connect: " + errorText(net->first_error));
    return;
  }
  tcp::endpoint ep = net->endpoints[net->next++];
  boost::system::error_code ignored;
  net->socket.close(ignored);
  std::weak_ptr<Worker> weak = w;
  net->socket.async_connect(ep, [this, weak, net, ep](const boost::system::error_code& ec) {
    auto w = weak.lock();
    if (!w || w->net != net) return;
    if (ec) {
      if (!net->first_error) {
        net->first_error = ec;
        net->first_endpoint = ep;
      }
      connectNext(w, net);
      return;
    }
    if (!net->http) {
      complete(w, net->run_id, true, "TCP probe succeeded: connected to " + endpointText(ep));
      return;
    }
    sendRequest(w, net);
  });
}

void LocalProber::sendRequest(const WorkerPtr& w, const std::shared_ptr<NetRun>& net) {
  std::weak_ptr<Worker> weak = w;
  boost::asio::async_write(net->socket, boost::asio::buffer(net->request),
                           [this, weak, net](const boost::system::error_code& ec, std::size_t) {
                             auto w = weak.lock();
                             if (!w || w->net != net) return;
                             if (ec) {
                               complete(w, net->run_id, false, net->prefix + errorText(ec));
                               return;
                             }
                             readResponse(w, net);
                           });
}

void LocalProber::readResponse(const WorkerPtr& w, const std::shared_ptr<NetRun>& net) {
  std::weak_ptr<Worker> weak = w;
  net->socket.async_read_some(
      boost::asio::buffer(net->buf),
      [this, weak, net](const boost::system::error_code& ec, std::size_t n) {
        auto w = weak.lock();
        if (!w || w->net != net) return;
        net->response.append(net->buf.data(), n);
        bool head_done = net->response.find("\r\n\r\n") != std::string::npos;
        if (!ec && !head_done && net->response.size() < kMaxResponseHead) {
          readResponse(w, net);
          return;
        }
        std::size_t eol = net->response.find("\r\n");
        if (eol == std::string::npos) {
          // No complete status line: the server closed (or failed) before answering.
          std::string why = ec ? errorText(ec) : "malformed HTTP response";
          complete(w, net->run_id, false, net->prefix + why);
          return;
        }
        std::string_view line(net->response.data(), eol);
        // "HTTP/1.1 200 OK"
        int status = -1;
        if (line.starts_with("HTTP/") && line.size() >= 12 && line[8] == ' ' &&
            std::isdigit(static_cast<unsigned char>(line[9])) &&
            std::isdigit(static_cast<unsigned char>(line[10])) &&
            std::isdigit(static_cast<unsigned char>(line[11])) &&
            (line.size() == 12 || line[12] == ' ')) {
          status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        }
        if (status < 0) {
          complete(w, net->run_id, false,
                   net->prefix + "malformed HTTP response \"" + std::string(line) + "\"");
          return;
        }
        bool ok = status >= 200 && status < 400;
        complete(w, net->run_id, ok,
                 std::string(ok ? "HTTP probe succeeded" : "HTTP probe failed") +
                     " with statuscode: " + std::to_string(status));
      });
}

void LocalProber::timedOut(const WorkerPtr& w, std::uint64_t run_id) {
  if (!w->running || w->run_id != run_id) return;
  std::string detail;
  if (w->probe.exec) {
    detail = "command \"" + joinArgs(w->probe.exec->argv) + "\" timed out";
  } else if (w->net && w->net->http) {
    detail = w->net->prefix + "context deadline exceeded";
  } else if (w->net) {
    detail = "dial tcp " + joinHostPort(w->net->host, w->net->port) + ": i/o timeout";
  } else {
    detail = "probe timed out";
  }
  complete(w, run_id, false, std::move(detail));
}

void LocalProber::abandonRun(Worker& w) {
  if (w.timeout_timer) loop_.cancel(std::exchange(w.timeout_timer, 0));
  if (w.exec_process) processes_.stop(std::exchange(w.exec_process, 0), engine::Duration::zero());
  if (auto net = std::exchange(w.net, nullptr)) {
    boost::system::error_code ignored;
    net->resolver.cancel();
    net->socket.close(ignored);
  }
}

void LocalProber::complete(const WorkerPtr& w, std::uint64_t run_id, bool success,
                           std::string detail) {
  if (w->stopped || !w->running || w->run_id != run_id) return;
  w->running = false;
  abandonRun(*w);

  // Kubernetes' threshold logic (kubelet's prober worker, as tilt-dev/probe has it).
  using Result = Worker::Result;
  Result result = success ? Result::kSuccess : Result::kFailure;
  if (w->last == result) {
    ++w->run_length;
  } else {
    w->last = result;
    w->run_length = 1;
  }
  int threshold = success ? w->success_threshold : w->failure_threshold;
  if (w->run_length >= threshold && w->state != result) {
    w->state = result;
    if (w->on_change) w->on_change(success, std::move(detail));
    if (w->stopped) return;  // on_change stopped it
  }

  // The next run starts a period after this one started, or now if this one overran.
  engine::Duration delay =
      std::max(engine::Duration::zero(), w->run_start + w->period - loop_.now());
  std::weak_ptr<Worker> weak = w;
  w->next_timer = loop_.runAfter(delay, [this, weak] {
    if (auto w = weak.lock()) {
      w->next_timer = 0;
      run(w);
    }
  });
}

}  // namespace slant::exec
