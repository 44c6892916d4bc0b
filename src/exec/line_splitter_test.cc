#include "exec/line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace slant::exec {
namespace {

struct Lines {
  std::vector<std::string> got;
  LineSplitter::Emit emit() {
    return [this](std::string_view line) { got.emplace_back(line); };
  }
};

TEST(LineSplitter, SplitsAtNewlinesAcrossChunks) {
  LineSplitter s;
  Lines l;
  s.feed("one\ntw", l.emit());
  s.feed("o\n\nthr", l.emit());
  s.feed("ee\n", l.emit());
  s.finish(l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"one", "two", "", "three"}));
}

TEST(LineSplitter, DropsTheCarriageReturnOfCrlfEndingsEvenAcrossChunks) {
  LineSplitter s;
  Lines l;
  s.feed("a\r\nb\r", l.emit());
  s.feed("\nc\rd\n", l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"a", "b", "c\rd"}));
}

TEST(LineSplitter, DeliversAnUnterminatedLastLineAtTheEnd) {
  LineSplitter s;
  Lines l;
  s.feed("a\nlast", l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"a"}));
  s.finish(l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"a", "last"}));
  s.finish(l.emit());
  EXPECT_EQ(l.got.size(), 2u);
}

TEST(LineSplitter, CutsLinesLongerThanTheCap) {
  LineSplitter s(10);
  Lines l;
  s.feed(std::string(25, 'x') + "\n", l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{std::string(10, 'x'), std::string(10, 'x'),
                                             std::string(5, 'x')}));
}

TEST(LineSplitter, CutsALongLineThatNeverEndsWithoutHoldingItAll) {
  LineSplitter s(10);
  Lines l;
  for (int i = 0; i < 7; ++i) s.feed("xxx", l.emit());
  // 21 bytes fed: two full pieces out, the rest kept (at most the cap plus one byte).
  EXPECT_EQ(l.got, (std::vector<std::string>{std::string(10, 'x')}));
  s.feed("\n", l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{std::string(10, 'x'), std::string(10, 'x'), "x"}));
}

TEST(LineSplitter, KeepsTheCarriageReturnRuleAtTheCap) {
  LineSplitter s(4);
  Lines l;
  s.feed("abcd\r", l.emit());
  s.feed("\n", l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"abcd"}));
}

TEST(LineSplitter, DoesNotCutInsideAUtf8Character) {
  LineSplitter s(5);
  Lines l;
  // "ab" then a 4-byte character (U+1F600): a cut at 5 bytes would split it.
  s.feed(
      "ab\xF0\x9F\x98\x80"
      "cd\n",
      l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"ab",
                                             "\xF0\x9F\x98\x80"
                                             "c",
                                             "d"}));
}

TEST(LineSplitter, PassesInvalidUtf8Through) {
  LineSplitter s(4);
  Lines l;
  s.feed("\xFF\xFE\x80\x80\x80\x80\x80\n", l.emit());
  EXPECT_EQ(l.got, (std::vector<std::string>{"\xFF\xFE\x80\x80", "\x80\x80\x80"}));
}

}  // namespace
}  // namespace slant::exec
