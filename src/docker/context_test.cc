#include "docker/context.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "docker/docker_test_util.h"
#include "docker/tar.h"

namespace slant::docker {
namespace {

using testing::drain;
using testing::shell;
using testing::TempTree;

// The archive of `spec`, written to a file in `dir`; returns its path.
std::string writeArchive(ArchiveSpec spec, const TempTree& dir, std::size_t max = 64 * 1024) {
  ArchiveSource source(std::move(spec));
  std::string error;
  std::string bytes = drain(source, max, &error);
  EXPECT_EQ(error, "");
  return dir.write("archive.tar", bytes);
}

// The names `tar -t` reads from an archive, sorted.
std::vector<std::string> tarNames(const std::string& archive) {
  auto [out, ok] = shell("tar -tf " + archive);
  EXPECT_TRUE(ok) << "tar -t failed on " << archive;
  std::vector<std::string> names;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && line.back() == '/') line.pop_back();
    names.push_back(line);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ArchiveSpec contextSpec(const TempTree& tree, std::vector<std::string> patterns,
                        std::vector<std::string> only = {}) {
  ArchiveSpec spec;
  spec.roots.push_back({tree.path() + "/ctx", ""});
  auto m = watch::IgnoreMatcher::compile(patterns, tree.path() + "/ctx");
  EXPECT_TRUE(m.has_value());
  spec.ignore = *m;
  for (auto& o : only) spec.only.push_back(tree.path() + "/ctx/" + o);
  return spec;
}

TEST(Tar, RoundTripsFilesDirectoriesSymlinksAndLongNamesThroughRealTar) {
  TempTree src, out;
  std::string long_dir(120, 'd');
  std::string longer = long_dir + "/" + std::string(90, 'e') + "/" + std::string(110, 'f');
  src.write("ctx/a.txt", "alpha\n");
  src.write("ctx/bin/run.sh", "#!/bin/sh\necho hi\n", 0755);
  src.write("ctx/" + long_dir + "/x.txt", "x");
  src.write("ctx/" + longer, "deep");
  std::string big(3 * 1024 * 1024 + 17, 'b');
  for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  src.write("ctx/big.bin", big);
  std::string empty_dir = src.mkdir("ctx/empty");
  ASSERT_EQ(::symlink("a.txt", (src.path() + "/ctx/link").c_str()), 0);
  std::string long_target(150, 't');
  ASSERT_EQ(::symlink(long_target.c_str(), (src.path() + "/ctx/longlink").c_str()), 0);

  std::string archive = writeArchive(contextSpec(src, {}), out);
  std::vector<std::string> expected = {"a.txt",      "big.bin", "bin",
                                       "bin/run.sh", long_dir,  long_dir + "/x.txt",
                                       "empty",      "link",    "longlink"};
  // The deep path's directories come too.
  expected.push_back(long_dir + "/" + std::string(90, 'e'));
  expected.push_back(longer);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(tarNames(archive), expected);

  ASSERT_TRUE(
      shell("mkdir -p " + out.path() + "/x && tar -xf " + archive + " -C " + out.path() + "/x")
          .second);
  EXPECT_EQ(readFile(out.path() + "/x/a.txt"), "alpha\n");
  EXPECT_EQ(readFile(out.path() + "/x/" + longer), "deep");
  EXPECT_EQ(readFile(out.path() + "/x/big.bin"), big);
  struct stat st;
  ASSERT_EQ(::stat((out.path() + "/x/bin/run.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  char buf[256] = {};
  ASSERT_GT(::readlink((out.path() + "/x/link").c_str(), buf, sizeof buf), 0);
  EXPECT_STREQ(buf, "a.txt");
  std::fill(std::begin(buf), std::end(buf), 0);
  ASSERT_GT(::readlink((out.path() + "/x/longlink").c_str(), buf, sizeof buf), 0);
  EXPECT_EQ(std::string(buf), long_target);
  (void)empty_dir;
}

TEST(Tar, WritesTheSameBytesForAnUnchangedTree) {
  TempTree src;
  src.write("ctx/a", "1");
  src.write("ctx/d/b", "2");
  src.write("ctx/d/c", "3");
  ArchiveSource first(contextSpec(src, {}));
  ArchiveSource second(contextSpec(src, {}));
  std::string a = drain(first, 7), b = drain(second, 100000);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size() % kTarBlock, 0u);
}

TEST(Tar, ChecksumsAndOctalFieldsAreWhatTarExpects) {
  std::string out;
  appendTarHeader({"name", TarType::kFile, 0640, 5, 1700000000, {}}, out);
  ASSERT_EQ(out.size(), kTarBlock);
  EXPECT_EQ(out.substr(257, 5), "ustar");
  EXPECT_EQ(out.substr(124, 11), "00000000005");
  EXPECT_EQ(out.substr(100, 7), "0000640");
  unsigned sum = 0;
  for (std::size_t i = 0; i < kTarBlock; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)out[i];
  EXPECT_EQ(std::stoul(out.substr(148, 6), nullptr, 8), sum);
}

TEST(BuildContext, FiltersWithDockerignoreNegationOnlyAndNeverSendsGit) {
  TempTree src, out;
  src.write("ctx/Dockerfile", "FROM scratch\n");
  src.write("ctx/main.go", "package main");
  src.write("ctx/notes.md", "x");
  src.write("ctx/README.md", "keep me");
  src.write("ctx/.git/HEAD", "ref");
  src.write("ctx/sub/.git", "gitdir: x");
  src.write("ctx/sub/a.go", "a");
  src.write("ctx/tmp/junk", "j");
  src.write("ctx/node_modules/lib/index.js", "js");
  src.write("ctx/node_modules/keep/index.js", "js");
  std::string archive = writeArchive(
      contextSpec(src, {"*.md", "!README.md", "tmp", "node_modules", "!node_modules/keep"}), out);
  std::vector<std::string> expected = {
      "Dockerfile", "README.md", "main.go", "node_modules/keep", "node_modules/keep/index.js",
      "sub",        "sub/a.go"};
  EXPECT_EQ(tarNames(archive), expected);

  // only: the paths under an only path, plus the directories that lead to them.
  std::string only_archive =
      writeArchive(contextSpec(src, {"*.md"}, {"sub/a.go", "node_modules/lib"}), out);
  std::vector<std::string> only_expected = {"node_modules", "node_modules/lib",
                                            "node_modules/lib/index.js", "sub", "sub/a.go"};
  EXPECT_EQ(tarNames(only_archive), only_expected);
}

TEST(BuildContext, NeverLooksInsideAnIgnoredDirectory) {
  TempTree src, out;
  src.write("ctx/app.py", "print(1)");
  for (int i = 0; i < 300; ++i) src.write("ctx/node_modules/m" + std::to_string(i) + "/f", "x");
  ArchiveSource source(contextSpec(src, {"node_modules"}));
  std::string bytes = drain(source, 64 * 1024);
  // app.py and node_modules itself: nothing below it is even stat'ed.
  EXPECT_EQ(source.stats().lstat_calls, 3u);  // the root, app.py, node_modules
  EXPECT_EQ(source.stats().entries, 1u);
}

TEST(BuildContext, PutsExtraFilesFirstAndLeavesOutTheWalkedFileOfTheSameName) {
  TempTree src, out;
  src.write("ctx/Dockerfile.slant-generated", "stale");
  src.write("ctx/a", "a");
  ArchiveSpec spec = contextSpec(src, {});
  spec.extra_files.emplace_back("Dockerfile.slant-generated", "FROM scratch\n");
  std::string archive = writeArchive(std::move(spec), out);
  auto [listing, ok] = shell("tar -tf " + archive);
  EXPECT_EQ(listing, "Dockerfile.slant-generated\na\n");
  ASSERT_TRUE(shell("tar -xf " + archive + " -C " + out.path()).second);
  EXPECT_EQ(readFile(out.path() + "/Dockerfile.slant-generated"), "FROM scratch\n");
}

TEST(BuildContext, KeepsEachFillNearItsLimit) {
  TempTree src;
  for (int i = 0; i < 50; ++i) src.write("ctx/f" + std::to_string(i), std::string(100000, 'x'));
  src.write("ctx/huge", std::string(5 * 1024 * 1024, 'h'));
  ArchiveSource source(contextSpec(src, {}));
  std::size_t biggest = 0;
  std::string bytes = drain(source, 256 * 1024, nullptr, &biggest);
  EXPECT_GT(bytes.size(), 9u * 1024 * 1024);
  // A fill may overshoot by at most one whole small file (read whole) and its header.
  EXPECT_LE(biggest, 256u * 1024 + kWholeFileBytes + 2 * kTarBlock);
}

TEST(LiveUpdateArchive, NamesEntriesByTheirRemotePathAndSkipsVanishedFiles) {
  TempTree src, out;
  src.write("src/app.js", "v2");
  src.write("src/lib/util.js", "u");
  src.write("src/lib/util.test.js", "t");
  src.write("config.json", "{}");
  ArchiveSpec spec;
  spec.roots.push_back({src.path() + "/src", archiveNameForRemote("/app/src/")});
  spec.roots.push_back({src.path() + "/config.json", archiveNameForRemote("/etc/app/config.json")});
  spec.roots.push_back({src.path() + "/gone.txt", archiveNameForRemote("/app/gone.txt")});
  spec.ignore = *watch::IgnoreMatcher::compile({src.path() + "/**/*.test.js"});
  std::string archive = writeArchive(std::move(spec), out);
  std::vector<std::string> expected = {"app/src", "app/src/app.js", "app/src/lib",
                                       "app/src/lib/util.js", "etc/app/config.json"};
  EXPECT_EQ(tarNames(archive), expected);
}

TEST(LiveUpdateArchive, ReportsAnUnreadableDirectoryByItsPath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  TempTree src;
  std::string d = src.mkdir("ctx/secret");
  ::chmod(d.c_str(), 0);
  ArchiveSource source(contextSpec(src, {}));
  std::string error;
  drain(source, 4096, &error);
  ::chmod(d.c_str(), 0755);
  EXPECT_NE(error.find(d), std::string::npos) << error;
}

}  // namespace
}  // namespace slant::docker
