#include "docker/dockerfile.h"

#include <gtest/gtest.h>

#include "docker/image_builder.h"

namespace slant::docker {
namespace {

TEST(InjectImageDependencies, RewritesFromAndCopyFromOfBuiltImagesWhateverTheirTag) {
  std::string df =
      "# syntax comment\n"
      "FROM base:1.0 AS build\n"
      "RUN make\n"
      "from --platform=linux/amd64 docker.io/library/base\n"
      "COPY --from=build /out /out\n"
      "COPY --from=gcr.io/x/tools:latest --chown=1:1 /bin/tool /bin/\n"
      "FROM build\n";
  std::map<std::string, std::string> deps = {
      {"base", "base:tilt-0123456789abcdef"},
      {"gcr.io/x/tools", "gcr.io/x/tools:tilt-fedcba9876543210"}};
  auto out = injectImageDependencies(df, deps, {}, "app");
  ASSERT_TRUE(out.has_value()) << out.error();
  EXPECT_EQ(*out,
            "# syntax comment\n"
            "FROM base:tilt-0123456789abcdef AS build\n"
            "RUN make\n"
            "from --platform=linux/amd64 base:tilt-0123456789abcdef\n"
            "COPY --from=build /out /out\n"
            "COPY --from=gcr.io/x/tools:tilt-fedcba9876543210 --chown=1:1 /bin/tool /bin/\n"
            "FROM build\n");
}

TEST(InjectImageDependencies, ExpandsArgsBeforeMatching) {
  std::string df = "ARG BASE=other\nARG TAG\nFROM ${BASE}:$TAG\n";
  auto out = injectImageDependencies(df, {{"base", "base:tilt-1"}}, {{"BASE", "base"}}, "app");
  ASSERT_TRUE(out.has_value()) << out.error();
  EXPECT_EQ(*out, "ARG BASE=other\nARG TAG\nFROM base:tilt-1\n");
}

TEST(InjectImageDependencies, NeverTakesAStageNameForAnImage) {
  std::string df = "FROM busybox AS base\nFROM base\n";
  auto out = injectImageDependencies(df, {{"base", "base:tilt-1"}}, {}, "app");
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error(), "could not inject image \"base:tilt-1\" into Dockerfile of image \"app\"");
}

TEST(InjectImageDependencies, LeavesAnUnrelatedDockerfileByteForByte) {
  std::string df = "FROM alpine\r\nRUN echo hi \\\n  there\n\n";
  auto out = injectImageDependencies(df, {}, {}, "app");
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, df);
}

TEST(ImageRefs, SplitRepositoryAndTagButNotARegistryPort) {
  EXPECT_EQ(splitRepoTag("foo/bar:1"), std::make_pair(std::string("foo/bar"), std::string("1")));
  EXPECT_EQ(splitRepoTag("localhost:5000/foo"),
            std::make_pair(std::string("localhost:5000/foo"), std::string()));
  EXPECT_EQ(splitRepoTag("localhost:5000/foo:dev@sha256:abc"),
            std::make_pair(std::string("localhost:5000/foo"), std::string("dev")));
  EXPECT_EQ(imageRefName("docker.io/library/redis:7"), "redis");
  EXPECT_EQ(imageRefName("gcr.io/a/b:c"), "gcr.io/a/b");
}

TEST(ImageBuilderText, TagsByTheFirstSixteenHexDigitsOfTheImageId) {
  EXPECT_EQ(contentTag("sha256:0123456789abcdef0123456789abcdef"), "tilt-0123456789abcdef");
}

TEST(ImageBuilderText, NamesTheFailingStepAndTheExitCode) {
  EXPECT_EQ(buildErrorText("Step 3/5 : RUN make",
                           "The command '/bin/sh -c make' returned a non-zero code: 2", 2),
            "Step 3/5 : RUN make: The command '/bin/sh -c make' returned a non-zero code: 2");
  EXPECT_EQ(buildErrorText("", "failed\n", 7), "failed (exit code 7)");
}

}  // namespace
}  // namespace slant::docker
