#include "cli/log_format.h"

#include <gtest/gtest.h>

namespace slant::cli {
namespace {

TEST(LogFormat, RightAlignsTheNameInThirteenColumnsAsTiltDoes) {
  EXPECT_EQ(logPrefix("fe"), "           fe │ ");
  EXPECT_EQ(logPrefix("exactly-13-ch"), "exactly-13-ch │ ");
  EXPECT_EQ(logPrefix("a-name-that-is-too-long"), "a-name-that-… │ ");
}

TEST(LogFormat, TheTiltfilesLinesHaveNoPrefix) {
  EXPECT_EQ(logPrefix("(Tiltfile)"), "");
  EXPECT_EQ(logPrefix(""), "");
  engine::LogLine line;
  line.resource = "(Tiltfile)";
  line.text = "Loading Tiltfile at: /w/Tiltfile";
  EXPECT_EQ(formatLogLine(line), "Loading Tiltfile at: /w/Tiltfile");
  line.resource = "api";
  line.text = "listening on :8080";
  EXPECT_EQ(formatLogLine(line), "          api │ listening on :8080");
}

TEST(LogFormat, CountsDisplayColumnsNotBytes) {
  EXPECT_EQ(displayWidth("café"), 4);
  EXPECT_EQ(displayWidth("日本"), 4);
  EXPECT_EQ(logPrefix("café"), "         café │ ");
  // Twelve columns of wide characters do not fit with the ellipsis: six of them (12 columns)
  // do, and the column stays 13 wide.
  EXPECT_EQ(logPrefix("日本語のサービス名前"), "日本語のサー… │ ");
  EXPECT_EQ(displayWidth(logPrefix("日本語のサービス名前")), 16);
  // An odd split leaves a column, which is padded in front.
  EXPECT_EQ(logPrefix("a日本語のサービス名前"), " a日本語のサ… │ ");
  // Bytes that are not UTF-8 count one column each and are kept as they are.
  EXPECT_EQ(logPrefix("\xff\xfe"), "           \xff\xfe │ ");
}

}  // namespace
}  // namespace slant::cli
