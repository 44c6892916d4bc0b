// Tests of docker_compose, dc_resource and the assembly of Compose services, after Tilt's
// tiltfile_docker_compose_test.go.
#include "tiltfile/compose.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tiltfile/tiltfile_test_util.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Strings = std::vector<std::string>;

constexpr std::string_view kSimpleConfig =
    "version: '3'\n"
    "services:\n"
    "  foo:\n"
    "    build: ./foo\n"
    "    command: sleep 100\n"
    "    ports:\n"
    "      - \"12312:80\"\n";

constexpr std::string_view kBarConfig =
    "version: '3'\n"
    "services:\n"
    "  bar:\n"
    "    image: bar-image\n"
    "    expose:\n"
    "      - \"3000\"\n"
    "    depends_on:\n"
    "      - foo\n";

constexpr std::string_view kTwoServiceConfig =
    "version: '3'\n"
    "services:\n"
    "  foo:\n"
    "    build: ./foo\n"
    "    command: sleep 100\n"
    "    ports:\n"
    "      - \"12312:80\"\n"
    "  bar:\n"
    "    image: bar-image\n"
    "    expose:\n"
    "      - \"3000\"\n"
    "    depends_on:\n"
    "      - foo\n";

constexpr std::string_view kThreeServiceConfig =
    "version: '3'\n"
    "services:\n"
    "  db:\n"
    "    image: db-image\n"
    "  foo:\n"
    "    image: foo-image\n"
    "    command: sleep 100\n"
    "    ports:\n"
    "      - \"12312:80\"\n"
    "    depends_on:\n"
    "      - db\n"
    "  bar:\n"
    "    image: bar-image\n"
    "    expose:\n"
    "      - \"3000\"\n"
    "    depends_on:\n"
    "      - db\n"
    "      - foo\n";

class ComposeTest : public TiltfileTest {
 protected:
  ComposeTest() { file("foo/Dockerfile", "FROM alpine\n"); }

  // The project name Compose derives from the test directory.
  std::string projectName() const {
    return compose::normalizeProjectName(std::filesystem::path(dir()).filename().string());
  }

  static const model::Resource& resource(const model::Project& p, std::string_view name) {
    const model::Resource* r = p.find(name);
    EXPECT_NE(r, nullptr) << "no resource " << name;
    static const model::Resource kEmpty;
    return r != nullptr ? *r : kEmpty;
  }

  static Strings names(const model::Project& p) {
    Strings out;
    for (const model::Resource& r : p.resources) out.push_back(r.name);
    return out;
  }

  static const model::ImageTarget* image(const model::Project& p, std::string_view ref) {
    for (const model::ImageTarget& img : p.images)
      if (img.ref == ref) return &img;
    return nullptr;
  }
};

// ---- docker_compose ---------------------------------------------------------------------------

TEST_F(ComposeTest, DockerComposeOfNothingIsAnError) {
  file("Tiltfile", "docker_compose(None)\n");
  EXPECT_THAT(loadError(), HasSubstr("Nothing to compose"));
}

TEST_F(ComposeTest, DockerComposeOfAnotherTypeIsAnError) {
  file("Tiltfile", "docker_compose(True)\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("expected blob | path (string). Actual type: starlark.Bool"));
  EXPECT_THAT(err, HasSubstr("Tiltfile:1:15: in <toplevel>"));
}

TEST_F(ComposeTest, EachServiceBecomesADcResource) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  ASSERT_EQ(names(p), Strings{"foo"});
  const model::Resource& foo = p.resources[0];
  EXPECT_EQ(foo.type, model::ResourceType::kDc);
  EXPECT_EQ(foo.trigger_mode, model::TriggerMode::kAuto);
  EXPECT_TRUE(foo.auto_init);
  ASSERT_TRUE(foo.dc.has_value());
  EXPECT_EQ(foo.dc->service, "foo");
  EXPECT_EQ(foo.dc->project, projectName());
  EXPECT_EQ(foo.dc->config_paths, Strings{path("docker-compose.yml")});
  EXPECT_EQ(foo.dc->project_dir, dir());
  EXPECT_EQ(foo.dc->env_file, "");
  EXPECT_FALSE(foo.dc->wait);
  EXPECT_EQ(foo.dc->published_ports, std::vector<int>{12312});
  ASSERT_EQ(foo.links.size(), 1u);
  EXPECT_EQ(foo.links[0].url, "http://localhost:12312/");

  Json expected = parseYaml(
                      "build:\n"
                      "  context: " +
                      path("foo") +
                      "\n"
                      "  dockerfile: Dockerfile\n"
                      "command: [sleep, \"100\"]\n"
                      "networks:\n"
                      "  default: null\n"
                      "ports:\n"
                      "  - mode: ingress\n"
                      "    target: 80\n"
                      "    published: \"12312\"\n"
                      "    protocol: tcp\n")
                      .value();
  EXPECT_EQ(parseYaml(foo.dc->service_yaml).value(), expected);
  EXPECT_THAT(p.config_files, Contains(path("docker-compose.yml")));
  EXPECT_THAT(p.config_files, Contains(path("foo/.dockerignore")));
}

TEST_F(ComposeTest, AServiceWithBuildAndNoDockerBuildIsBuiltByCompose) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  std::string ref = projectName() + "_foo";
  EXPECT_EQ(resource(p, "foo").image_refs, Strings{ref});
  const model::ImageTarget* img = image(p, ref);
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(img->context, path("foo"));
  ASSERT_TRUE(img->compose.has_value());
  EXPECT_FALSE(img->docker.has_value());
  EXPECT_EQ(img->compose->service, "foo");
  EXPECT_EQ(img->compose->project, projectName());
  EXPECT_EQ(img->compose->image, ref);
  EXPECT_EQ(img->compose->dockerfile, path("foo/Dockerfile"));
  EXPECT_THAT(p.warnings, Not(Contains(HasSubstr("Image not used"))));
}

TEST_F(ComposeTest, AnAlternateDockerfileAndItsDockerignoreAreUsed) {
  file("baz/alternate-Dockerfile", "FROM alpine\n");
  file("baz/alternate-Dockerfile.dockerignore", "tmp\n");
  file("docker-compose.yml", "services:\n  baz:\n    build:\n      context: " + path("baz") +
                                 "\n      dockerfile: alternate-Dockerfile\n");
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  const model::ImageTarget* img = image(p, projectName() + "_baz");
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(img->compose->dockerfile, path("baz/alternate-Dockerfile"));
  EXPECT_THAT(p.config_files, Contains(path("baz/alternate-Dockerfile.dockerignore")));
  EXPECT_THAT(p.config_files, Not(Contains(path("baz/.dockerignore"))));
}

TEST_F(ComposeTest, AServiceWithARemoteBuildContextLoads) {
  file("docker-compose.yml",
       "services:\n  app:\n    build: https://github.com/tilt-dev/tilt-docker-compose-example.git\n"
       "    ports:\n    - published: 3000\n      target: 30\n");
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  const model::ImageTarget* img = image(p, projectName() + "_app");
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(img->context, "");
  EXPECT_EQ(resource(p, "app").dc->published_ports, std::vector<int>{3000});
}

TEST_F(ComposeTest, AServiceWithOnlyAnImageDeploysNoBuiltImage) {
  file("docker-compose.yml", "services:\n  bar:\n    image: redis:alpine\n");
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_TRUE(resource(p, "bar").image_refs.empty());
  EXPECT_TRUE(p.images.empty());
  EXPECT_EQ(parseYaml(resource(p, "bar").dc->service_yaml).value(),
            parseYaml("image: redis:alpine\nnetworks:\n  default: null\n").value());
}

TEST_F(ComposeTest, EnvFileInterpolatesTheComposeFile) {
  file("docker-compose.yml",
       "services:\n  bar:\n    image: bar-image\n    ports:\n      - \"$BAR_PORT:$BAR_PORT\"\n");
  file("local.env", "BAR_PORT=4000\n");
  file("Tiltfile", "docker_compose('docker-compose.yml', env_file='local.env')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "bar").dc->published_ports, std::vector<int>{4000});
  EXPECT_EQ(resource(p, "bar").dc->env_file, path("local.env"));
  EXPECT_THAT(p.config_files, Contains(path("local.env")));
}

TEST_F(ComposeTest, TheProjectDotEnvIsReadAndRecorded) {
  file(".env", "TAG=7\n");
  file("docker-compose.yml", "services:\n  bar:\n    image: bar:${TAG}\n");
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_EQ(parseYaml(resource(p, "bar").dc->service_yaml).value()["image"], "bar:7");
  EXPECT_THAT(p.config_files, Contains(path(".env")));
}

TEST_F(ComposeTest, ServiceEnvFilesAreConfigFiles) {
  file("docker-compose.yml",
       "services:\n  bar:\n    image: bar-image\n    env_file:\n      - bar.env\n");
  file("bar.env", "BAR_PORT=4000\n");
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.config_files, Contains(path("bar.env")));
  Json svc = parseYaml(resource(p, "bar").dc->service_yaml).value();
  EXPECT_EQ(svc["environment"]["BAR_PORT"], "4000");
}

TEST_F(ComposeTest, AMissingVariableFailsTheCallWithItsLine) {
  file("docker-compose.yml", "services:\n  bar:\n    image: ${IMAGE:?set IMAGE}\n");
  file("Tiltfile", "print('hi')\ndocker_compose('docker-compose.yml')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("error while interpolating services.bar.image: required variable "
                             "IMAGE is missing a value: set IMAGE"));
  EXPECT_THAT(err, HasSubstr("Tiltfile:2:15: in <toplevel>"));
}

TEST_F(ComposeTest, ProjectNameNamesTheProject) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml', project_name='hello')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "foo").dc->project, "hello");
  EXPECT_EQ(resource(p, "foo").image_refs, Strings{"hello_foo"});
}

TEST_F(ComposeTest, AnInvalidProjectNameIsAnError) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml', project_name='Hello World')\n");
  EXPECT_THAT(loadError(), HasSubstr("invalid project name \"Hello World\""));
}

TEST_F(ComposeTest, WaitIsRecorded) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml', wait=True)\n");
  EXPECT_TRUE(resource(loadOk(), "foo").dc->wait);
}

TEST_F(ComposeTest, AYamlBlobIsComposedFromATemporaryFile) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose(read_file('docker-compose.yml'))\n");
  model::Project p = loadOk();
  const model::Resource& foo = resource(p, "foo");
  ASSERT_EQ(foo.dc->config_paths.size(), 1u);
  std::string tmp = foo.dc->config_paths[0];
  EXPECT_NE(tmp, path("docker-compose.yml"));
  EXPECT_TRUE(std::filesystem::exists(tmp));
  EXPECT_EQ(foo.dc->project_dir, dir());
  EXPECT_EQ(foo.dc->project, projectName());
  EXPECT_EQ(foo.dc->published_ports, std::vector<int>{12312});
  EXPECT_THAT(p.config_files, Not(Contains(tmp)));
  // The build context is relative to the Tiltfile's directory.
  EXPECT_THAT(foo.dc->service_yaml, HasSubstr(path("foo")));
}

TEST_F(ComposeTest, TwoInlineBlobsMakeOneProject) {
  file("Tiltfile", "docker_compose([blob('''" + std::string(kSimpleConfig) + "'''), blob('''" +
                       std::string(kBarConfig) + "''')])\n");
  model::Project p = loadOk();
  EXPECT_EQ(names(p), (Strings{"foo", "bar"}));
  EXPECT_EQ(resource(p, "bar").resource_deps, Strings{"foo"});
}

TEST_F(ComposeTest, ABlobAndAFileUseTheFilesDirectory) {
  file("sub/docker-compose.yml", kSimpleConfig);
  file("sub/foo/Dockerfile", "FROM alpine\n");
  file("Tiltfile",
       "docker_compose([blob('''" + std::string(kBarConfig) + "'''), 'sub/docker-compose.yml'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(names(p), (Strings{"foo", "bar"}));
  EXPECT_EQ(resource(p, "foo").dc->project_dir, path("sub"));
  EXPECT_EQ(resource(p, "foo").dc->project, "sub");
  EXPECT_THAT(resource(p, "foo").dc->service_yaml, HasSubstr(path("sub/foo")));
}

TEST_F(ComposeTest, ConfigFilesAreRecordedEvenWhenTheTiltfileFailsLater) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\nfail('deliberate exit')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error.has_value());
  EXPECT_THAT(*r.error, HasSubstr("deliberate exit"));
  EXPECT_THAT(r.project.config_files, Contains(path("docker-compose.yml")));
}

// ---- several calls and projects ---------------------------------------------------------------

TEST_F(ComposeTest, CallsForTheSameDirectoryMakeOneProject) {
  file("docker-compose1.yml", kSimpleConfig);
  file("docker-compose2.yml", kBarConfig);
  file("Tiltfile",
       "docker_compose('docker-compose1.yml')\n"
       "docker_compose('docker-compose2.yml')\n");
  model::Project p = loadOk();
  EXPECT_EQ(names(p), (Strings{"foo", "bar"}));
  EXPECT_EQ(resource(p, "bar").dc->config_paths,
            (Strings{path("docker-compose1.yml"), path("docker-compose2.yml")}));
  EXPECT_EQ(resource(p, "bar").resource_deps, Strings{"foo"});
}

TEST_F(ComposeTest, SeveralFilesInOneCallOverrideEachOther) {
  file("docker-compose.yml", kSimpleConfig);
  file("docker-compose.override.yml",
       "services:\n  foo:\n    ports: ['8080:8080']\n    environment: [A=1]\n");
  file("Tiltfile", "docker_compose(['docker-compose.yml', 'docker-compose.override.yml'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "foo").dc->published_ports, (std::vector<int>{12312, 8080}));
  ASSERT_EQ(resource(p, "foo").links.size(), 2u);
  EXPECT_EQ(resource(p, "foo").links[1].url, "http://localhost:8080/");
}

TEST_F(ComposeTest, ProjectsInDifferentDirectoriesCanBeRenamedApart) {
  file("docker-compose1.yml", kSimpleConfig);
  file("subdir/foo/Dockerfile", "FROM alpine\n");
  file("subdir/Tiltfile", "docker_compose('docker-compose2.yml')\n");
  file("subdir/docker-compose2.yml", kSimpleConfig);
  file("Tiltfile",
       "include('./subdir/Tiltfile')\n"
       "dc_resource('foo', project_name='subdir', new_name='foo2')\n"
       "docker_compose('docker-compose1.yml')\n");
  model::Project p = loadOk();
  EXPECT_EQ(names(p), (Strings{"foo2", "foo"}));
  EXPECT_EQ(resource(p, "foo2").dc->project, "subdir");
  EXPECT_EQ(resource(p, "foo2").dc->service, "foo");
  EXPECT_EQ(resource(p, "foo").dc->project, projectName());
}

TEST_F(ComposeTest, ServicesOfTwoProjectsWithTheSameNameConflict) {
  file("docker-compose1.yml", kSimpleConfig);
  file("subdir/foo/Dockerfile", "FROM alpine\n");
  file("subdir/Tiltfile", "docker_compose('docker-compose2.yml')\n");
  file("subdir/docker-compose2.yml", kSimpleConfig);
  file("Tiltfile", "include('./subdir/Tiltfile')\ndocker_compose('docker-compose1.yml')\n");
  EXPECT_THAT(loadError(), HasSubstr("dc_resource named \"foo\" already exists"));
}

TEST_F(ComposeTest, AServiceNamedLikeALocalResourceConflicts) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "local_resource('foo', 'foo')\ndocker_compose('docker-compose.yml')\n");
  EXPECT_THAT(loadError(), HasSubstr("local_resource named \"foo\" already exists"));
}

TEST_F(ComposeTest, HasComposeServiceSeesDeclaredServices) {
  State st(options);
  DcProjectDecl decl;
  decl.services.push_back(DcServiceDecl{"web", {}, ""});
  st.get<ComposeState>().projects.push_back(decl);
  EXPECT_TRUE(hasComposeService(st, "web"));
  EXPECT_FALSE(hasComposeService(st, "db"));
}

// ---- dependencies -----------------------------------------------------------------------------

TEST_F(ComposeTest, DependsOnBecomesResourceDeps) {
  file("docker-compose.yml", kTwoServiceConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_EQ(names(p), (Strings{"foo", "bar"}));
  EXPECT_TRUE(resource(p, "foo").resource_deps.empty());
  EXPECT_EQ(resource(p, "bar").resource_deps, Strings{"foo"});
}

TEST_F(ComposeTest, ResourceDepsAddToDependsOnWithoutDuplicates) {
  file("docker-compose.yml", kThreeServiceConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('bar', resource_deps=['foo', 'db'])\n"
       "dc_resource('foo', resource_deps=['extra'])\n"
       "local_resource('extra', 'true')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "bar").resource_deps, (Strings{"db", "foo"}));
  EXPECT_EQ(resource(p, "foo").resource_deps, (Strings{"db", "extra"}));
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('db', resource_deps=['bar'])\n");
  EXPECT_THAT(loadError(), HasSubstr("cycle detected in resource dependency graph"));
}

TEST_F(ComposeTest, RenamingAServiceRenamesTheDependenciesOnIt) {
  for (const auto& renames : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {},
           {{"db", "db2"}},
           {{"foo", "foo2"}},
           {{"bar", "bar2"}},
           {{"foo", "foo2"}, {"bar", "bar2"}},
           {{"db", "db2"}, {"foo", "foo2"}, {"bar", "bar2"}}}) {
    std::map<std::string, std::string> all{{"db", "db"}, {"foo", "foo"}, {"bar", "bar"}};
    std::string tf = "docker_compose('docker-compose.yml')\n";
    for (const auto& [from, to] : renames) {
      tf += "dc_resource('" + from + "', new_name='" + to + "')\n";
      all[from] = to;
    }
    file("docker-compose.yml", kThreeServiceConfig);
    file("Tiltfile", tf);
    model::Project p = loadOk();
    EXPECT_EQ(names(p), (Strings{all["db"], all["foo"], all["bar"]})) << tf;
    EXPECT_TRUE(resource(p, all["db"]).resource_deps.empty()) << tf;
    EXPECT_EQ(resource(p, all["foo"]).resource_deps, Strings{all["db"]}) << tf;
    EXPECT_EQ(resource(p, all["bar"]).resource_deps, (Strings{all["db"], all["foo"]})) << tf;
    EXPECT_EQ(resource(p, all["bar"]).dc->service, "bar") << tf;
  }
}

TEST_F(ComposeTest, RenamingToATakenNameIsAnError) {
  file("docker-compose.yml", kThreeServiceConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', new_name='db')\n");
  EXPECT_THAT(loadError(), HasSubstr("dc_resource named \"db\" already exists"));
}

// ---- profiles ---------------------------------------------------------------------------------

constexpr std::string_view kProfilesConfig =
    "services:\n"
    "  foo:\n"
    "    build: ./foo\n"
    "  bar:\n"
    "    image: bar-image\n"
    "    depends_on: [foo]\n"
    "    profiles: [barprofile]\n";

TEST_F(ComposeTest, ServicesWithAProfileAreLeftOutByDefault) {
  file("docker-compose.yml", kProfilesConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo')\n");
  EXPECT_EQ(names(loadOk()), Strings{"foo"});
}

TEST_F(ComposeTest, ProfilesEnableServices) {
  file("docker-compose.yml", kProfilesConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml', profiles=['barprofile'])\n"
       "dc_resource('foo')\n"
       "dc_resource('bar')\n");
  model::Project p = loadOk();
  EXPECT_EQ(names(p), (Strings{"foo", "bar"}));
  EXPECT_EQ(resource(p, "bar").dc->profiles, Strings{"barprofile"});
}

TEST_F(ComposeTest, ComposeProfilesFromTheEnvironmentEnableServices) {
  setenv("COMPOSE_PROFILES", "barprofile", 1);
  file("docker-compose.yml", kProfilesConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('bar')\n");
  model::Project p = loadOk();
  unsetenv("COMPOSE_PROFILES");
  EXPECT_EQ(names(p), (Strings{"foo", "bar"}));
  EXPECT_EQ(resource(p, "bar").dc->profiles, Strings{"barprofile"});
  EXPECT_THAT(logText(), HasSubstr("loading profiles from environment: barprofile"));
}

TEST_F(ComposeTest, AServiceOutsideTheProfilesIsNotFound) {
  file("docker-compose.yml", kProfilesConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('bar')\n");
  EXPECT_THAT(loadError(), HasSubstr("no Docker Compose service found with name \"bar\". Found "
                                     "these instead:\n\tfoo"));
}

// ---- images -----------------------------------------------------------------------------------

TEST_F(ComposeTest, DcResourceImageSelectsADockerBuild) {
  file("bar/Dockerfile", "FROM alpine\n");
  file("docker-compose.yml", kTwoServiceConfig);
  file("Tiltfile",
       "docker_build('gcr.io/foo', './foo')\n"
       "docker_build('gcr.io/bar', './bar')\n"
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', 'gcr.io/foo')\n"
       "dc_resource('bar', 'gcr.io/bar')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "foo").image_refs, Strings{"gcr.io/foo"});
  EXPECT_EQ(resource(p, "bar").image_refs, Strings{"gcr.io/bar"});
  EXPECT_EQ(p.images.size(), 2u);  // no image built by Compose
  EXPECT_EQ(resource(p, "bar").dc->config_paths, Strings{path("docker-compose.yml")});
}

TEST_F(ComposeTest, ADockerBuildMatchingTheServiceImageIsUsedWithoutDcResource) {
  file("docker-compose.yml",
       "services:\n"
       "  foo:\n"
       "    image: gcr.io/as_specified_in_config:dev\n"
       "    build: ./foo\n"
       "  bar:\n"
       "    image: fooimage\n"
       "    depends_on: [foo]\n");
  file("Tiltfile",
       "docker_build('gcr.io/as_specified_in_config', './foo')\n"
       "docker_build('docker.io/library/fooimage', './foo')\n"
       "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "foo").image_refs, Strings{"gcr.io/as_specified_in_config"});
  EXPECT_EQ(resource(p, "bar").image_refs, Strings{"fooimage"});
  EXPECT_EQ(p.images.size(), 2u);
}

TEST_F(ComposeTest, OnlySomeServicesNeedADockerBuild) {
  file("docker-compose.yml", kTwoServiceConfig);
  file("Tiltfile",
       "img_name = 'gcr.io/foo'\n"
       "docker_build(img_name, './foo')\n"
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', img_name)\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "foo").image_refs, Strings{"gcr.io/foo"});
  EXPECT_TRUE(resource(p, "bar").image_refs.empty());
}

TEST_F(ComposeTest, ServicesSharingAComposeBuiltImageShareOneTarget) {
  file("docker-compose.yml",
       "services:\n"
       "  web: {build: ./foo, image: app}\n"
       "  worker: {build: ./foo, image: 'app:latest', command: work}\n");
  file("Tiltfile", "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "web").image_refs, Strings{"app"});
  EXPECT_EQ(resource(p, "worker").image_refs, Strings{"app"});
  EXPECT_EQ(p.images.size(), 1u);
}

TEST_F(ComposeTest, AnUnusedDockerBuildIsReportedForCompose) {
  file("docker-compose.yml", "services:\n  foo:\n    image: gcr.io/foo\n");
  file("Tiltfile",
       "docker_build('gcr.io.typo/foo', 'foo')\n"
       "docker_compose('docker-compose.yml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.warnings, Contains(HasSubstr("Image not used in any Docker Compose config:\n    ✕ "
                                             "gcr.io.typo/foo")));
}

TEST_F(ComposeTest, EntrypointOverridesAreNotSupported) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile",
       "docker_build('gcr.io/foo', './foo', entrypoint='./foo')\n"
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', 'gcr.io/foo')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("docker_build/custom_build.entrypoint not supported for Docker Compose "
                        "resources"));
}

TEST_F(ComposeTest, DefaultRegistryIsNotSupported) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndefault_registry('bar.com')\n");
  EXPECT_THAT(loadError(), HasSubstr("default_registry is not supported with docker compose"));
}

TEST_F(ComposeTest, AnInvalidImageIsAnError) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo', 'Bad_Image')\n");
  EXPECT_THAT(loadError(), HasSubstr("invalid reference format"));
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo', image=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("image arg must be a string; got starlark.Int"));
}

// ---- dc_resource ------------------------------------------------------------------------------

TEST_F(ComposeTest, DcResourceOfAnUnknownServiceListsTheKnownOnes) {
  file("docker-compose.yml", kTwoServiceConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('no-svc-with-this-name-eek')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("no Docker Compose service found with name "
                             "\"no-svc-with-this-name-eek\". Found these instead:\n\tfoo; bar"));
  EXPECT_THAT(err, HasSubstr("Tiltfile:2:12: in <toplevel>"));
}

TEST_F(ComposeTest, DcResourceWithAnEmptyNameIsAnError) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('')\n");
  EXPECT_THAT(loadError(), HasSubstr("dc_resource: `name` must not be empty"));
}

TEST_F(ComposeTest, DcResourceLooksOnlyInTheNamedProject) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml', project_name='main')\n"
       "dc_resource('foo', project_name='main', labels=['x'])\n"
       "dc_resource('foo', project_name='other')\n");
  EXPECT_THAT(loadError(), HasSubstr("no Docker Compose service found with name \"foo\". Found "
                                     "these instead:\n\t"));
}

TEST_F(ComposeTest, LabelsAreSortedAndValidated) {
  file("docker-compose.yml", kSimpleConfig);
  file("docker-compose2.yml", kBarConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', labels='test')\n"
       "docker_compose('docker-compose2.yml')\n"
       "dc_resource('bar', labels=['run', 'b'])\n"
       "dc_resource('bar', labels=['a'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "foo").labels, Strings{"test"});
  EXPECT_EQ(resource(p, "bar").labels, (Strings{"a", "b", "run"}));
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo', labels=['a/b'])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Invalid label \"a/b\": a valid label must be an empty string"));
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo', labels=['-x'])\n");
  EXPECT_THAT(loadError(), HasSubstr("Invalid label \"-x\": name part must consist of"));
}

TEST_F(ComposeTest, TriggerModesFollowTheGlobalSetting) {
  struct Case {
    std::string global;
    std::string local;
    model::TriggerMode mode;
    bool auto_init;
  };
  for (const Case& c : std::vector<Case>{
           {"", "", model::TriggerMode::kAuto, true},
           {"trigger_mode(TRIGGER_MODE_AUTO)", "", model::TriggerMode::kAuto, true},
           {"trigger_mode(TRIGGER_MODE_MANUAL)", "", model::TriggerMode::kManual, true},
           {"", "trigger_mode=TRIGGER_MODE_MANUAL", model::TriggerMode::kManual, true},
           {"", "trigger_mode=TRIGGER_MODE_MANUAL, auto_init=False", model::TriggerMode::kManual,
            false},
           {"trigger_mode(TRIGGER_MODE_MANUAL)", "trigger_mode=TRIGGER_MODE_AUTO",
            model::TriggerMode::kAuto, true},
           {"trigger_mode(TRIGGER_MODE_AUTO)", "trigger_mode=TRIGGER_MODE_MANUAL, auto_init=True",
            model::TriggerMode::kManual, true},
       }) {
    std::string tf = c.global + "\ndocker_compose('docker-compose.yml')\n";
    if (!c.local.empty()) tf += "dc_resource('foo', " + c.local + ")\n";
    file("docker-compose.yml", kSimpleConfig);
    file("Tiltfile", tf);
    model::Project p = loadOk();
    EXPECT_EQ(resource(p, "foo").trigger_mode, c.mode) << tf;
    EXPECT_EQ(resource(p, "foo").auto_init, c.auto_init) << tf;
  }
}

TEST_F(ComposeTest, LinksAreInferredUnlessTurnedOff) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', links=['http://localhost:9000', link('http://x.dev', 'docs')])\n");
  model::Project p = loadOk();
  const auto& links = resource(p, "foo").links;
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].url, "http://localhost:12312/");
  EXPECT_EQ(links[1].url, "http://localhost:9000");
  EXPECT_EQ(links[2].url, "http://x.dev");
  EXPECT_EQ(links[2].name, "docs");

  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "dc_resource('foo', infer_links=False, links='http://a')\n");
  p = loadOk();
  ASSERT_EQ(resource(p, "foo").links.size(), 1u);
  EXPECT_EQ(resource(p, "foo").links[0].url, "http://a");
  EXPECT_FALSE(resource(p, "foo").dc->infer_links);
}

TEST_F(ComposeTest, BadArgumentsAreErrors) {
  file("docker-compose.yml", kSimpleConfig);
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo', infer_links='yes')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("dc_resource: for parameter infer_links: got string, want bool"));
  file("Tiltfile", "docker_compose('docker-compose.yml')\ndc_resource('foo', resource_deps='x')\n");
  EXPECT_THAT(loadError(), HasSubstr("dc_resource: for parameter resource_deps: got string, want "
                                     "sequence"));
  file("Tiltfile", "docker_compose('docker-compose.yml', env_file=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("docker_compose: for parameter env_file: expected path | "
                                     "string. Actual type: starlark.Int"));
  file("Tiltfile", "docker_compose('docker-compose.yml', bogus=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("docker_compose: unexpected keyword argument \"bogus\""));
}

}  // namespace
}  // namespace slant::tiltfile
