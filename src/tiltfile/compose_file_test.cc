// Tests of the Compose loader: interpolation, .env files, merging, profiles, project names,
// canonical forms, extends and include.
#include "tiltfile/compose_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace slant::tiltfile::compose {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using Strings = std::vector<std::string>;

class ComposeFileTest : public ::testing::Test {
 protected:
  ComposeFileTest() {
    char tmpl[] = "/tmp/slant-compose-file-test-XXXXXX";
    char* d = mkdtemp(tmpl);
    root_ = d != nullptr ? d : "/tmp";
    dir_ = root_ + "/My_App";
    std::filesystem::create_directories(dir_);
  }
  ~ComposeFileTest() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::string file(const std::string& rel, const std::string& text) {
    std::string p = dir_ + "/" + rel;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }

  // Options for the files under the test directory, with a fixed environment.
  LoadOptions options(const Strings& files) {
    LoadOptions o;
    for (const std::string& f : files) o.files.push_back({dir_ + "/" + f, std::nullopt});
    o.environment = env;
    return o;
  }

  Project load(const Strings& files) {
    auto p = loadProject(options(files));
    EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message());
    return p ? *p : Project{};
  }

  std::string loadError(const Strings& files) {
    auto p = loadProject(options(files));
    EXPECT_FALSE(p.has_value()) << "the load succeeded";
    return p ? "" : p.error().message();
  }

  static const Service& service(const Project& p, const std::string& name) {
    for (const Service& s : p.services)
      if (s.name == name) return s;
    ADD_FAILURE() << "no service " << name;
    static const Service kNone;
    return kNone;
  }

  static Strings names(const Project& p) {
    Strings out;
    for (const Service& s : p.services) out.push_back(s.name);
    return out;
  }

  Env env;
  std::string root_;
  std::string dir_;
};

// ---- interpolation ----------------------------------------------------------------------------

TEST(ComposeInterpolation, SubstitutesEveryForm) {
  Env env{{"SET", "v"}, {"EMPTY", ""}};
  Lookup lookup = [&](std::string_view k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto sub = [&](std::string_view s) { return interpolate(s, lookup).value(); };
  EXPECT_EQ(sub("${SET}"), "v");
  EXPECT_EQ(sub("$SET/x"), "v/x");
  EXPECT_EQ(sub("a$$b $${SET}"), "a$b ${SET}");
  EXPECT_EQ(sub("${UNSET:-d}|${EMPTY:-d}|${SET:-d}"), "d|d|v");
  EXPECT_EQ(sub("${UNSET-d}|${EMPTY-d}|${SET-d}"), "d||v");
  EXPECT_EQ(sub("${UNSET:+a}|${EMPTY:+a}|${SET:+a}"), "||a");
  EXPECT_EQ(sub("${UNSET+a}|${EMPTY+a}|${SET+a}"), "|a|a");
  EXPECT_EQ(sub("${EMPTY?e}|${SET:?e}"), "|v");
  EXPECT_EQ(sub("${UNSET:-${SET}}-${UNSET:-x${SET}y}"), "v-xvy");
  EXPECT_EQ(sub("cost: $5 and $"), "cost: $5 and $");
}

TEST(ComposeInterpolation, WarnsAboutUnsetVariables) {
  std::vector<std::string> warnings;
  Lookup none = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_EQ(interpolate("a${X}b$Y", none, &warnings).value(), "ab");
  EXPECT_THAT(warnings,
              ElementsAre("The \"X\" variable is not set. Defaulting to a blank string.",
                          "The \"Y\" variable is not set. Defaulting to a blank string."));
}

TEST(ComposeInterpolation, RequiredVariablesFailWithTheirMessage) {
  Lookup none = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_EQ(interpolate("${DB:?set DB first}", none).error().message(),
            "required variable DB is missing a value: set DB first");
  EXPECT_EQ(interpolate("${DB?}", none).error().message(),
            "required variable DB is missing a value");
  EXPECT_EQ(interpolate("${1X}", none).error().message(), "Invalid template: \"${1X}\"");
  EXPECT_EQ(interpolate("${X", none).error().message(), "Invalid template: \"${X\"");
}

TEST_F(ComposeFileTest, InterpolatesFromTheEnvironmentAndTheDotEnvFile) {
  env = {{"TAG", "from-env"}};
  file(".env", "TAG=from-dotenv\nPORT=8080\n# a comment\nNAME=\"quoted ${PORT}\"\n");
  file("compose.yaml",
       "services:\n"
       "  web:\n"
       "    image: app:${TAG}\n"
       "    ports: ['${PORT}:80']\n"
       "    labels: {name: $NAME, missing: \"${NOPE:-none}\"}\n");
  Project p = load({"compose.yaml"});
  const Service& web = service(p, "web");
  EXPECT_EQ(web.image, "app:from-env");  // the environment wins over .env
  EXPECT_EQ(web.published_ports, std::vector<int>{8080});
  EXPECT_THAT(web.labels, ElementsAre(Pair("missing", "none"), Pair("name", "quoted 8080")));
  EXPECT_THAT(p.files_read, ElementsAre(dir_ + "/.env"));
}

TEST_F(ComposeFileTest, AnExplicitEnvFileReplacesDotEnv) {
  file(".env", "PORT=1\n");
  file("local.env", "PORT=4000\n");
  file("compose.yaml", "services:\n  bar:\n    image: bar\n    ports: ['$PORT:$PORT']\n");
  LoadOptions o = options({"compose.yaml"});
  o.env_files = {dir_ + "/local.env"};
  Project p = loadProject(o).value();
  EXPECT_EQ(p.services[0].published_ports, std::vector<int>{4000});
  EXPECT_EQ(p.services[0].ports[0].target, 4000);
}

TEST_F(ComposeFileTest, AMissingEnvFileIsAnError) {
  file("compose.yaml", "services:\n  bar:\n    image: bar\n");
  LoadOptions o = options({"compose.yaml"});
  o.env_files = {dir_ + "/nope.env"};
  EXPECT_EQ(loadProject(o).error().message(), "couldn't find env file: " + dir_ + "/nope.env");
}

TEST_F(ComposeFileTest, InterpolationErrorsNameThePath) {
  file("compose.yaml", "services:\n  web:\n    image: ${IMAGE:?image is required}\n");
  EXPECT_EQ(loadError({"compose.yaml"}),
            "error while interpolating services.web.image: required variable IMAGE is missing a "
            "value: image is required");
  file("bad.yaml", "services:\n  web:\n    image: ${}\n");
  EXPECT_EQ(loadError({"bad.yaml"}),
            "invalid interpolation format for services.web.image.\nYou may need to escape any $ "
            "with another $.\n${}");
}

TEST_F(ComposeFileTest, InterpolatedValuesAreCastWhereComposeExpectsNumbers) {
  env = {{"T", "80"}, {"TTY", "yes"}};
  file("compose.yaml",
       "services:\n  web:\n    image: web\n    tty: $TTY\n    ports:\n"
       "      - target: ${T}\n        published: '8080'\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(p.services[0].ports[0].target, 80);
  EXPECT_EQ(p.services[0].config["tty"], Json(true));
  file("bad.yaml", "services:\n  web:\n    image: web\n    ports:\n      - target: eighty\n");
  EXPECT_EQ(loadError({"bad.yaml"}),
            "error while interpolating services.web.ports.[].target: failed to cast to expected "
            "type: strconv.Atoi: parsing \"eighty\": invalid syntax");
}

// ---- dotenv -----------------------------------------------------------------------------------

TEST(ComposeDotEnv, ParsesComposesDialect) {
  Env out;
  ASSERT_TRUE(parseDotEnv("# comment\n"
                          "export A=1\n"
                          "B = two words # trailing comment\n"
                          "C='single $A'\n"
                          "D=\"double $A\\n\\$A\"\n"
                          "E: yaml style\n"
                          "F=\n"
                          "G=${A}${B}\n",
                          out)
                  .has_value());
  EXPECT_EQ(out["A"], "1");
  EXPECT_EQ(out["B"], "two words");
  EXPECT_EQ(out["C"], "single $A");
  EXPECT_EQ(out["D"], "double 1\n$A");
  EXPECT_EQ(out["E"], "yaml style");
  EXPECT_EQ(out["F"], "");
  EXPECT_EQ(out["G"], "1two words");
}

TEST(ComposeDotEnv, InheritsBareNamesFromTheLookup) {
  Env out;
  Lookup lookup = [](std::string_view k) -> std::optional<std::string> {
    if (k == "HOME_DIR") return std::string("/home/me");
    return std::nullopt;
  };
  ASSERT_TRUE(parseDotEnv("HOME_DIR\nUNSET\n", out, lookup).has_value());
  EXPECT_EQ(out["HOME_DIR"], "/home/me");
  EXPECT_FALSE(out.contains("UNSET"));
}

TEST(ComposeDotEnv, ReportsTheLineOfAnError) {
  Env out;
  EXPECT_EQ(parseDotEnv("A=1\nB!=2\n", out).error().message(),
            "line 2: unexpected character \"!\" in variable name \"B!=2\"");
  EXPECT_EQ(parseDotEnv("A=\"open\n", out).error().message(),
            "line 2: unterminated quoted value \"open");
}

// ---- shell words ------------------------------------------------------------------------------

TEST(ComposeShellWords, SplitsLikeAShell) {
  EXPECT_EQ(splitShellWords("sh -c 'node server.js'").value(),
            (Strings{"sh", "-c", "node server.js"}));
  EXPECT_EQ(splitShellWords("echo \"a \\\"b\\\"\" c\\ d ''").value(),
            (Strings{"echo", "a \"b\"", "c d", ""}));
  EXPECT_FALSE(splitShellWords("echo 'open").has_value());
}

// ---- project name -----------------------------------------------------------------------------

TEST_F(ComposeFileTest, TheProjectNameFollowsComposesPrecedence) {
  file("compose.yaml", "services:\n  a:\n    image: a\n");
  EXPECT_EQ(load({"compose.yaml"}).name, "my_app");  // the directory, normalized
  file("named.yaml", "name: ${PREFIX:-x}-Named\nservices:\n  a:\n    image: a\n");
  EXPECT_EQ(load({"named.yaml"}).name, "x-named");
  env["COMPOSE_PROJECT_NAME"] = "from-env";
  EXPECT_EQ(load({"named.yaml"}).name, "from-env");
  LoadOptions o = options({"named.yaml"});
  o.project_name = "explicit";
  EXPECT_EQ(loadProject(o).value().name, "explicit");
  o.project_name = "Bad Name";
  EXPECT_THAT(loadProject(o).error().message(),
              HasSubstr("invalid project name \"Bad Name\": must consist only of lowercase"));
}

TEST_F(ComposeFileTest, TheProjectNameIsAvailableForInterpolation) {
  file("compose.yaml", "services:\n  a:\n    image: ${COMPOSE_PROJECT_NAME}-a\n");
  EXPECT_EQ(load({"compose.yaml"}).services[0].image, "my_app-a");
}

TEST(ComposeProjectName, NormalizesAsCompose) {
  EXPECT_EQ(normalizeProjectName("My App.v2"), "myappv2");
  EXPECT_EQ(normalizeProjectName("__-x_y-"), "x_y-");
  EXPECT_EQ(normalizeProjectName("..."), "");
}

// ---- services ---------------------------------------------------------------------------------

TEST_F(ComposeFileTest, ServicesComeAfterTheirDependencies) {
  file("compose.yaml",
       "services:\n"
       "  a: {image: imga, depends_on: [b]}\n"
       "  b: {image: imgb, depends_on: [c]}\n"
       "  c: {image: imgc, depends_on: [d, e, f]}\n"
       "  d: {image: imgd, depends_on: [f, e]}\n"
       "  e: {image: imge, depends_on: [f]}\n"
       "  f: {image: imgf}\n"
       "  g: {image: imgg}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(names(p), (Strings{"f", "e", "d", "c", "b", "a", "g"}));
  EXPECT_EQ(service(p, "d").depends_on, (Strings{"f", "e"}));
}

TEST_F(ComposeFileTest, PortsInEverySyntaxGivePublishedPorts) {
  file("compose.yaml",
       "services:\n"
       "  app:\n"
       "    image: app\n"
       "    ports:\n"
       "      - 3000/tcp\n"
       "      - 3001:30/tcp\n"
       "      - 127.0.0.1:3002:30\n"
       "      - '[::1]:3003:31/udp'\n"
       "      - 9000-9001:90-91\n"
       "      - 8000-8010:80\n"
       "      - 5000\n"
       "      - published: 3004\n"
       "        target: 30\n"
       "      - {published: '3005', target: 30, host_ip: 0.0.0.0}\n");
  Project p = load({"compose.yaml"});
  const Service& app = p.services[0];
  EXPECT_EQ(app.published_ports, (std::vector<int>{3001, 3002, 3003, 9000, 9001, 3004, 3005}));
  ASSERT_EQ(app.ports.size(), 10u);
  EXPECT_EQ(app.ports[0].published, "");
  EXPECT_EQ(app.ports[0].target, 3000);
  EXPECT_EQ(app.ports[2].host_ip, "127.0.0.1");
  EXPECT_EQ(app.ports[3].host_ip, "::1");
  EXPECT_EQ(app.ports[3].protocol, "udp");
  EXPECT_EQ(app.ports[6].published, "8000-8010");
  EXPECT_EQ(app.ports[7].target, 5000);
}

TEST_F(ComposeFileTest, BadPortsAreErrors) {
  file("compose.yaml", "services:\n  app:\n    image: app\n    ports: ['80:abc']\n");
  EXPECT_EQ(loadError({"compose.yaml"}), "invalid containerPort: abc");
  file("proto.yaml", "services:\n  app:\n    image: app\n    ports: ['80:80/xyz']\n");
  EXPECT_EQ(loadError({"proto.yaml"}), "invalid proto: xyz");
}

TEST_F(ComposeFileTest, BuildContextsAndDockerfilesAreMadeAbsolute) {
  file("compose.yaml",
       "services:\n"
       "  short: {build: ./foo}\n"
       "  long: {build: {context: bar, dockerfile: alt.Dockerfile, target: dev}}\n"
       "  abs: {build: {context: /src, dockerfile: /df/Dockerfile}}\n"
       "  git: {build: 'https://github.com/x/y.git'}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(service(p, "short").build->context, dir_ + "/foo");
  EXPECT_EQ(service(p, "short").build->dockerfile, "Dockerfile");
  EXPECT_EQ(service(p, "short").build->dockerfile_path, dir_ + "/foo/Dockerfile");
  EXPECT_EQ(service(p, "long").build->dockerfile_path, dir_ + "/bar/alt.Dockerfile");
  EXPECT_EQ(service(p, "long").build->target, "dev");
  EXPECT_EQ(service(p, "abs").build->dockerfile_path, "/df/Dockerfile");
  EXPECT_EQ(service(p, "git").build->context, "https://github.com/x/y.git");
  EXPECT_FALSE(service(p, "git").build->local);
  EXPECT_EQ(service(p, "git").build->dockerfile_path, "Dockerfile");
}

TEST_F(ComposeFileTest, TheServiceIsReEmittedInCanonicalForm) {
  file("compose.yaml",
       "version: '3'\n"
       "services:\n"
       "  foo:\n"
       "    build: ./foo\n"
       "    command: sleep 100\n"
       "    ports:\n"
       "      - \"12312:80\"\n");
  Project p = load({"compose.yaml"});
  Json expected = parseYaml(
                      "build:\n"
                      "    context: " +
                      dir_ +
                      "/foo\n"
                      "    dockerfile: Dockerfile\n"
                      "command:\n"
                      "    - sleep\n"
                      "    - \"100\"\n"
                      "networks:\n"
                      "    default: null\n"
                      "ports:\n"
                      "    - mode: ingress\n"
                      "      target: 80\n"
                      "      published: \"12312\"\n"
                      "      protocol: tcp\n")
                      .value();
  EXPECT_EQ(p.services[0].config, expected);
  EXPECT_EQ(parseYaml(p.services[0].yaml).value(), expected);
}

TEST_F(ComposeFileTest, AnImageOnlyServiceJoinsTheDefaultNetwork) {
  file("compose.yaml", "services:\n  bar:\n    image: redis:alpine\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(p.services[0].config,
            parseYaml("image: redis:alpine\nnetworks:\n  default: null\n").value());
  EXPECT_EQ(p.model["networks"]["default"]["name"], "my_app_default");
}

TEST_F(ComposeFileTest, EnvironmentMergesEnvFilesAndResolvesBareNames) {
  env = {{"FROM_HOST", "host"}};
  file("svc.env", "A=from-file\nB=from-file\nC=${FROM_HOST}-x\n");
  file("compose.yaml",
       "services:\n"
       "  web:\n"
       "    image: web\n"
       "    env_file: svc.env\n"
       "    environment:\n"
       "      - B=explicit\n"
       "      - FROM_HOST\n"
       "      - NOT_SET\n");
  Project p = load({"compose.yaml"});
  const Service& web = p.services[0];
  EXPECT_EQ(web.env_files, Strings{dir_ + "/svc.env"});
  EXPECT_THAT(web.environment,
              ElementsAre(Pair("A", "from-file"), Pair("B", "explicit"), Pair("C", "host-x"),
                          Pair("FROM_HOST", "host"), Pair("NOT_SET", std::nullopt)));
  EXPECT_THAT(p.files_read, ::testing::Contains(dir_ + "/svc.env"));
}

TEST_F(ComposeFileTest, AMissingServiceEnvFileIsAnErrorUnlessOptional) {
  file("compose.yaml", "services:\n  web:\n    image: web\n    env_file: nope.env\n");
  EXPECT_THAT(loadError({"compose.yaml"}), HasSubstr("env file " + dir_ + "/nope.env not found"));
  file("optional.yaml",
       "services:\n  web:\n    image: web\n    env_file: [{path: nope.env, required: false}]\n");
  EXPECT_TRUE(load({"optional.yaml"}).services[0].environment.empty());
}

TEST_F(ComposeFileTest, LinksVolumesFromAndNetworkModeImplyDependencies) {
  file("compose.yaml",
       "services:\n"
       "  web: {image: web, links: ['db:database'], volumes_from: [data]}\n"
       "  side: {image: side, network_mode: 'service:web'}\n"
       "  db: {image: db}\n"
       "  data: {image: data}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(names(p), (Strings{"db", "data", "web", "side"}));
  EXPECT_EQ(service(p, "web").depends_on, (Strings{"db", "data"}));
}

TEST_F(ComposeFileTest, BindMountsAreAbsolute) {
  file("compose.yaml",
       "services:\n"
       "  foo:\n"
       "    image: foo\n"
       "    volumes:\n"
       "      - ./foo:/foo/\n"
       "      - bar:/bar:ro\n"
       "      - {type: bind, source: ./src, target: /src}\n"
       "volumes:\n  bar: {}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(p.services[0].bind_mounts, (Strings{dir_ + "/foo", dir_ + "/src"}));
  EXPECT_EQ(p.services[0].config["volumes"][0]["target"], "/foo");
  EXPECT_EQ(p.services[0].config["volumes"][1]["read_only"], true);
}

// ---- merging ----------------------------------------------------------------------------------

TEST_F(ComposeFileTest, LaterFilesOverrideAndExtendEarlierOnes) {
  file("compose.yaml",
       "services:\n"
       "  web:\n"
       "    image: web:1\n"
       "    command: [run, a]\n"
       "    ports: ['8080:80']\n"
       "    environment: {A: '1', B: '1'}\n"
       "    labels: [x=1]\n"
       "  db:\n"
       "    image: db\n");
  file("override.yaml",
       "services:\n"
       "  web:\n"
       "    image: web:2\n"
       "    command: run b\n"
       "    ports: ['9090:90', {target: 80, published: '8080', protocol: tcp}]\n"
       "    environment: [B=2, C=3]\n"
       "    labels: {y: '2'}\n"
       "    depends_on: [db]\n");
  Project p = load({"compose.yaml", "override.yaml"});
  EXPECT_EQ(names(p), (Strings{"db", "web"}));
  const Service& web = service(p, "web");
  EXPECT_EQ(web.image, "web:2");
  EXPECT_EQ(web.config["command"], Json::array({"run", "b"}));
  EXPECT_EQ(web.published_ports, (std::vector<int>{8080, 9090}));
  EXPECT_THAT(web.environment, ElementsAre(Pair("A", "1"), Pair("B", "2"), Pair("C", "3")));
  EXPECT_THAT(web.labels, ElementsAre(Pair("x", "1"), Pair("y", "2")));
  EXPECT_EQ(web.depends_on, Strings{"db"});
}

TEST_F(ComposeFileTest, AMergeOfIncompatibleTypesIsAnError) {
  file("compose.yaml",
       "services:\n  web:\n    image: web\n    ulimits: {nofile: 1}\n    deploy: {}\n");
  file("override.yaml", "services:\n  web:\n    deploy: [x]\n");
  EXPECT_EQ(loadError({"compose.yaml", "override.yaml"}), "cannot override services.web.deploy");
}

TEST_F(ComposeFileTest, YamlMergeKeysAndExtensionFieldsWork) {
  file("compose.yaml",
       "x-common: &common\n"
       "  image: shared\n"
       "  environment: {A: '1'}\n"
       "services:\n"
       "  one:\n"
       "    <<: *common\n"
       "  two:\n"
       "    <<: *common\n"
       "    image: own\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(service(p, "one").image, "shared");
  EXPECT_EQ(service(p, "two").image, "own");
  EXPECT_FALSE(p.model.contains("x-common"));
}

TEST_F(ComposeFileTest, ScalarsAreTypedAsYaml12) {
  file("compose.yaml",
       "services:\n"
       "  web:\n"
       "    image: web\n"
       "    environment: {DEBUG: on, y: yes, N: 010, F: 1.50, Q: '1'}\n"
       "    labels: [a=b]\n");
  Project p = load({"compose.yaml"});
  EXPECT_THAT(p.services[0].environment,
              ElementsAre(Pair("DEBUG", "on"), Pair("F", "1.5"), Pair("N", "8"), Pair("Q", "1"),
                          Pair("y", "yes")));
}

// ---- profiles ---------------------------------------------------------------------------------

TEST_F(ComposeFileTest, ServicesWithProfilesRunOnlyWhenAProfileIsEnabled) {
  file("compose.yaml",
       "services:\n"
       "  foo: {image: foo}\n"
       "  bar: {image: bar, depends_on: [foo], profiles: [barprofile]}\n"
       "  baz: {image: baz, profiles: [other]}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(names(p), Strings{"foo"});
  EXPECT_EQ(p.disabled_services, (Strings{"bar", "baz"}));

  LoadOptions o = options({"compose.yaml"});
  o.profiles = Strings{"barprofile"};
  EXPECT_EQ(names(loadProject(o).value()), (Strings{"foo", "bar"}));
  o.profiles = Strings{"*"};
  EXPECT_EQ(names(loadProject(o).value()), (Strings{"foo", "bar", "baz"}));

  env["COMPOSE_PROFILES"] = "other, barprofile";
  EXPECT_EQ(names(load({"compose.yaml"})), (Strings{"foo", "bar", "baz"}));
}

TEST_F(ComposeFileTest, DependingOnADisabledServiceIsAnError) {
  file("compose.yaml",
       "services:\n"
       "  foo: {image: foo, depends_on: [bar]}\n"
       "  bar: {image: bar, profiles: [debug]}\n");
  EXPECT_EQ(loadError({"compose.yaml"}),
            "service \"foo\" depends on undefined service \"bar\": invalid compose project");
}

// ---- consistency ------------------------------------------------------------------------------

TEST_F(ComposeFileTest, ConsistencyErrorsAreComposes) {
  file("noimage.yaml", "services:\n  foo:\n    command: x\n");
  EXPECT_EQ(loadError({"noimage.yaml"}),
            "service \"foo\" has neither an image nor a build context specified: invalid compose "
            "project");
  file("net.yaml", "services:\n  foo:\n    image: x\n    networks: [back]\n");
  EXPECT_EQ(loadError({"net.yaml"}),
            "service \"foo\" refers to undefined network back: invalid compose project");
  file("vol.yaml", "services:\n  foo:\n    image: x\n    volumes: ['data:/data']\n");
  EXPECT_EQ(loadError({"vol.yaml"}),
            "service \"foo\" refers to undefined volume data: invalid compose project");
  file("top.yaml", "services:\n  foo:\n    image: x\nservicez: {}\n");
  EXPECT_EQ(loadError({"top.yaml"}),
            "validating " + dir_ + "/top.yaml: additional properties 'servicez' not allowed");
  file("list.yaml", "- a\n- b\n");
  EXPECT_EQ(loadError({"list.yaml"}), "top-level object must be a mapping");
  file("empty.yaml", "");
  EXPECT_EQ(loadError({"empty.yaml"}), "empty compose file");
  EXPECT_EQ(loadError({"missing.yaml"}),
            "open " + dir_ + "/missing.yaml: no such file or directory");
}

TEST_F(ComposeFileTest, YamlSyntaxErrorsNameTheFile) {
  file("compose.yaml", "services:\n  foo: [\n");
  EXPECT_THAT(loadError({"compose.yaml"}),
              HasSubstr("failed to parse " + dir_ + "/compose.yaml: "));
}

// ---- extends and include ----------------------------------------------------------------------

TEST_F(ComposeFileTest, ExtendsMergesTheBaseService) {
  file("common.yaml",
       "services:\n"
       "  base:\n"
       "    build: ./app\n"
       "    environment: {A: '1'}\n");
  file("compose.yaml",
       "services:\n"
       "  web:\n"
       "    extends: {file: common.yaml, service: base}\n"
       "    environment: {B: '2'}\n"
       "  worker:\n"
       "    extends: web\n"
       "    command: work\n");
  Project p = load({"compose.yaml"});
  const Service& worker = service(p, "worker");
  EXPECT_EQ(worker.build->context, dir_ + "/app");
  EXPECT_THAT(worker.environment, ElementsAre(Pair("A", "1"), Pair("B", "2")));
  EXPECT_FALSE(worker.config.contains("extends"));
  EXPECT_THAT(p.files_read, ::testing::Contains(dir_ + "/common.yaml"));
}

TEST_F(ComposeFileTest, ExtendingAMissingServiceIsAnError) {
  file("compose.yaml", "services:\n  web:\n    extends: nope\n");
  EXPECT_EQ(loadError({"compose.yaml"}), "cannot extend service \"web\" in " + dir_ +
                                             "/compose.yaml: service \"nope\" not found");
}

TEST_F(ComposeFileTest, CircularExtendsIsAnError) {
  file("compose.yaml", "services:\n  a: {image: a, extends: b}\n  b: {image: b, extends: a}\n");
  EXPECT_THAT(loadError({"compose.yaml"}), HasSubstr("Circular reference:"));
}

TEST_F(ComposeFileTest, DotEnvCanBeDisabled) {
  env["COMPOSE_DISABLE_ENV_FILE"] = "true";
  file(".env", "TAG=1\n");
  file("compose.yaml", "services:\n  a: {image: 'a:${TAG:-none}'}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(p.services[0].image, "a:none");
  EXPECT_TRUE(p.files_read.empty());
}

TEST_F(ComposeFileTest, IncludedProjectsBringTheirServices) {
  file("db/compose.yaml",
       "services:\n"
       "  db:\n"
       "    build: .\n"
       "    image: db:${DB_TAG}\n");
  file("db/.env", "DB_TAG=15\n");
  file("compose.yaml",
       "include:\n"
       "  - db/compose.yaml\n"
       "services:\n"
       "  web: {image: web, depends_on: [db]}\n");
  Project p = load({"compose.yaml"});
  EXPECT_EQ(names(p), (Strings{"db", "web"}));
  EXPECT_EQ(service(p, "db").image, "db:15");
  EXPECT_EQ(service(p, "db").build->context, dir_ + "/db");
  EXPECT_THAT(p.files_read, ::testing::Contains(dir_ + "/db/compose.yaml"));
}

TEST_F(ComposeFileTest, ContentCanBeGivenInsteadOfAFile) {
  LoadOptions o;
  o.files.push_back({dir_ + "/inline.yaml", std::string("services:\n  a: {image: a}\n")});
  o.environment = Env{};
  Project p = loadProject(o).value();
  EXPECT_EQ(p.name, "my_app");
  EXPECT_EQ(names(p), Strings{"a"});
}

}  // namespace
}  // namespace slant::tiltfile::compose
