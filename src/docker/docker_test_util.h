// Helpers of the Docker client, build and live-update tests: temporary trees, shell commands
// with their output, and whether a Docker engine answers.
#pragma once

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "docker/body.h"

namespace slant::docker::testing {

/// A temporary directory, removed with everything in it.
class TempTree {
 public:
  TempTree() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "slant-docker-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `text` to `name` (relative), creating its directories; returns the absolute path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0644) const {
    std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }
  std::string mkdir(const std::string& name) const {
    std::string p = path_ + "/" + name;
    std::filesystem::create_directories(p);
    return p;
  }

 private:
  std::string path_;
};

/// Runs `command` with sh; returns its stdout and whether it exited 0.
inline std::pair<std::string, bool> shell(const std::string& command) {
  FILE* f = ::popen(command.c_str(), "r");
  if (!f) return {"", false};
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int status = ::pclose(f);
  return {out, status == 0};
}

/// Why the tests that need a Docker engine are skipped, or "" when one answers.
inline std::string dockerSkipReason() {
  static const std::string reason =
      shell("docker info >/dev/null 2>&1").second
          ? ""
          : "docker info failed: no Docker engine answers (scripts/docker.sh start runs one)";
  return reason;
}

/// Drains a BodySource into a string, `max` bytes per fill; "" and `error` set on failure.
inline std::string drain(BodySource& source, std::size_t max, std::string* error = nullptr,
                         std::size_t* biggest_fill = nullptr) {
  std::string out;
  for (;;) {
    std::size_t before = out.size();
    auto more = source.fill(out, max);
    if (biggest_fill) *biggest_fill = std::max(*biggest_fill, out.size() - before);
    if (!more) {
      if (error) *error = more.error();
      return {};
    }
    if (!*more) return out;
  }
}

}  // namespace slant::docker::testing
