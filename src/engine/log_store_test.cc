#include "engine/log_store.h"

#include <gtest/gtest.h>

namespace slant::engine {
namespace {

LogLine line(std::string resource, std::string text) {
  LogLine l;
  l.resource = std::move(resource);
  l.text = std::move(text);
  return l;
}

TEST(LogStore, NumbersLinesAndFiltersByResourceAndCursor) {
  LogStore store;
  store.append(line("a", "one"));
  store.append(line("b", "two"));
  store.append(line("a", "three"));
  LogPage page = store.query({.after_seq = 1, .resources = {"a"}});
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.lines[0].text, "three");
  EXPECT_EQ(page.lines[0].seq, 3u);
  EXPECT_EQ(page.last_seq, 3u);
  EXPECT_EQ(page.dropped, 0u);
  EXPECT_EQ(store.query({.limit = 2}).lines.size(), 2u);
}

TEST(LogStore, DropsTheOldestLinesToHalfTheCapAndCountsThem) {
  LogStore store(10'000);
  for (int i = 0; i < 1000; ++i) store.append(line("a", std::string(50, 'x') + std::to_string(i)));
  EXPECT_LE(store.bytes(), 10'000u);
  EXPECT_GT(store.droppedLines(), 0u);
  LogPage page = store.query({});
  EXPECT_EQ(page.dropped, store.droppedLines());
  EXPECT_EQ(page.lines.back().text, std::string(50, 'x') + "999");
  EXPECT_EQ(page.lines.front().seq, store.droppedLines() + 1);
}

TEST(LogStore, TailsOneResource) {
  LogStore store;
  for (int i = 0; i < 5; ++i) {
    store.append(line("a", "a" + std::to_string(i)));
    store.append(line("b", "b" + std::to_string(i)));
  }
  auto tail = store.tail("b", 2);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].text, "b3");
  EXPECT_EQ(tail[1].text, "b4");
}

}  // namespace
}  // namespace slant::engine
