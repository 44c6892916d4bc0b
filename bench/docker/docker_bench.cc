// A small driver of slant's Docker backends for bench/docker/run.sh:
//
//   docker_bench build <context> <ref> [runs]
//       builds <context>/Dockerfile (filtered by <context>/.dockerignore) through
//       DockerImageBuilder `runs` times (default 1), printing one line per build:
//       "build_ms <milliseconds> <ref>". Run it under /usr/bin/time -v for its peak RSS.
//   docker_bench copy <container> <local file> <remote path> <runs>
//       rewrites the local file with new contents and copies it into the container through
//       DockerContainerUpdater, `runs` times; prints "copy_ms <milliseconds>" per run, measured
//       from the copy() call to its done callback.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "docker/client.h"
#include "docker/container_updater.h"
#include "docker/image_builder.h"
#include "engine/asio_loop.h"
#include "exec/process_runner.h"
#include "watch/ignore.h"

namespace {

using namespace slant;
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int usage() {
  std::fprintf(stderr,
               "usage: docker_bench build <context> <ref> [runs]\n"
               "       docker_bench copy <container> <local file> <remote path> <runs>\n");
  return 2;
}

int build(engine::AsioLoop& loop, docker::Client& client, const std::string& context,
          const std::string& ref, int runs) {
  exec::LocalProcessRunner runner(loop);
  docker::DockerImageBuilder builder(loop, client, runner);
  model::ImageTarget t;
  t.ref = ref;
  t.context = context;
  t.docker.emplace();
  t.docker->dockerfile = context + "/Dockerfile";
  auto ignore = watch::readIgnoreFile(context + "/.dockerignore");
  if (!ignore) {
    std::fprintf(stderr, "%s\n", ignore.error().c_str());
    return 1;
  }
  t.context_ignore = *ignore;
  for (int i = 0; i < runs; ++i) {
    std::optional<engine::ImageBuildResult> result;
    auto start = Clock::now();
    builder.build(
        {t, {}}, [](std::string_view) {},
        [&](engine::ImageBuildResult r) {
          result = std::move(r);
          loop.stop();
        });
    loop.io().restart();
    loop.run();
    if (!result || !result->error.empty()) {
      std::fprintf(stderr, "build failed: %s\n", result ? result->error.c_str() : "no result");
      return 1;
    }
    std::printf("build_ms %.1f %s\n", msSince(start), result->ref.c_str());
    std::fflush(stdout);
  }
  return 0;
}

int copy(engine::AsioLoop& loop, docker::Client& client, const std::string& container,
         const std::string& local, const std::string& remote, int runs) {
  docker::DockerContainerUpdater updater(loop, client);
  for (int i = 0; i < runs; ++i) {
    std::ofstream(local, std::ios::trunc) << "run " << i << "\n";
    std::optional<std::string> error;
    auto start = Clock::now();
    updater.copy(container, {{local, remote}}, {}, {}, [&](std::string e) {
      error = std::move(e);
      loop.stop();
    });
    loop.io().restart();
    loop.run();
    if (!error || !error->empty()) {
      std::fprintf(stderr, "copy failed: %s\n", error ? error->c_str() : "no result");
      return 1;
    }
    std::printf("copy_ms %.2f\n", msSince(start));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return usage();
  engine::AsioLoop loop;
  auto host = docker::dockerHostFromEnv();
  if (!host) {
    std::fprintf(stderr, "%s\n", host.error().c_str());
    return 1;
  }
  docker::Client client(loop, *host);
  std::string mode = argv[1];
  if (mode == "build")
    return build(loop, client, argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 1);
  if (mode == "copy" && argc == 6)
    return copy(loop, client, argv[2], argv[3], argv[4], std::atoi(argv[5]));
  return usage();
}
