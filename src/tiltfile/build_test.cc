// Tests of docker_build, custom_build, default_registry, image reference parsing, the Dockerfile
// scan and image assembly (internal/tiltfile/docker.go and its tests in Tilt).
#include "tiltfile/build.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Strings = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

const model::ImageTarget& image(const model::Project& p, std::string_view ref) {
  for (const model::ImageTarget& img : p.images)
    if (img.ref == ref) return img;
  ADD_FAILURE() << "no image " << ref;
  static const model::ImageTarget kEmpty;
  return kEmpty;
}

bool contains(const Strings& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// ---- image references -------------------------------------------------------------------------

TEST(ImageRef, NormalizesFamiliarNames) {
  auto r = parseImageRef("foo");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->name(), "docker.io/library/foo");
  EXPECT_EQ(r->familiarName(), "foo");

  r = parseImageRef("index.docker.io/team/app:1.2");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->str(), "docker.io/team/app:1.2");
  EXPECT_EQ(r->familiarString(), "team/app:1.2");
  EXPECT_EQ(r->tag, "1.2");

  r = parseImageRef("localhost:5000/app");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->domain, "localhost:5000");
  EXPECT_EQ(r->familiarName(), "localhost:5000/app");

  r = parseImageRef("gcr.io/foo/bar@sha256:" + std::string(64, 'a'));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->digest, "sha256:" + std::string(64, 'a'));
}

TEST(ImageRef, RejectsWhatDockerRejects) {
  EXPECT_EQ(parseImageRef("ceci n'est pas une ref").error().message(), "invalid reference format");
  EXPECT_EQ(parseImageRef("gcr.io/imageA").error().message(),
            "invalid reference format: repository name (imageA) must be lowercase");
  EXPECT_EQ(parseImageRef("").error().message(), "invalid reference format");
  EXPECT_THAT(parseImageRef(std::string(64, 'a')).error().message(),
              HasSubstr("cannot specify 64-byte hexadecimal strings"));
  EXPECT_EQ(parseImageRef("foo@sha256:abc").error().message(), "invalid reference format");
  EXPECT_EQ(parseImageRef("foo@md5:" + std::string(32, 'a')).error().message(),
            "unsupported digest algorithm");
}

TEST(ImageRef, CanonicalParsingWantsTheFullName) {
  EXPECT_EQ(parseCanonicalImageRef("foo/fake").error().message(),
            "repository name must be canonical");
  EXPECT_TRUE(parseCanonicalImageRef("gcr.io/fake").has_value());
  EXPECT_TRUE(parseCanonicalImageRef("docker.io/library/foo").has_value());
}

// ---- the Dockerfile scan ----------------------------------------------------------------------

Strings scan(std::string_view dockerfile, const Pairs& args = {}) {
  Strings out;
  for (const ImageRef& r : findDockerfileImages(dockerfile, args)) out.push_back(r.str());
  return out;
}

TEST(FindDockerfileImages, ReadsFromLinesAndStageNames) {
  EXPECT_THAT(scan("FROM gcr.io/image-a"), ElementsAre("gcr.io/image-a"));
  EXPECT_THAT(scan("FROM gcr.io/image-a as builder"), ElementsAre("gcr.io/image-a"));
  EXPECT_THAT(scan("from --platform=linux/amd64 golang:1.10 AS b\n"),
              ElementsAre("docker.io/library/golang:1.10"));
}

TEST(FindDockerfileImages, SkipsBadOrMissingNames) {
  EXPECT_THAT(scan("FROM gcr.io/imageA"), IsEmpty());
  EXPECT_THAT(scan("FROM"), IsEmpty());
  // Tilt falls back to the first argument when the instruction does not parse.
  EXPECT_THAT(scan("FROM a b"), ElementsAre("docker.io/library/a"));
}

TEST(FindDockerfileImages, ReadsCopyFrom) {
  EXPECT_THAT(scan("COPY --from=gcr.io/image-a /srcA/package.json /srcB/package.json"),
              ElementsAre("gcr.io/image-a"));
  EXPECT_THAT(scan("COPY --chown=1:1 src dst"), IsEmpty());
  EXPECT_THAT(scan("COPY --from=gcr.io/image-a onlyone"), IsEmpty());
  EXPECT_THAT(scan("ADD --from=gcr.io/image-a a b"), IsEmpty());
}

TEST(FindDockerfileImages, SubstitutesArgDefaultsAndBuildArgs) {
  EXPECT_THAT(scan("ARG TAG=\"latest\"\nFROM gcr.io/image-a:${TAG}\n"),
              ElementsAre("gcr.io/image-a:latest"));
  EXPECT_THAT(scan("ARG TAG\nFROM gcr.io/image-a:${TAG}\n", {{"TAG", "latest"}}),
              ElementsAre("gcr.io/image-a:latest"));
  EXPECT_THAT(scan("ARG TAG=\"latest\"\nFROM gcr.io/image-a:$TAG\n", {{"TAG", "v2.0.1"}}),
              ElementsAre("gcr.io/image-a:v2.0.1"));
  EXPECT_THAT(scan("ARG BASE\nFROM ${BASE:-gcr.io/fallback}\n"), ElementsAre("gcr.io/fallback"));
}

TEST(FindDockerfileImages, HandlesDirectivesCommentsContinuationsAndHeredocs) {
  EXPECT_THAT(scan("# syntax=docker/dockerfile:experimental\n\n"
                   "ARG PYTHON2_BASE=\"python2-base\"\nFROM ${PYTHON2_BASE}\n\n"
                   "RUN --mount=type=cache,id=pip,target=/root/.cache/pip pip install x\n"),
              ElementsAre("docker.io/library/python2-base"));
  EXPECT_THAT(scan("# a comment\nFROM \\\n  # inside\n  gcr.io/a\n"), ElementsAre("gcr.io/a"));
  EXPECT_THAT(scan("# escape=`\nFROM `\n gcr.io/b\n"), ElementsAre("gcr.io/b"));
  EXPECT_THAT(scan("FROM alpine\nRUN <<EOF\nFROM gcr.io/not-an-instruction\nEOF\n"),
              ElementsAre("docker.io/library/alpine"));
}

// ---- docker_build -----------------------------------------------------------------------------

TEST_F(TiltfileTest, DockerBuildRecordsTheImage) {
  file("foo/Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  const model::ImageTarget& img = p.images[0];
  EXPECT_EQ(img.ref, "gcr.io/foo");
  EXPECT_EQ(img.tag, "");
  EXPECT_FALSE(img.match_exact);
  EXPECT_EQ(img.context, path("foo"));
  ASSERT_TRUE(img.docker.has_value());
  EXPECT_FALSE(img.custom.has_value());
  EXPECT_EQ(img.docker->dockerfile, path("foo/Dockerfile"));
  EXPECT_EQ(img.docker->dockerfile_contents, "");
  EXPECT_TRUE(img.live_update.empty());
  EXPECT_TRUE(img.entrypoint.empty());
  EXPECT_FALSE(img.container_args.has_value());
  EXPECT_TRUE(contains(p.config_files, path("foo/Dockerfile")));
  EXPECT_TRUE(contains(p.config_files, path("foo/.dockerignore")));
}

TEST_F(TiltfileTest, DockerBuildStoresTheFamiliarRefAndItsTag) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('docker.io/library/fooimage:dev', '.')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(p.images[0].ref, "fooimage");
  EXPECT_EQ(p.images[0].tag, "dev");
  EXPECT_TRUE(p.images[0].match_exact);
}

TEST_F(TiltfileTest, DockerBuildWithAnInvalidRefIsAnError) {
  file("Tiltfile", "\ndocker_build(\"ceci n'est pas une valid image ref\", 'a')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Argument 1 (ref): can't parse \"ceci n'est pas une valid image "
                             "ref\": invalid reference format"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:13: in <toplevel>"));
  EXPECT_THAT(err, HasSubstr("Error in docker_build:"));
}

TEST_F(TiltfileTest, DockerBuildRefsMustBeLowercase) {
  file("Tiltfile", "docker_build('gcr.io/Foo', '.')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("invalid reference format: repository name (Foo) must be lowercase"));
}

TEST_F(TiltfileTest, DuplicateImageRefsAreAnError) {
  file("a/Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/a', 'a')\ndocker_build('gcr.io/a', 'a')\n");
  EXPECT_THAT(loadError(), HasSubstr("Image for ref \"gcr.io/a\" has already been defined"));
}

TEST_F(TiltfileTest, ImagesThatShareANameMatchByTheirWholeRef) {
  file("app.dockerfile", "FROM golang:1.10\n");
  file("jessie.dockerfile", "FROM golang:1.10-jessie\n");
  file("Tiltfile",
       "docker_build('vandelay/app', '.', dockerfile='app.dockerfile')\n"
       "docker_build('vandelay/app:jessie', '.', dockerfile='jessie.dockerfile')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 2u);
  EXPECT_EQ(p.images[0].ref, "vandelay/app");
  EXPECT_EQ(p.images[0].tag, "");
  EXPECT_TRUE(p.images[0].match_exact);
  EXPECT_EQ(p.images[1].ref, "vandelay/app");
  EXPECT_EQ(p.images[1].tag, "jessie");
  EXPECT_TRUE(p.images[1].match_exact);
}

TEST_F(TiltfileTest, AMissingDockerfileIsAnErrorAndStillAConfigFile) {
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error.has_value());
  EXPECT_THAT(*r.error, HasSubstr("error reading dockerfile: open " + path("foo/Dockerfile") +
                                  ": no such file or directory"));
  EXPECT_TRUE(contains(r.project.config_files, path("foo/Dockerfile")));
}

TEST_F(TiltfileTest, AnEmptyDockerfilePathIsTheTiltfileDirectory) {
  file("Tiltfile", "docker_build('web/api', '', dockerfile='')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("error reading dockerfile: read " + dir() + ": is a directory"));
}

TEST_F(TiltfileTest, DockerfilePathsAreRelativeToTheTiltfile) {
  file("other/Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo', dockerfile='other/Dockerfile')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(p.images[0].docker->dockerfile, path("other/Dockerfile"));
  EXPECT_TRUE(contains(p.config_files, path("other/Dockerfile")));
  EXPECT_FALSE(contains(p.config_files, path("foo/Dockerfile")));
}

TEST_F(TiltfileTest, DockerfileNoneMeansTheDefault) {
  file("foo/Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo', dockerfile=None)\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(p.images[0].docker->dockerfile, path("foo/Dockerfile"));
}

TEST_F(TiltfileTest, DockerfileContentsMayBeAStringOrABlob) {
  file("other/Dockerfile", "FROM busybox\n");
  file("Tiltfile",
       "docker_build('gcr.io/a', 'foo', dockerfile_contents='FROM alpine')\n"
       "docker_build('gcr.io/b', 'foo', dockerfile_contents=read_file('other/Dockerfile'))\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 2u);
  EXPECT_EQ(p.images[0].docker->dockerfile, "");
  EXPECT_EQ(p.images[0].docker->dockerfile_contents, "FROM alpine");
  EXPECT_EQ(p.images[1].docker->dockerfile_contents, "FROM busybox\n");
  EXPECT_FALSE(contains(p.config_files, path("foo/Dockerfile")));
}

TEST_F(TiltfileTest, DockerfileAndDockerfileContentsExcludeEachOther) {
  file("Tiltfile",
       "docker_build('gcr.io/foo', 'foo', dockerfile_contents='FROM alpine', "
       "dockerfile='foo/Dockerfile')\n");
  EXPECT_THAT(
      loadError(),
      HasSubstr("Cannot specify both dockerfile and dockerfile_contents keyword arguments"));
}

TEST_F(TiltfileTest, DockerfileContentsMustBeText) {
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo', dockerfile_contents=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("Argument (dockerfile_contents): must be string or blob."));
}

TEST_F(TiltfileTest, DockerBuildTakesEveryBuildOption) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('gcr.io/foo', '.', build_args={'Z': '1', 'A': '', 'M': 'x'},\n"
       "  target='stage', ssh='default', secret=['id=a', 'id=b'], network='host',\n"
       "  extra_tag='foo:latest', cache_from='gcr.io/foo', pull=True,\n"
       "  platform='linux/arm64', extra_hosts=['a.example.com:10.0.0.1'],\n"
       "  match_in_env_vars=True)\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  const model::DockerBuild& db = *p.images[0].docker;
  EXPECT_EQ(db.build_args, (Pairs{{"A", ""}, {"M", "x"}, {"Z", "1"}}));
  EXPECT_EQ(db.target, "stage");
  EXPECT_EQ(db.ssh, Strings{"default"});
  EXPECT_EQ(db.secret, (Strings{"id=a", "id=b"}));
  EXPECT_EQ(db.network, "host");
  EXPECT_EQ(db.extra_tags, Strings{"foo:latest"});
  EXPECT_EQ(db.cache_from, Strings{"gcr.io/foo"});
  EXPECT_TRUE(db.pull);
  EXPECT_EQ(db.platform, "linux/arm64");
  EXPECT_EQ(db.extra_hosts, Strings{"a.example.com:10.0.0.1"});
  EXPECT_TRUE(p.images[0].match_in_env_vars);
}

TEST_F(TiltfileTest, ExtraTagsAcceptAListAndMustBeRefs) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/foo', '.', extra_tag=['foo:latest', 'foo:jenkins-1'])\n");
  EXPECT_EQ(loadOk().images[0].docker->extra_tags, (Strings{"foo:latest", "foo:jenkins-1"}));

  file("Tiltfile", "docker_build('gcr.io/foo', '.', extra_tag='cherry bomb')\n");
  EXPECT_THAT(loadError(), HasSubstr("Argument extra_tag=\"cherry bomb\" not a valid image "
                                     "reference: invalid reference format"));
}

TEST_F(TiltfileTest, PlatformFallsBackToDockerDefaultPlatform) {
  file("Dockerfile", "FROM alpine\n");
  const char* old = std::getenv("DOCKER_DEFAULT_PLATFORM");
  std::string saved = old != nullptr ? old : "";
  setenv("DOCKER_DEFAULT_PLATFORM", "linux/amd64", 1);
  file("Tiltfile",
       "docker_build('gcr.io/a', '.')\ndocker_build('gcr.io/b', '.', platform='x/y')\n");
  model::Project p = loadOk();
  if (old != nullptr) {
    setenv("DOCKER_DEFAULT_PLATFORM", saved.c_str(), 1);
  } else {
    unsetenv("DOCKER_DEFAULT_PLATFORM");
  }
  ASSERT_EQ(p.images.size(), 2u);
  EXPECT_EQ(p.images[0].docker->platform, "linux/amd64");
  EXPECT_EQ(p.images[1].docker->platform, "x/y");
}

TEST_F(TiltfileTest, DockerBuildCacheIsObsoleteAndWarns) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/foo', '.', cache='/paths/to/cache')\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.warnings,
                       "docker_build(cache=...) is obsolete, and currently a no-op.\n"
                       "You should switch to live_update to optimize your builds."));
}

TEST_F(TiltfileTest, IgnoreIsKeptAsPatternsAndOnlyResolvesAgainstTheContext) {
  file("ctx/Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('gcr.io/a', 'ctx', ignore='*.txt', only='myservice')\n"
       "docker_build('gcr.io/b', 'ctx', ignore=['*.txt', '*.md'], only=['common', 'svc/x'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "gcr.io/a").ignore, Strings{"*.txt"});
  EXPECT_EQ(image(p, "gcr.io/a").only, Strings{path("ctx/myservice")});
  EXPECT_EQ(image(p, "gcr.io/b").ignore, (Strings{"*.txt", "*.md"}));
  EXPECT_EQ(image(p, "gcr.io/b").only, (Strings{path("ctx/common"), path("ctx/svc/x")}));
}

TEST_F(TiltfileTest, IgnoreAndOnlyErrorsAreTilts) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('fooimage', '.', ignore=[127])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("ignore must be a string or a sequence of strings; found a starlark.Int"));
  file("Tiltfile", "docker_build('fooimage', '.', only=[127])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("only must be a string or a sequence of strings; found a starlark.Int"));
  file("Tiltfile", "docker_build('fooimage', '.', only=['**/common'])\n");
  EXPECT_THAT(loadError(), HasSubstr("'only' does not support '*' file globs. Must be a real "
                                     "path: **/common"));
  file("Tiltfile", "docker_build('fooimage', '.', ignore='\\nweirdfile.txt')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("ignore cannot contain newlines; found ignore: \"\\nweirdfile.txt\""));
  file("Tiltfile", "docker_build('fooimage', '.', only='\\nweirdfile.txt')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("only cannot contain newlines; found only: \"\\nweirdfile.txt\""));
}

TEST_F(TiltfileTest, EntrypointStringsRunWithAShellAndListsAsGiven) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('gcr.io/a', '.', entrypoint='/go/bin/app --debug ')\n"
       "docker_build('gcr.io/b', '.', entrypoint=['/go/bin/app', '--debug'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "gcr.io/a").entrypoint, (Strings{"sh", "-c", "/go/bin/app --debug"}));
  EXPECT_EQ(image(p, "gcr.io/b").entrypoint, (Strings{"/go/bin/app", "--debug"}));
}

TEST_F(TiltfileTest, EntrypointMustBeACommand) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/a', '.', entrypoint=1)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("a command must be a string or list of strings. found starlark.Int"));
  file("Tiltfile", "docker_build('gcr.io/a', '.', entrypoint=['a', 2])\n");
  EXPECT_THAT(loadError(), HasSubstr("a command must be a string or a list of strings: '2' is a "
                                     "starlark.Int, not a string"));
}

TEST_F(TiltfileTest, ContainerArgsOverrideTheImageArgs) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('gcr.io/a', '.', container_args=['--port', '8080'])\n"
       "docker_build('gcr.io/b', '.', container_args=[])\n"
       "docker_build('gcr.io/c', '.')\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "gcr.io/a").container_args, (Strings{"--port", "8080"}));
  EXPECT_EQ(image(p, "gcr.io/b").container_args, Strings{});
  EXPECT_FALSE(image(p, "gcr.io/c").container_args.has_value());
}

TEST_F(TiltfileTest, ContainerArgsMustBeASequenceOfStrings) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('gcr.io/a', '.', container_args='--port')\n");
  EXPECT_THAT(
      loadError(),
      HasSubstr("docker_build: for parameter \"container_args\": got string, want sequence"));
  file("Tiltfile", "docker_build('gcr.io/a', '.', container_args=[1])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Argument 'container_args': '1' is a starlark.Int, not a string"));
}

TEST_F(TiltfileTest, DockerBuildRejectsUnknownKeywords) {
  file("Tiltfile", "docker_build('gcr.io/a', '.', dockerfile_path='x')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("docker_build: unexpected keyword argument \"dockerfile_path\""));
}

TEST_F(TiltfileTest, DockerBuildInALoadedFileResolvesPathsThere) {
  file("svc/Dockerfile", "FROM alpine\n");
  file("svc/Tiltfile", "docker_build('gcr.io/svc', '.', only=['src'])\nx = 1\n");
  file("Tiltfile", "load('svc/Tiltfile', 'x')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(p.images[0].context, path("svc"));
  EXPECT_EQ(p.images[0].docker->dockerfile, path("svc/Dockerfile"));
  EXPECT_EQ(p.images[0].only, Strings{path("svc/src")});
}

// ---- custom_build -----------------------------------------------------------------------------

TEST_F(TiltfileTest, CustomBuildRecordsItsCommandAndDeps) {
  file("Tiltfile",
       "custom_build('gcr.io/foo', 'docker build -t $EXPECTED_REF foo', ['foo', 'bar'],\n"
       "  tag='my-great-tag', disable_push=True, ignore='a.txt')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  const model::ImageTarget& img = p.images[0];
  EXPECT_EQ(img.ref, "gcr.io/foo");
  EXPECT_EQ(img.context, dir());
  EXPECT_EQ(img.ignore, Strings{"a.txt"});
  ASSERT_TRUE(img.custom.has_value());
  EXPECT_FALSE(img.docker.has_value());
  const model::CustomBuild& cb = *img.custom;
  EXPECT_EQ(cb.command.argv, (Strings{"sh", "-c", "docker build -t $EXPECTED_REF foo"}));
  EXPECT_EQ(cb.command.dir, dir());
  EXPECT_EQ(cb.deps, (Strings{path("foo"), path("bar")}));
  EXPECT_EQ(cb.tag, "my-great-tag");
  EXPECT_TRUE(cb.disable_push);
  EXPECT_FALSE(cb.skips_local_docker);
  EXPECT_EQ(cb.outputs_image_ref_to, "");
}

TEST_F(TiltfileTest, CustomBuildTakesEnvDirListCommandsAndSkipsLocalDocker) {
  file("Tiltfile",
       "custom_build('custom', ['build.sh', '--fast'], deps=[], env={'SETTING': 'value'},\n"
       "  dir='./subdir', skips_local_docker=True, command_bat='build.bat',\n"
       "  entrypoint='app', container_args=['x'], match_in_env_vars=True)\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  const model::ImageTarget& img = p.images[0];
  EXPECT_EQ(img.custom->command.argv, (Strings{"build.sh", "--fast"}));
  EXPECT_EQ(img.custom->command.dir, path("subdir"));
  EXPECT_EQ(img.custom->command.env, (Pairs{{"SETTING", "value"}}));
  EXPECT_EQ(img.context, path("subdir"));
  EXPECT_TRUE(img.custom->skips_local_docker);
  EXPECT_TRUE(img.custom->deps.empty());
  EXPECT_EQ(img.entrypoint, (Strings{"sh", "-c", "app"}));
  EXPECT_EQ(img.container_args, Strings{"x"});
  EXPECT_TRUE(img.match_in_env_vars);
}

TEST_F(TiltfileTest, CustomBuildOutputsImageRefToIsAPathAndExcludesTag) {
  file(
      "Tiltfile",
      "custom_build('gcr.io/fe', 'build.sh > ref.txt', ['src'], outputs_image_ref_to='ref.txt')\n");
  EXPECT_EQ(loadOk().images[0].custom->outputs_image_ref_to, path("ref.txt"));

  file("Tiltfile",
       "custom_build('gcr.io/fe', 'build.sh', ['src'], tag='dev', "
       "outputs_image_ref_to='ref.txt')\n");
  EXPECT_THAT(loadError(), HasSubstr("Cannot specify both tag= and outputs_image_ref_to="));
}

TEST_F(TiltfileTest, CustomBuildCommandErrors) {
  file("Tiltfile", "custom_build('gcr.io/fe', '', ['src'])\n");
  EXPECT_THAT(loadError(), HasSubstr("Argument 2 (command) can't be empty"));
  file("Tiltfile", "custom_build('gcr.io/fe', 3, ['src'])\n");
  EXPECT_THAT(loadError(), HasSubstr("Argument 2 (command): a command must be a string or list "
                                     "of strings. found starlark.Int"));
  file("Tiltfile", "custom_build('gcr.io/fe', 'b', ['src'], env={'': 'v'})\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Argument 2 (command): environment has empty key for value \"v\""));
  file("Tiltfile", "custom_build('gcr.io/fe', 'b', ['src'], dir=3)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Argument 2 (command): a command directory must be empty or "
                        "a string: expected path | string. Actual type: starlark.Int"));
  file("Tiltfile", "custom_build('gcr.io/fe', 'b')\n");
  EXPECT_THAT(loadError(), HasSubstr("custom_build: missing argument for deps"));
  file("Tiltfile", "custom_build('gcr.io/fe', 'b', 3)\n");
  EXPECT_THAT(loadError(), HasSubstr("custom_build: for parameter deps: value should be a string "
                                     "or List or Tuple of strings, but is of type int"));
}

TEST_F(TiltfileTest, CustomBuildReturnsAnOpaqueValue) {
  file("Tiltfile",
       "b = custom_build('gcr.io/foo', 'docker build -t $TAG foo', ['foo'])\n"
       "print(type(b), b)\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr("custom_build custom_build(\"gcr.io/foo\")"));

  file("Tiltfile", "custom_build('gcr.io/foo', 'docker build -t $TAG foo', ['foo']).asdf()\n");
  EXPECT_THAT(loadError(), HasSubstr("custom_build has no .asdf field or method"));
}

TEST_F(TiltfileTest, CustomBuildImageDepsNameOtherBuiltImages) {
  file("Tiltfile",
       "custom_build('base', 'build.sh', ['.'])\n"
       "custom_build('fe', 'build.sh', ['.'], image_deps=['base'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "fe").image_deps, Strings{"base"});
  EXPECT_TRUE(image(p, "base").image_deps.empty());
}

TEST_F(TiltfileTest, CustomBuildImageDepsMustExistAndParse) {
  file("Tiltfile", "custom_build('fe', 'build.sh', ['.'], image_deps=['base'])\n");
  EXPECT_THAT(loadError(), HasSubstr("image \"fe\": image dep \"base\" not found"));
  file("Tiltfile", "custom_build('fe', 'build.sh', ['.'], image_deps=['Base'])\n");
  EXPECT_THAT(loadError(), HasSubstr("custom_build: for parameter \"image_deps\": must be a valid "
                                     "image reference: invalid reference format: repository name "
                                     "(library/Base) must be lowercase"));
}

// ---- image dependencies -----------------------------------------------------------------------

TEST_F(TiltfileTest, ImagesBuiltFromOtherBuiltImagesDependOnThem) {
  file("imageA.dockerfile", "FROM golang:1.10\n");
  file("imageB.dockerfile", "FROM gcr.io/image-a\n");
  file("Tiltfile",
       "docker_build('gcr.io/image-b', '.', dockerfile='imageB.dockerfile')\n"
       "docker_build('gcr.io/image-a', '.', dockerfile='imageA.dockerfile')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 2u);
  EXPECT_EQ(p.images[0].ref, "gcr.io/image-b");
  EXPECT_EQ(p.images[0].image_deps, Strings{"gcr.io/image-a"});
  EXPECT_TRUE(p.images[1].image_deps.empty());
}

TEST_F(TiltfileTest, CopyFromTwiceIsOneDependency) {
  file("imageA.dockerfile", "FROM golang:1.10\n");
  file("imageB.dockerfile",
       "FROM golang:1.10\n"
       "COPY --from=gcr.io/image-a /src/package.json /src/package.json\n"
       "COPY --from=gcr.io/image-a /src/package.lock /src/package.lock\n");
  file("Tiltfile",
       "docker_build('gcr.io/image-a', '.', dockerfile='imageA.dockerfile')\n"
       "docker_build('gcr.io/image-b', '.', dockerfile='imageB.dockerfile')\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "gcr.io/image-b").image_deps, Strings{"gcr.io/image-a"});
}

TEST_F(TiltfileTest, ImageDependenciesMatchNormalizedNamesAndBuildArgs) {
  file("common.dockerfile", "FROM golang:1.10\n");
  file("auth.dockerfile", "ARG BASE=docker.io/vandelay/nope\nFROM $BASE\n");
  file("Tiltfile",
       "docker_build('vandelay/common', '.', dockerfile='common.dockerfile')\n"
       "docker_build('vandelay/auth', '.', dockerfile='auth.dockerfile',\n"
       "  build_args={'BASE': 'docker.io/vandelay/common:v1'})\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "vandelay/auth").image_deps, Strings{"vandelay/common"});
}

TEST_F(TiltfileTest, ImageDependencyCyclesAreAnError) {
  file("imageA.dockerfile", "FROM gcr.io/image-b\n");
  file("imageB.dockerfile", "FROM gcr.io/image-a\n");
  file("Tiltfile",
       "docker_build('gcr.io/image-b', '.', dockerfile='imageB.dockerfile')\n"
       "docker_build('gcr.io/image-a', '.', dockerfile='imageA.dockerfile')\n");
  EXPECT_THAT(loadError(), HasSubstr("Image dependency cycle: gcr.io/image-b"));
}

TEST_F(TiltfileTest, AnImageBuiltFromItselfIsACycle) {
  file("Dockerfile", "FROM myapp:base\n");
  file("Tiltfile", "docker_build('myapp', '.')\n");
  EXPECT_THAT(loadError(), HasSubstr("Image dependency cycle: docker.io/library/myapp"));
}

// ---- default_registry -------------------------------------------------------------------------

TEST_F(TiltfileTest, DefaultRegistryRewritesEveryImageWhereverItIsCalled) {
  file("foo/Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('gcr.io/foo', 'foo')\n"
       "custom_build('bar:dev', 'b.sh', ['.'])\n"
       "docker_build('bar.com/already/here', 'foo')\n"
       "default_registry('bar.com')\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "gcr.io/foo").registry_ref, "bar.com/gcr.io_foo");
  EXPECT_EQ(image(p, "gcr.io/foo").cluster_registry_ref, "");
  EXPECT_EQ(image(p, "bar").registry_ref, "bar.com/bar");
  EXPECT_EQ(image(p, "bar.com/already/here").registry_ref, "");
  ASSERT_TRUE(p.settings.default_registry.has_value());
  EXPECT_EQ(p.settings.default_registry->host, "bar.com");
}

TEST_F(TiltfileTest, DefaultRegistryHostFromClusterGivesTheClusterRef) {
  file("foo/Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "default_registry('abc.io', host_from_cluster='def.io')\n"
       "docker_build('gcr.io/foo', 'foo')\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.images[0].registry_ref, "abc.io/gcr.io_foo");
  EXPECT_EQ(p.images[0].cluster_registry_ref, "def.io/gcr.io_foo");
  EXPECT_EQ(p.settings.default_registry->host_from_cluster, "def.io");
}

TEST_F(TiltfileTest, DefaultRegistrySingleNamePushesEverythingToOneName) {
  file("fe/Dockerfile", "FROM alpine\n");
  file("be/Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('fe', './fe')\ndocker_build('be:x', './be')\n"
       "default_registry('123.dkr.ecr.us-east-1.amazonaws.com', single_name='team-a/dev')\n");
  model::Project p = loadOk();
  EXPECT_EQ(image(p, "fe").registry_ref, "123.dkr.ecr.us-east-1.amazonaws.com/team-a/dev");
  EXPECT_EQ(image(p, "be").registry_ref, "123.dkr.ecr.us-east-1.amazonaws.com/team-a/dev");
  EXPECT_EQ(p.settings.default_registry->single_name, "team-a/dev");
}

TEST_F(TiltfileTest, ImagesThatDifferByTagShareTheirRegistryRef) {
  file("bar/Dockerfile", "FROM alpine\n");
  file("baz/Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_build('gcr.io/foo:bar', 'bar')\ndocker_build('gcr.io/foo:baz', 'baz')\n"
       "default_registry('example.com')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 2u);
  EXPECT_EQ(p.images[0].registry_ref, "example.com/gcr.io_foo");
  EXPECT_EQ(p.images[1].registry_ref, "example.com/gcr.io_foo");
}

TEST_F(TiltfileTest, ACustomBuildThatPushesItsOwnTagKeepsItsRef) {
  file("Tiltfile",
       "default_registry('localhost:5000')\n"
       "custom_build('gcr.io/foo', 'b.sh', ['.'], tag='v1', skips_local_docker=True)\n");
  EXPECT_EQ(loadOk().images[0].registry_ref, "");
}

TEST_F(TiltfileTest, DefaultRegistryMayBeSetOnce) {
  file("Tiltfile", "default_registry('gcr.io')\ndefault_registry('docker.io')\n");
  EXPECT_THAT(loadError(), HasSubstr("default registry already defined"));
}

TEST_F(TiltfileTest, DefaultRegistryHostsMustBeRegistries) {
  file("Tiltfile", "\ndefault_registry('foo')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Traceback "));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:17: in <toplevel>"));
  EXPECT_THAT(err, HasSubstr("validating defaultRegistry: host: Invalid value: \"foo\": "
                             "repository name must be canonical"));
  file("Tiltfile", "default_registry('')\n");
  EXPECT_THAT(loadError(), HasSubstr("validating defaultRegistry: host: Required value"));
  file("Tiltfile", "default_registry('foo', host_from_cluster='bad host')\n");
  EXPECT_THAT(loadError(), HasSubstr("validating defaultRegistry: [host: Invalid value: \"foo\": "
                                     "repository name must be canonical, hostFromContainerRuntime: "
                                     "Invalid value: \"bad host\": invalid reference format]"));
}

TEST_F(TiltfileTest, ASingleNameThatIsNotARefFailsTheRewrite) {
  file("Dockerfile", "FROM alpine\n");
  file("Tiltfile", "docker_build('fe', '.')\ndefault_registry('gcr.io', single_name='Team')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error parsing gcr.io/Team after applying default registry "
                                     "gcr.io: invalid reference format: repository name (Team) "
                                     "must be lowercase"));
}

// ---- .dockerignore files ----------------------------------------------------------------------

TEST_F(TiltfileTest, ADockerfilesOwnDockerignoreIsTheConfigFile) {
  file("Dockerfile.custom", "FROM alpine\n");
  file("Dockerfile.custom.dockerignore", "build\n");
  file("deps/x", "");
  file("Tiltfile",
       "docker_build('gcr.io/fe', '.', dockerfile='Dockerfile.custom')\n"
       "custom_build('gcr.io/be', 'b.sh', ['deps', 'missing'])\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("Dockerfile.custom.dockerignore")));
  EXPECT_FALSE(contains(p.config_files, path(".dockerignore")));
  EXPECT_TRUE(contains(p.config_files, path("deps/.dockerignore")));
  EXPECT_FALSE(contains(p.config_files, path("missing/.dockerignore")));
}

TEST_F(TiltfileTest, TheDockerignoreAndIgnoreFilterTheContext) {
  file("app/Dockerfile", "FROM alpine\n");
  file("app/.dockerignore", "# comment\nnode_modules\n!node_modules/keep\n");
  file("Tiltfile", "docker_build('gcr.io/app', 'app', ignore=['*.log'])\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(
      p.images[0].context_ignore,
      (Strings{path("app/node_modules"), "!" + path("app/node_modules/keep"), path("app/*.log")}));
}

// ---- with Kubernetes resources ----------------------------------------------------------------

constexpr std::string_view kFooDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: foo
spec:
  selector:
    matchLabels:
      app: foo
  template:
    metadata:
      labels:
        app: foo
    spec:
      containers:
      - name: foo
        image: gcr.io/foo
)";

TEST_F(TiltfileTest, ADeploymentThatUsesTheImageDeploysIt) {
  file("foo/Dockerfile", "FROM alpine\n");
  file("foo.yaml", kFooDeployment);
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\n"
       "docker_build('gcr.io/foo', 'foo', live_update=[sync('foo', '/app')])\n");
  model::Project p = loadOk();
  const model::Resource* r = p.find("foo");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->image_refs, Strings{"gcr.io/foo"});
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(p.images[0].live_update.size(), 1u);
  EXPECT_TRUE(p.warnings.empty());
}

}  // namespace
}  // namespace slant::tiltfile
