// Tests of the bump allocator behind syntax trees and compiled programs.
#include "starlark/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace slant::starlark {
namespace {

struct Thing {};

// Records its destruction in a shared log.
struct Logged : Thing {
  Logged(std::vector<int>& log, int id) : log(log), id(id) {}
  ~Logged() { log.push_back(id); }
  std::vector<int>& log;
  int id;
};

// Takes a whole block's worth of space.
struct Large : Thing {
  std::byte bytes[40 * 1024];
};

TEST(Arena, DestroysObjectsInReverseOrderOfCreation) {
  std::vector<int> log;
  {
    Arena<Thing> arena;
    for (int i = 0; i < 3; ++i) {
      arena.make<Logged>(log, i);
      arena.make<Thing>();  // nothing to destroy, but listed
    }
    EXPECT_EQ(arena.objects().size(), 6u);
  }
  EXPECT_EQ(log, (std::vector<int>{2, 1, 0}));
}

TEST(Arena, MakesValueInitialisedArraysAndCopies) {
  Arena<Thing> arena;
  std::span<int32_t> zeros = arena.makeArray<int32_t>(5);
  ASSERT_EQ(zeros.size(), 5u);
  for (int32_t z : zeros) EXPECT_EQ(z, 0);
  EXPECT_TRUE(arena.makeArray<int32_t>(0).empty());
  std::vector<std::string_view> names = {"a", "bc"};
  std::span<std::string_view> copy = arena.copyArray(std::span<const std::string_view>(names));
  names.clear();
  EXPECT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy[1], "bc");
}

TEST(Arena, ServesAllocationsLargerThanABlockWithoutLosingTheCurrentBlock) {
  Arena<Thing> arena;
  int32_t* before = arena.makeTrivial<int32_t>(1);
  std::span<std::byte> big = arena.makeArray<std::byte>(200 * 1024);
  int32_t* after = arena.makeTrivial<int32_t>(2);
  EXPECT_EQ(big.size(), 200u * 1024);
  // The small allocations share the block the first one opened.
  EXPECT_LT(reinterpret_cast<uintptr_t>(after) - reinterpret_cast<uintptr_t>(before), 64u);
  EXPECT_EQ(*before, 1);
  EXPECT_EQ(*after, 2);
}

TEST(Arena, TheNextArenaOnTheThreadReusesTheBlocksOfTheLastOne) {
  std::vector<const void*> first;
  {
    Arena<Thing> arena;
    for (int i = 0; i < 4; ++i) first.push_back(arena.make<Large>());
  }
  Arena<Thing> again;
  std::vector<const void*> second;
  for (int i = 0; i < 4; ++i) second.push_back(again.make<Large>());
  // Each Large opens a block of its own; the second arena gets the first one's blocks back, last
  // given first.
  EXPECT_EQ(second, (std::vector<const void*>(first.rbegin(), first.rend())));
}

}  // namespace
}  // namespace slant::starlark
