// Tests of `slant check`'s output and exit code (the analysis itself is tested in
// tiltfile/check_test.cc).
#include "cli/check_cmd.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace slant::cli {
namespace {

namespace fs = std::filesystem;

class CheckCommandTest : public ::testing::Test {
 protected:
  CheckCommandTest() {
    std::string tmpl = (fs::temp_directory_path() / "slant-check-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  ~CheckCommandTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string file(const std::string& rel, const std::string& text) {
    fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string dir_;
};

TEST_F(CheckCommandTest, ACleanTiltfileExitsZeroWithASummary) {
  std::string tf = file("Tiltfile", "load('lib.star', 'x')\nk8s_resource('a', labels=x)\n");
  file("lib.star", "x = ['web']\n");
  std::ostringstream out, err;
  EXPECT_EQ(checkCommand(tf, out, err), 0);
  EXPECT_EQ(out.str(), "no problems found (2 files checked)\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(CheckCommandTest, ProblemsArePrintedOnePerLineAndExitOne) {
  std::string tf = file("Tiltfile", "k8s_resource('a', prot_forwards=1)\nfoo()\n");
  std::ostringstream out, err;
  EXPECT_EQ(checkCommand(tf, out, err), 1);
  EXPECT_EQ(out.str(), tf +
                           ":1:19: unknown keyword argument \"prot_forwards\" for k8s_resource "
                           "(did you mean \"port_forwards\"?)\n" +
                           tf + ":2:1: undefined: foo\n2 problems found (1 file checked)\n");
}

TEST_F(CheckCommandTest, AMissingTiltfileIsReportedOnStderr) {
  std::string tf = (fs::path(dir_) / "Tiltfile").string();
  std::ostringstream out, err;
  EXPECT_EQ(checkCommand(tf, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            "slant check: " + tf + ": no such file (name another Tiltfile with -f FILE)\n");
}

}  // namespace
}  // namespace slant::cli
