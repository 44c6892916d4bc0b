#include "docker/streams.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace slant::docker {
namespace {

const std::string kBuildStream =
    "{\"stream\":\"Step 1/2 : FROM scratch\\n\"}\r\n"
    "{\"stream\":\" ---\\u003e Running in {abc} \\\"quoted\\\" ]\\n\"}\r\n"
    "{\"aux\":{\"ID\":\"sha256:0123\"}}\r\n"
    "{\"errorDetail\":{\"code\":2,\"message\":\"boom\"},\"error\":\"boom\"}\n"
    "[1,[2,{\"a\":[]}]]  \"a string\" 42 true\n";

std::vector<std::string> decodeInPieces(const std::string& stream, std::size_t split1,
                                        std::size_t split2, std::string* error) {
  JsonStreamDecoder d;
  std::vector<std::string> out;
  auto on = [&](const nlohmann::json& m) {
    out.push_back(m.dump());
    return true;
  };
  std::string e = d.feed(stream.substr(0, split1), on);
  if (e.empty()) e = d.feed(stream.substr(split1, split2 - split1), on);
  if (e.empty()) e = d.feed(stream.substr(split2), on);
  // A trailing scalar ends only at a separator: the stream's own "\n" ends "true".
  *error = e;
  return out;
}

TEST(JsonStreamDecoder, DecodesTheSameMessagesWhereverTheChunksSplit) {
  std::string error;
  auto whole = decodeInPieces(kBuildStream, kBuildStream.size(), kBuildStream.size(), &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(whole.size(), 8u);
  EXPECT_EQ(whole[0], R"({"stream":"Step 1/2 : FROM scratch\n"})");
  EXPECT_EQ(whole[2], R"({"aux":{"ID":"sha256:0123"}})");
  EXPECT_EQ(whole[4], R"([1,[2,{"a":[]}]])");
  EXPECT_EQ(whole[5], R"("a string")");
  EXPECT_EQ(whole[6], "42");
  EXPECT_EQ(whole[7], "true");
  for (std::size_t a = 0; a <= kBuildStream.size(); ++a) {
    for (std::size_t b = a; b <= kBuildStream.size(); b += 7) {
      auto got = decodeInPieces(kBuildStream, a, b, &error);
      ASSERT_EQ(error, "") << a << " " << b;
      ASSERT_EQ(got, whole) << "split at " << a << " and " << b;
    }
  }
}

TEST(JsonStreamDecoder, DecodesAStreamFedOneByteAtATime) {
  JsonStreamDecoder d;
  std::vector<std::string> out;
  for (char c : kBuildStream)
    ASSERT_EQ(d.feed(std::string_view(&c, 1),
                     [&](const nlohmann::json& m) {
                       out.push_back(m.dump());
                       return true;
                     }),
              "");
  EXPECT_EQ(out.size(), 8u);
  EXPECT_FALSE(d.pending());
}

TEST(JsonStreamDecoder, ReportsAMessageThatIsNotJson) {
  JsonStreamDecoder d;
  std::string e = d.feed("{\"a\":nope}\n", [](const nlohmann::json&) { return true; });
  EXPECT_NE(e.find("not JSON"), std::string::npos) << e;
}

TEST(JsonStreamDecoder, SaysWhenTheStreamStopsInsideAMessage) {
  JsonStreamDecoder d;
  EXPECT_EQ(d.feed("{\"stream\":\"x", [](const nlohmann::json&) { return true; }), "");
  EXPECT_TRUE(d.pending());
}

std::string frame(std::uint8_t stream, const std::string& payload) {
  std::string f(8, '\0');
  f[0] = static_cast<char>(stream);
  std::uint32_t n = static_cast<std::uint32_t>(payload.size());
  f[4] = static_cast<char>(n >> 24);
  f[5] = static_cast<char>(n >> 16);
  f[6] = static_cast<char>(n >> 8);
  f[7] = static_cast<char>(n);
  return f + payload;
}

TEST(MuxStreamDecoder, SeparatesStdoutAndStderrWhereverTheChunksSplit) {
  std::string big(70000, 'x');
  std::string stream =
      frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "") + frame(1, big) + frame(2, "bye");
  for (std::size_t step : {1ul, 3ul, 8ul, 9ul, 4096ul, stream.size()}) {
    MuxStreamDecoder d;
    std::string out, err;
    for (std::size_t i = 0; i < stream.size(); i += step) {
      ASSERT_EQ(d.feed(std::string_view(stream).substr(i, step),
                       [&](MuxStream s, std::string_view data) {
                         (s == MuxStream::kStderr ? err : out).append(data);
                       }),
                "");
    }
    EXPECT_EQ(out, "hello\n" + big) << step;
    EXPECT_EQ(err, "oops\nbye") << step;
    EXPECT_FALSE(d.pending());
  }
}

TEST(MuxStreamDecoder, RejectsAnUnknownStreamType) {
  MuxStreamDecoder d;
  std::string e = d.feed(frame(7, "x"), [](MuxStream, std::string_view) {});
  EXPECT_NE(e.find("unknown stream type 7"), std::string::npos) << e;
}

}  // namespace
}  // namespace slant::docker
