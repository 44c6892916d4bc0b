#include "cli/up_cmd.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <iostream>

#include "cli/log_format.h"
#include "cli/tiltfile_runner.h"
#include "docker/client.h"
#include "docker/compose_runner.h"
#include "docker/container_updater.h"
#include "docker/image_builder.h"
#include "engine/asio_loop.h"
#include "engine/engine.h"
#include "exec/prober.h"
#include "exec/process_runner.h"
#include "server/server.h"
#include "tiltfile/settings.h"
#include "tiltfile/tiltfile.h"
#include "watch/inotify_watcher.h"

namespace slant::cli {

namespace {

std::string absolute(const std::string& file) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(file, ec);
  return ec ? file : abs.lexically_normal().string();
}

// The terminal's settings while the prompt reads single keys; restored on exit.
class RawTerminal {
 public:
  bool enable() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return false;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C is SIGINT
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    return active_;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

int upCommand(const UpArgs& a, std::ostream& out, std::ostream& err) {
  engine::EngineOptions options;
  options.tiltfile = absolute(a.file);
  options.mode = a.ci ? engine::Mode::kCi : engine::Mode::kUp;
  options.args = a.args;
  options.log_cap_bytes = a.log_cap_bytes;
  auto debounce = tiltfile::parseGoDuration(a.debounce);
  if (!debounce || *debounce < 0) {
    err << "error: invalid --debounce " << a.debounce
        << (debounce ? ": must not be negative" : ": " + debounce.error().message()) << "\n";
    return 1;
  }
  options.debounce = std::chrono::nanoseconds(*debounce);
  if (a.timeout) {
    auto t = tiltfile::parseGoDuration(*a.timeout);
    if (!t) {
      err << "error: invalid --timeout " << *a.timeout << ": " << t.error().message() << "\n";
      return 1;
    }
    options.ci_timeout = std::chrono::nanoseconds(*t);
  }

  engine::AsioLoop loop;
  exec::LocalProcessRunner processes(loop);
  exec::LocalProber prober(loop, processes);
  auto watcher = watch::InotifyWatcher::create(loop);
  if (!watcher) {
    err << "error: " << watcher.error() << "\n";
    return 1;
  }
  ThreadTiltfileRunner tiltfile_runner(loop, a.extension_dirs);
  // Docker: a bad DOCKER_HOST is the user's to fix before anything runs; an engine that is
  // down only fails the resources that need it, when they need it.
  auto docker_host = docker::dockerHostFromEnv();
  if (!docker_host) {
    err << "error: " << docker_host.error() << "\n";
    return 1;
  }
  docker::Client docker_client(loop, *docker_host);
  docker::DockerImageBuilder images(loop, docker_client, processes);
  docker::DockerContainerUpdater containers(loop, docker_client);
  docker::CliComposeRunner compose(loop, processes);
  engine::Engine engine(
      loop, {processes, prober, **watcher, tiltfile_runner, images, compose, containers}, options);

  server::ServerOptions server_options;
  server_options.host = a.host;
  server_options.port = a.port;
  server::Server server(loop, engine, server_options);
  auto bound = server.start();
  if (!bound) {
    err << "error: " << bound.error() << "\n";
    return 1;
  }
  std::string url = "http://" + (a.host == "0.0.0.0" ? std::string("localhost") : a.host) + ":" +
                    std::to_string(*bound) + "/";

  // Streaming: every log line, prefixed with its resource. `ci` always streams, as Tilt does;
  // `up` streams with --stream or when stdout is not a terminal.
  bool interactive = !a.ci && !a.stream && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
  bool streaming = false;
  auto startStreaming = [&](bool replay) {
    if (streaming) return;
    streaming = true;
    if (replay) {
      for (const auto& line : engine.logs({}).lines) out << formatLogLine(line) << "\n";
      out.flush();
    }
    engine.subscribe({nullptr, [&out](const engine::LogLine& line) {
                        out << formatLogLine(line) << "\n";
                        out.flush();
                      }});
  };

  RawTerminal terminal;
  boost::asio::posix::stream_descriptor keys(loop.io());
  std::array<char, 1> key{};
  std::function<void()> readKey;
  if (interactive) {
    out << "slant started on " << url << "\nv" << SLANT_VERSION << "\n\n"
        << "(space) to open the browser\n(s) to stream logs (--stream=true)\n(ctrl-c) to exit\n";
    out.flush();
    if (terminal.enable()) {
      keys.assign(dup(STDIN_FILENO));
      readKey = [&] {
        keys.async_read_some(boost::asio::buffer(key),
                             [&](boost::system::error_code ec, std::size_t n) {
                               if (ec || n == 0) return;
                               if (key[0] == ' ') {
                                 engine::ProcessSpec open;
                                 open.cmd.argv = {"xdg-open", url};
                                 open.cmd.dir = "/";
                                 processes.start(open, {});
                                 out << "Opening browser: " << url << "\n";
                                 out.flush();
                               } else if (key[0] == 's') {
                                 startStreaming(/*replay=*/true);
                               }
                               readKey();
                             });
      };
      readKey();
    }
  } else {
    if (!a.ci) out << "slant started on " << url << "\n";
    startStreaming(/*replay=*/false);
  }

  int exit_code = 0;
  bool stopping = false;
  auto stopAll = [&] {
    if (stopping) return;
    stopping = true;
    engine.shutdown([&] {
      server.stop();
      loop.stop();
    });
  };

  engine.onCiDone([&](const engine::CiOutcome& outcome) {
    if (outcome.success) {
      out << "SUCCESS. All workloads are healthy.\n";
    } else {
      err << "Error: " << outcome.error << "\n";
      exit_code = 1;
    }
    out.flush();
    stopAll();
  });

  boost::asio::signal_set signals(loop.io(), SIGINT, SIGTERM);
  std::function<void()> waitSignal = [&] {
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (stopping) {
        // A second Ctrl-C: stop waiting for grace periods. The process runner kills what is
        // left when it is destroyed.
        loop.stop();
        return;
      }
      if (a.ci) exit_code = 1;
      stopAll();
      waitSignal();
    });
  };
  waitSignal();

  engine.start();
  loop.run();
  signals.cancel();
  keys.close();
  return exit_code;
}

int downCommand(const DownArgs& a, std::ostream& out, std::ostream& err) {
  tiltfile::Options options;
  options.tiltfile = absolute(a.file);
  options.args = a.args;
  options.subcommand = "down";
  options.extension_dirs = a.extension_dirs;
  options.log = [&err](std::string_view line) { err << line << "\n"; };
  tiltfile::LoadResult result = tiltfile::loadTiltfile(options);
  if (result.error) {
    err << *result.error << "\n";
    return 1;
  }
  // One `down` per Compose project, as Tilt; Kubernetes objects come with their backend.
  std::vector<const model::DcTarget*> projects;
  int k8s = 0;
  for (const auto& r : result.project.resources) {
    if (r.type == model::ResourceType::kK8s) ++k8s;
    if (!r.dc) continue;
    bool seen = std::any_of(projects.begin(), projects.end(),
                            [&](const model::DcTarget* t) { return t->project == r.dc->project; });
    if (!seen) projects.push_back(&*r.dc);
  }
  if (k8s > 0) {
    err << "warning: " << k8s << " Kubernetes resource" << (k8s == 1 ? "" : "s")
        << ": removing Kubernetes objects is not supported by this version of slant yet\n";
  }
  if (projects.empty()) {
    out << "Nothing to remove: no Docker Compose services (local resources' processes end with "
           "slant up).\n";
    return 0;
  }
  engine::AsioLoop loop;
  exec::LocalProcessRunner processes(loop);
  int failures = 0;
  {
    docker::CliComposeRunner compose(loop, processes);
    std::size_t pending = projects.size();
    for (const model::DcTarget* target : projects) {
      out << "Removing Docker Compose project " << target->project << "\n";
      compose.down(
          *target, a.delete_volumes, [&err](std::string_view line) { err << line << "\n"; },
          [&, project = target->project](std::string error) {
            if (!error.empty()) {
              ++failures;
              err << "error: running `docker-compose down` for project " << project << ": " << error
                  << "\n";
            }
            if (--pending == 0) loop.stop();
          });
    }
    loop.run();
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace slant::cli
