#include "watch/inotify_watcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace slant::watch {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Batch = std::vector<std::string>;

constexpr auto kWindow = milliseconds(30);
constexpr auto kTimeout = std::chrono::seconds(10);

// A temporary directory, a real loop, and a watcher on it. Waits are generous (seconds) and end as
// soon as what they wait for has happened.
class InotifyWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // tmpfs when there is one: the big trees of some tests take seconds to delete from a disk.
    fs::path base =
        ::access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string tmpl = (base / "slant-watch-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    auto w = InotifyWatcher::create(loop_);
    ASSERT_TRUE(w.has_value()) << w.error();
    watcher_ = std::move(*w);
    watcher_->setErrorHandler(
        [this](engine::WatchId, std::string message) { errors_.push_back(std::move(message)); });
  }
  void TearDown() override {
    watcher_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::string path(std::string_view rel) const { return root_ + "/" + std::string(rel); }
  void write(std::string_view rel, std::string_view text = "x") {
    std::ofstream(path(rel), std::ios::app) << text;
  }
  void mkdirs(std::string_view rel) { fs::create_directories(path(rel)); }

  // Runs the loop until `done` holds or the timeout passes; returns whether it holds.
  bool runUntil(const std::function<bool()>& done, engine::Duration timeout = kTimeout) {
    auto deadline = engine::Clock::now() + timeout;
    while (!done()) {
      if (engine::Clock::now() > deadline) return false;
      if (loop_.io().stopped()) loop_.io().restart();
      loop_.io().run_one_for(milliseconds(20));
    }
    return true;
  }
  // Runs the loop for a while, for checks that nothing (more) arrives.
  void runFor(engine::Duration d) {
    auto deadline = engine::Clock::now() + d;
    while (engine::Clock::now() < deadline) {
      if (loop_.io().stopped()) loop_.io().restart();
      loop_.io().run_one_for(milliseconds(10));
    }
  }

  engine::WatchId watch(std::vector<std::string> paths, std::vector<std::string> ignore = {},
                        std::vector<Batch>* into = nullptr) {
    std::vector<Batch>* out = into ? into : &batches_;
    engine::WatchId id = watcher_->watch(engine::WatchSpec{std::move(paths), std::move(ignore)},
                                         kWindow, [out](Batch b) { out->push_back(std::move(b)); });
    settle();
    return id;
  }
  void settle() {
    bool settled = false;
    watcher_->whenSettled([&] { settled = true; });
    ASSERT_TRUE(runUntil([&] { return settled; }));
  }

  // Waits until the union of the batches received contains every path of `want`; returns it.
  std::set<std::string> waitForPaths(const std::set<std::string>& want,
                                     std::vector<Batch>* from = nullptr) {
    std::vector<Batch>& batches = from ? *from : batches_;
    std::set<std::string> seen;
    runUntil([&] {
      for (const auto& b : batches) seen.insert(b.begin(), b.end());
      return std::includes(seen.begin(), seen.end(), want.begin(), want.end());
    });
    for (const auto& b : batches) seen.insert(b.begin(), b.end());
    return seen;
  }
  // Writes a sentinel file and waits for it, so that every earlier event has been delivered;
  // returns the union of the batches since the last call (sentinel included).
  std::set<std::string> drainWith(std::string_view sentinel_rel) {
    write(sentinel_rel);
    auto seen = waitForPaths({path(sentinel_rel)});
    runFor(kWindow * 3);
    for (const auto& b : batches_) seen.insert(b.begin(), b.end());
    batches_.clear();
    return seen;
  }

  engine::AsioLoop loop_;
  std::string root_;
  std::unique_ptr<InotifyWatcher> watcher_;
  std::vector<Batch> batches_;
  std::vector<std::string> errors_;
};

TEST_F(InotifyWatcherTest, ReportsCreatedModifiedAndDeletedFiles) {
  write("a.txt");
  watch({root_});
  write("b.txt");
  EXPECT_EQ(waitForPaths({path("b.txt")}), std::set<std::string>{path("b.txt")});
  batches_.clear();
  write("a.txt", "more");
  EXPECT_EQ(waitForPaths({path("a.txt")}), std::set<std::string>{path("a.txt")});
  batches_.clear();
  fs::remove(path("a.txt"));
  EXPECT_EQ(waitForPaths({path("a.txt")}), std::set<std::string>{path("a.txt")});
  EXPECT_TRUE(errors_.empty());
}

TEST_F(InotifyWatcherTest, DeliversOneSortedBatchForABurst) {
  watch({root_});
  for (const char* f : {"c", "a", "b", "a", "c"}) write(f);
  ASSERT_TRUE(runUntil([&] { return !batches_.empty(); }));
  runFor(kWindow * 3);
  ASSERT_EQ(batches_.size(), 1u);
  EXPECT_EQ(batches_[0], (Batch{path("a"), path("b"), path("c")}));
}

TEST_F(InotifyWatcherTest, ReportsBothNamesOfARename) {
  write("old.txt");
  watch({root_});
  fs::rename(path("old.txt"), path("new.txt"));
  EXPECT_EQ(waitForPaths({path("old.txt"), path("new.txt")}),
            (std::set<std::string>{path("old.txt"), path("new.txt")}));
}

TEST_F(InotifyWatcherTest, FollowsNewNestedDirectoriesAndWhatIsAlreadyInThem) {
  watch({root_});
  // Created faster than the watcher can add watches: the files must come from the scan.
  mkdirs("x/y/z");
  write("x/y/z/f.txt");
  write("x/y/g.txt");
  std::set<std::string> want = {path("x"), path("x/y"), path("x/y/z"), path("x/y/z/f.txt"),
                                path("x/y/g.txt")};
  EXPECT_EQ(waitForPaths(want), want);
  runFor(kWindow * 3);
  batches_.clear();
  settle();
  EXPECT_EQ(watcher_->watchedDirectories(), 4u);
  write("x/y/z/later.txt");
  EXPECT_EQ(waitForPaths({path("x/y/z/later.txt")}),
            std::set<std::string>{path("x/y/z/later.txt")});
}

TEST_F(InotifyWatcherTest, ReportsTheFilesOfADirectoryMovedInAndWatchesIt) {
  std::string outside = root_ + "-outside";
  fs::create_directories(outside + "/tree/sub");
  std::ofstream(outside + "/tree/sub/f.txt") << "x";
  mkdirs("w");
  watch({path("w")});
  fs::rename(outside + "/tree", path("w/tree"));
  std::set<std::string> want = {path("w/tree"), path("w/tree/sub"), path("w/tree/sub/f.txt")};
  EXPECT_EQ(waitForPaths(want), want);
  batches_.clear();
  settle();
  write("w/tree/sub/g.txt");
  EXPECT_EQ(waitForPaths({path("w/tree/sub/g.txt")}),
            std::set<std::string>{path("w/tree/sub/g.txt")});
  fs::remove_all(outside);
}

TEST_F(InotifyWatcherTest, FollowsADirectoryRenamedInsideTheTree) {
  mkdirs("a/deep");
  watch({root_});
  fs::rename(path("a"), path("b"));
  EXPECT_EQ(waitForPaths({path("a"), path("b"), path("b/deep")}),
            (std::set<std::string>{path("a"), path("b"), path("b/deep")}));
  batches_.clear();
  settle();
  EXPECT_EQ(watcher_->watchedDirectories(), 3u);
  write("b/deep/f");
  // Reported under its new name only (the old watch would have said a/deep/f).
  auto seen = drainWith("sentinel");
  EXPECT_EQ(seen, (std::set<std::string>{path("b/deep/f"), path("sentinel")}));
}

TEST_F(InotifyWatcherTest, DropsTheWatchesOfDeletedDirectories) {
  mkdirs("d/e/f");
  mkdirs("keep");
  watch({root_});
  EXPECT_EQ(watcher_->watchedDirectories(), 5u);
  fs::remove_all(path("d"));
  waitForPaths({path("d")});
  ASSERT_TRUE(runUntil([&] { return watcher_->watchedDirectories() == 2u; }))
      << watcher_->watchedDirectories();
}

TEST_F(InotifyWatcherTest, WatchesAPathThatAppearsLater) {
  watch({path("a/b/c")});
  write("unrelated.txt");
  mkdirs("a/b");
  runFor(kWindow * 3);
  EXPECT_TRUE(batches_.empty());
  mkdirs("a/b/c/d");
  write("a/b/c/d/f.txt");
  std::set<std::string> want = {path("a/b/c"), path("a/b/c/d"), path("a/b/c/d/f.txt")};
  EXPECT_EQ(waitForPaths(want), want);
  batches_.clear();
  settle();
  write("a/b/c/g.txt");
  EXPECT_EQ(waitForPaths({path("a/b/c/g.txt")}), std::set<std::string>{path("a/b/c/g.txt")});
}

TEST_F(InotifyWatcherTest, WatchesAFileThatAppearsLater) {
  watch({path("later/config.yaml")});
  mkdirs("later");
  write("later/other.yaml");
  write("later/config.yaml");
  auto seen = waitForPaths({path("later/config.yaml")});
  runFor(kWindow * 3);
  for (const auto& b : batches_) seen.insert(b.begin(), b.end());
  EXPECT_EQ(seen, std::set<std::string>{path("later/config.yaml")});
}

TEST_F(InotifyWatcherTest, WatchesASingleFileOnly) {
  write("Tiltfile");
  write("other");
  mkdirs("sub");
  watch({path("Tiltfile")});
  write("other");
  write("sub/x");
  write("Tiltfile", "changed");
  auto seen = waitForPaths({path("Tiltfile")});
  runFor(kWindow * 3);
  for (const auto& b : batches_) seen.insert(b.begin(), b.end());
  EXPECT_EQ(seen, std::set<std::string>{path("Tiltfile")});
  EXPECT_EQ(watcher_->watchedDirectories(), 1u);  // the file's directory, not its subdirectories
}

TEST_F(InotifyWatcherTest, FallsBackWhenAWatchedDirectoryIsDeletedAndSeesItComeBack) {
  mkdirs("svc/src");
  watch({path("svc")});
  fs::remove_all(path("svc"));
  waitForPaths({path("svc")});
  batches_.clear();
  mkdirs("svc/src");
  write("svc/src/main.go");
  std::set<std::string> want = {path("svc"), path("svc/src"), path("svc/src/main.go")};
  EXPECT_EQ(waitForPaths(want), want);
  batches_.clear();
  settle();
  write("svc/src/main.go", "edit");
  EXPECT_EQ(waitForPaths({path("svc/src/main.go")}),
            std::set<std::string>{path("svc/src/main.go")});
}

TEST_F(InotifyWatcherTest, NeverDescendsIntoIgnoredDirectories) {
  for (int i = 0; i < 20; ++i) mkdirs("node_modules/pkg" + std::to_string(i) + "/lib");
  mkdirs(".git/objects/ab");
  mkdirs("src");
  watch({root_}, {path("node_modules")});
  EXPECT_EQ(watcher_->watchedDirectories(), 2u);  // the root and src/
  write("node_modules/pkg1/lib/index.js");
  write("node_modules/new.js");
  write(".git/index");
  write("src/main.js");
  EXPECT_EQ(drainWith("src/sentinel"),
            (std::set<std::string>{path("src/main.js"), path("src/sentinel")}));
  // A new directory under an ignored one is not followed either.
  mkdirs("node_modules/pkg99/lib");
  drainWith("src/sentinel2");
  EXPECT_EQ(watcher_->watchedDirectories(), 2u);
}

TEST_F(InotifyWatcherTest, BringsBackWhatANegatedPatternKeeps) {
  mkdirs("build/keep");
  mkdirs("build/tmp");
  watch({root_}, {path("build"), "!" + path("build/keep")});
  EXPECT_EQ(watcher_->watchedDirectories(), 3u);  // root, build (to reach keep), build/keep
  write("build/tmp/x.o");
  write("build/y.o");
  write("build/keep/app.bin");
  EXPECT_EQ(drainWith("sentinel"),
            (std::set<std::string>{path("build/keep/app.bin"), path("sentinel")}));
}

TEST_F(InotifyWatcherTest, IgnoresEditorTemporaryFiles) {
  watch({root_});
  for (const char* f : {".main.go.swp", "4913", "main.go~", ".#main.go", "#main.go#",
                        "main.go___jb_tmp___", "x-go-tmp-umask"}) {
    write(f);
  }
  write("main.go");
  EXPECT_EQ(drainWith("sentinel"), (std::set<std::string>{path("main.go"), path("sentinel")}));
}

TEST_F(InotifyWatcherTest, BatchesAVimStyleSaveIntoTheSavedFile) {
  write("main.go", "v1");
  watch({root_});
  // What vim does on :w with 'backupcopy=auto': probe, rename the original away, write the new
  // file, copy the mode, remove the backup.
  write("4913");
  fs::remove(path("4913"));
  fs::rename(path("main.go"), path("main.go~"));
  write("main.go", "v2");
  fs::permissions(path("main.go"), fs::perms::owner_read | fs::perms::owner_write);
  fs::remove(path("main.go~"));
  ASSERT_TRUE(runUntil([&] { return !batches_.empty(); }));
  runFor(kWindow * 3);
  ASSERT_EQ(batches_.size(), 1u);
  EXPECT_EQ(batches_[0], Batch{path("main.go")});
}

TEST_F(InotifyWatcherTest, GivesOverlappingWatchesTheirOwnFilteredBatches) {
  mkdirs("src/gen");
  std::vector<Batch> all;
  std::vector<Batch> no_gen;
  watch({root_}, {}, &all);
  watch({path("src")}, {path("src/gen")}, &no_gen);
  EXPECT_EQ(watcher_->watchedDirectories(), 3u);  // shared
  write("src/gen/x.go");
  write("src/main.go");
  write("top.txt");
  std::set<std::string> want_all = {path("src/gen/x.go"), path("src/main.go"), path("top.txt")};
  EXPECT_EQ(waitForPaths(want_all, &all), want_all);
  EXPECT_EQ(waitForPaths({path("src/main.go")}, &no_gen),
            std::set<std::string>{path("src/main.go")});
}

TEST_F(InotifyWatcherTest, ReportsChangesUnderEachNameOfASymlinkedDirectory) {
  mkdirs("real/sub");
  fs::create_directory_symlink(path("real"), path("link"));
  std::vector<Batch> via_link;
  std::vector<Batch> via_real;
  watch({path("link")}, {}, &via_link);
  watch({path("real")}, {}, &via_real);
  EXPECT_EQ(watcher_->watchedDirectories(), 2u);  // one kernel watch per directory, two names
  write("real/sub/f");
  EXPECT_EQ(waitForPaths({path("link/sub/f")}, &via_link),
            std::set<std::string>{path("link/sub/f")});
  EXPECT_EQ(waitForPaths({path("real/sub/f")}, &via_real),
            std::set<std::string>{path("real/sub/f")});
}

TEST_F(InotifyWatcherTest, FollowsAWatchedDirectoryMovedAwayAndBack) {
  mkdirs("svc/src");
  watch({path("svc")});
  fs::rename(path("svc"), path("svc.old"));
  waitForPaths({path("svc")});
  write("svc.old/src/ignored-now");  // no longer under the watched path
  runFor(kWindow * 3);
  batches_.clear();
  fs::rename(path("svc.old"), path("svc"));
  std::set<std::string> want = {path("svc"), path("svc/src"), path("svc/src/ignored-now")};
  EXPECT_EQ(waitForPaths(want), want);
  batches_.clear();
  settle();
  write("svc/src/after");
  EXPECT_EQ(waitForPaths({path("svc/src/after")}), std::set<std::string>{path("svc/src/after")});
}

TEST_F(InotifyWatcherTest, StopsDeliveringAfterUnwatchAndReleasesTheWatches) {
  mkdirs("a/b");
  engine::WatchId id = watch({root_});
  EXPECT_EQ(watcher_->watchedDirectories(), 3u);
  write("a/b/f");
  watcher_->unwatch(id);
  EXPECT_EQ(watcher_->watchedDirectories(), 0u);
  runFor(kWindow * 4);
  EXPECT_TRUE(batches_.empty());
  // The watcher keeps working for new watches.
  watch({path("a")});
  write("a/b/g");
  EXPECT_EQ(waitForPaths({path("a/b/g")}), std::set<std::string>{path("a/b/g")});
}

TEST_F(InotifyWatcherTest, LetsTheBatchCallbackUnwatch) {
  engine::WatchId id = 0;
  int calls = 0;
  id = watcher_->watch(engine::WatchSpec{{root_}, {}}, kWindow, [&](Batch) {
    ++calls;
    watcher_->unwatch(id);
  });
  settle();
  write("f");
  ASSERT_TRUE(runUntil([&] { return calls == 1; }));
  write("g");
  runFor(kWindow * 4);
  EXPECT_EQ(calls, 1);
}

TEST_F(InotifyWatcherTest, ReportsMalformedIgnorePatternsAndKeepsTheOthers) {
  watch({root_}, {path("["), path("*.log")});
  ASSERT_TRUE(runUntil([&] { return !errors_.empty(); }));
  EXPECT_NE(errors_[0].find("malformed ignore pattern"), std::string::npos) << errors_[0];
  write("x.log");
  EXPECT_EQ(drainWith("sentinel"), std::set<std::string>{path("sentinel")});
}

TEST_F(InotifyWatcherTest, ReportsAnOverflowAsTheWatchedPathsChanged) {
  long queue = inotifyLimit("max_queued_events");
  if (queue <= 0 || queue > 100'000) GTEST_SKIP() << "max_queued_events is " << queue;
  mkdirs("busy");
  watch({path("busy")});
  // Without running the loop, queue more events than the kernel keeps (each file: create,
  // modify, close).
  for (long i = 0; i < queue / 2 + 100; ++i) {
    int fd = ::open(path("busy/f" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "x", 1), 1);
    ::close(fd);
  }
  auto seen = waitForPaths({path("busy")});
  EXPECT_TRUE(seen.contains(path("busy")));
  ASSERT_TRUE(runUntil([&] { return !errors_.empty(); }));
  EXPECT_NE(errors_[0].find("fs.inotify.max_queued_events"), std::string::npos) << errors_[0];
  // And the watch still works.
  batches_.clear();
  settle();
  write("busy/after");
  EXPECT_TRUE(waitForPaths({path("busy/after")}).contains(path("busy/after")));
}

TEST_F(InotifyWatcherTest, UnwatchingMoreDirectoriesThanTheQueueHoldsCausesNoOverflow) {
  // Each removed inotify watch queues an IN_IGNORED event; removing them all at once would
  // overflow the queue and make every other watch report everything as changed.
  long queue = inotifyLimit("max_queued_events");
  if (queue <= 0 || queue > 40'000) GTEST_SKIP() << "max_queued_events is " << queue;
  for (long i = 0; i < queue + 1000; ++i) {
    ASSERT_EQ(::mkdir(path("big-" + std::to_string(i / 100)).c_str(), 0755) == 0 || errno == EEXIST,
              true);
    ASSERT_EQ(
        ::mkdir(path("big-" + std::to_string(i / 100) + "/" + std::to_string(i)).c_str(), 0755), 0);
  }
  mkdirs("small");
  engine::WatchId big = watch({root_}, {path("small")});
  ASSERT_GT(watcher_->watchedDirectories(), static_cast<std::size_t>(queue));
  std::vector<Batch> small_batches;
  watch({path("small")}, {}, &small_batches);
  watcher_->unwatch(big);
  EXPECT_EQ(watcher_->watchedDirectories(), 1u);
  runFor(milliseconds(1500));
  EXPECT_TRUE(errors_.empty()) << errors_[0];
  EXPECT_TRUE(small_batches.empty());
  write("small/f");
  EXPECT_EQ(waitForPaths({path("small/f")}, &small_batches),
            std::set<std::string>{path("small/f")});
}

TEST_F(InotifyWatcherTest, ObservesEveryAcceptedChangeBeforeDebouncing) {
  std::vector<std::string> seen;
  watcher_->setChangeObserver([&](engine::WatchId, std::string_view p) { seen.emplace_back(p); });
  watch({root_}, {path("*.tmp")});
  write("a.tmp");
  write("b");
  ASSERT_TRUE(runUntil([&] { return !seen.empty(); }));
  runFor(kWindow);
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [&](const auto& p) { return p == path("b"); }));
}

TEST_F(InotifyWatcherTest, RefusesToWatchTheRootDirectory) {
  watch({"/"});
  ASSERT_TRUE(runUntil([&] { return !errors_.empty(); }));
  EXPECT_NE(errors_[0].find("root directory"), std::string::npos);
  EXPECT_EQ(watcher_->watchedDirectories(), 0u);
}

}  // namespace
}  // namespace slant::watch
