#include "watch/debouncer.h"

#include <gtest/gtest.h>

#include <memory>

#include "engine/fake_loop.h"

namespace slant::watch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Batch = std::vector<std::string>;

struct Fixture {
  engine::FakeLoop loop;
  std::vector<Batch> batches;
  std::vector<engine::TimePoint> times;
  Debouncer debouncer{loop, milliseconds(200), seconds(10), [this](Batch b) {
                        batches.push_back(std::move(b));
                        times.push_back(loop.now());
                      }};
};

TEST(Debouncer, DeliversOnceTheWindowHasBeenQuiet) {
  Fixture f;
  engine::TimePoint start = f.loop.now();
  f.debouncer.add("/p/a");
  f.loop.advance(milliseconds(150));
  f.debouncer.add("/p/b");
  f.loop.advance(milliseconds(199));
  EXPECT_TRUE(f.batches.empty());
  EXPECT_TRUE(f.debouncer.open());
  f.loop.advance(milliseconds(1));
  ASSERT_EQ(f.batches.size(), 1u);
  EXPECT_EQ(f.batches[0], (Batch{"/p/a", "/p/b"}));
  EXPECT_EQ(f.times[0] - start, milliseconds(350));
  EXPECT_FALSE(f.debouncer.open());
  EXPECT_EQ(f.loop.pendingTimers(), 0u);
}

TEST(Debouncer, BatchesAnEditorSave) {
  // vim's :w: a probe file, a backup rename, the new file, a chmod, the backup's removal, each a
  // few milliseconds apart; the batch is sorted and unique.
  Fixture f;
  for (const char* p : {"/p/4913", "/p/4913", "/p/main.go", "/p/main.go~", "/p/main.go",
                        "/p/main.go", "/p/main.go~"}) {
    f.debouncer.add(p);
    f.loop.advance(milliseconds(3));
  }
  f.loop.advance(seconds(1));
  ASSERT_EQ(f.batches.size(), 1u);
  EXPECT_EQ(f.batches[0], (Batch{"/p/4913", "/p/main.go", "/p/main.go~"}));
}

TEST(Debouncer, SeparatesChangesFartherApartThanTheWindow) {
  Fixture f;
  f.debouncer.add("/p/a");
  f.loop.advance(milliseconds(250));
  f.debouncer.add("/p/b");
  f.loop.advance(milliseconds(250));
  ASSERT_EQ(f.batches.size(), 2u);
  EXPECT_EQ(f.batches[0], Batch{"/p/a"});
  EXPECT_EQ(f.batches[1], Batch{"/p/b"});
}

TEST(Debouncer, CapsABatchThatNeverGoesQuiet) {
  Fixture f;
  engine::TimePoint start = f.loop.now();
  for (int i = 0; i < 150; ++i) {  // a change every 100 ms for 15 s
    f.debouncer.add("/p/log" + std::to_string(i));
    f.loop.advance(milliseconds(100));
  }
  ASSERT_GE(f.batches.size(), 1u);
  EXPECT_EQ(f.times[0] - start, seconds(10));
  EXPECT_EQ(f.batches[0].size(), 100u);
  f.loop.advance(seconds(1));
  ASSERT_EQ(f.batches.size(), 2u);
  EXPECT_EQ(f.batches[1].size(), 50u);
}

TEST(Debouncer, CostsNoTimerOperationPerChange) {
  Fixture f;
  for (int i = 0; i < 100'000; ++i) f.debouncer.add("/p/f" + std::to_string(i % 1000));
  EXPECT_EQ(f.loop.pendingTimers(), 2u);  // the quiet window and the cap, nothing more
  EXPECT_EQ(f.debouncer.size(), 1000u);
  f.loop.advance(milliseconds(200));
  ASSERT_EQ(f.batches.size(), 1u);
  EXPECT_EQ(f.batches[0].size(), 1000u);
}

TEST(Debouncer, FlushDeliversAtOnce) {
  Fixture f;
  f.debouncer.flush();
  EXPECT_TRUE(f.batches.empty());
  f.debouncer.add("/p/a");
  f.debouncer.flush();
  ASSERT_EQ(f.batches.size(), 1u);
  EXPECT_EQ(f.loop.pendingTimers(), 0u);
}

TEST(Debouncer, DropsAnOpenBatchWhenDestroyed) {
  engine::FakeLoop loop;
  int delivered = 0;
  auto d = std::make_unique<Debouncer>(loop, milliseconds(200), seconds(10),
                                       [&](Batch) { ++delivered; });
  d->add("/p/a");
  d.reset();
  EXPECT_EQ(loop.pendingTimers(), 0u);
  loop.advance(seconds(20));
  EXPECT_EQ(delivered, 0);
}

TEST(Debouncer, LetsTheCallbackDestroyIt) {
  engine::FakeLoop loop;
  std::unique_ptr<Debouncer> d;
  Batch got;
  d = std::make_unique<Debouncer>(loop, milliseconds(50), seconds(10), [&](Batch b) {
    got = std::move(b);
    d.reset();
  });
  d->add("/p/a");
  loop.advance(milliseconds(50));
  EXPECT_EQ(got, Batch{"/p/a"});
  EXPECT_EQ(d, nullptr);
  EXPECT_EQ(loop.pendingTimers(), 0u);
}

TEST(Debouncer, OpensANewBatchForChangesMadeByTheCallback) {
  engine::FakeLoop loop;
  std::vector<Batch> batches;
  std::unique_ptr<Debouncer> d;
  d = std::make_unique<Debouncer>(loop, milliseconds(50), seconds(10), [&](Batch b) {
    if (batches.empty()) d->add("/p/written-by-the-build");
    batches.push_back(std::move(b));
  });
  d->add("/p/a");
  loop.advance(milliseconds(200));
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1], Batch{"/p/written-by-the-build"});
}

TEST(Debouncer, WithAZeroWindowDeliversOnTheNextTurn) {
  engine::FakeLoop loop;
  std::vector<Batch> batches;
  Debouncer d(loop, milliseconds(0), seconds(10), [&](Batch b) { batches.push_back(b); });
  d.add("/p/b");
  d.add("/p/a");
  EXPECT_TRUE(batches.empty());
  loop.advance(milliseconds(0));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0], (Batch{"/p/a", "/p/b"}));
}

}  // namespace
}  // namespace slant::watch
