// Tiltfile tests in Tilt's style (internal/tiltfile/tiltfile_test.go): each test writes a
// Tiltfile and its files into a fresh temporary directory, loads it, and asserts the model or
// the error.
//
//   TEST_F(TiltfileTest, LocalResourceRunsStringCommandsWithShell) {
//     file("Tiltfile", "local_resource('a', cmd='make a')");
//     model::Project p = loadOk();
//     EXPECT_EQ(p.find("a")->local->cmd.argv, (std::vector<std::string>{"sh", "-c", "make a"}));
//   }
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "model/project.h"
#include "tiltfile/tiltfile.h"

namespace slant::tiltfile {

class TiltfileTest : public ::testing::Test {
 protected:
  TiltfileTest() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "slant-tiltfile-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    options.k8s_context = "kind-kind";
    options.k8s_namespace = "default";
  }
  ~TiltfileTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// Writes `contents` to `rel` under the test directory (creating directories); returns the
  /// absolute path.
  std::string file(std::string_view rel, std::string_view contents) {
    std::string p = path(rel);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << contents;
    return p;
  }
  /// The absolute path of `rel` under the test directory.
  std::string path(std::string_view rel) const { return dir_ + "/" + std::string(rel); }

  /// Loads dir()/Tiltfile with `args` after "--".
  LoadResult load(std::vector<std::string> args = {}) {
    log_.clear();
    Options o = options;
    if (o.tiltfile == Options().tiltfile) o.tiltfile = path("Tiltfile");
    o.args = std::move(args);
    o.log = [this](std::string_view line) {
      log_ += line;
      log_ += '\n';
    };
    return loadTiltfile(o);
  }
  /// Loads and fails the test (printing the error) if the load failed.
  model::Project loadOk(std::vector<std::string> args = {}) {
    LoadResult r = load(std::move(args));
    if (r.error) ADD_FAILURE() << "unexpected Tiltfile error:\n" << *r.error;
    return std::move(r.project);
  }
  /// Loads and fails the test if the load succeeded; returns the error text.
  std::string loadError(std::vector<std::string> args = {}) {
    LoadResult r = load(std::move(args));
    if (!r.error) {
      ADD_FAILURE() << "expected a Tiltfile error, got none";
      return "";
    }
    return *r.error;
  }

  const std::string& dir() const { return dir_; }
  /// The Tiltfile log of the last load (print output, local() echoes, warnings).
  const std::string& logText() const { return log_; }

  /// Options for the next load; the fixture sets tiltfile, args and log. The default context is
  /// "kind-kind" with namespace "default", so that no kubeconfig is read.
  Options options;

 private:
  std::string dir_;
  std::string log_;
};

}  // namespace slant::tiltfile
