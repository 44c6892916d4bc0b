#include "docker/compose_parse.h"

#include <gtest/gtest.h>

#include <chrono>

namespace slant::docker {
namespace {

using std::chrono::system_clock;

system_clock::time_point utc(int y, int mo, int d, int h, int mi, int s, long long ns = 0) {
  auto days = std::chrono::sys_days(std::chrono::year(y) / mo / d);
  return std::chrono::time_point_cast<system_clock::duration>(
      days + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) +
      std::chrono::nanoseconds(ns));
}

TEST(ComposeParse, ReadsTheVersionOfComposeV1AndV2) {
  EXPECT_EQ(parseComposeVersion("docker-compose version 1.29.2, build unknown\n"
                                "docker-py version: 5.0.3\n"),
            "1.29.2");
  EXPECT_EQ(parseComposeVersion("Docker Compose version v2.20.2\n"), "2.20.2");
  EXPECT_EQ(parseComposeVersion("Docker Compose version 2.0.0-rc.3"), "2.0.0-rc.3");
  EXPECT_EQ(parseComposeVersion("docker-compose version: 1.4.0"), "1.4.0");
  auto bad = parseComposeVersion("docker: 'compose' is not a docker command.\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(),
            "could not parse version from output: \"docker: 'compose' is not a docker command.\"");
  EXPECT_EQ(composeMajorVersion("1.29.2"), 1);
  EXPECT_EQ(composeMajorVersion("2.20.2"), 2);
  EXPECT_EQ(composeMajorVersion(""), 0);
}

TEST(ComposeParse, ProjectArgumentsFollowTiltsOrder) {
  model::DcTarget t;
  t.project = "demo";
  t.project_dir = "/src/demo";
  t.env_file = "/src/demo/.env.dev";
  t.config_paths = {"/src/demo/a.yml", "/src/demo/b.yml"};
  t.profiles = {"debug", "tools"};
  EXPECT_EQ(composeProjectArgs(t, {"/cache/web.yml"}),
            (std::vector<std::string>{"--project-name", "demo", "--project-directory", "/src/demo",
                                      "--env-file", "/src/demo/.env.dev", "-f", "/src/demo/a.yml",
                                      "-f", "/src/demo/b.yml", "-f", "/cache/web.yml", "--profile",
                                      "debug", "--profile", "tools"}));
  model::DcTarget bare;
  bare.project = "p";
  bare.project_dir = "/d";
  bare.config_paths = {"/d/docker-compose.yml"};
  EXPECT_EQ(composeProjectArgs(bare),
            (std::vector<std::string>{"--project-name", "p", "--project-directory", "/d", "-f",
                                      "/d/docker-compose.yml"}));
}

TEST(ComposeParse, TheOverrideFileNamesOnlyTheServiceAndItsImage) {
  std::string file = imageOverrideFile("web", "web:tilt-0123456789abcdef");
  EXPECT_NE(file.find("\"services\": {"), std::string::npos) << file;
  EXPECT_NE(file.find("\"web\": {"), std::string::npos) << file;
  EXPECT_NE(file.find("\"image\": \"web:tilt-0123456789abcdef\""), std::string::npos) << file;
  EXPECT_EQ(file.find("build"), std::string::npos) << file;
  // Odd characters are quoted, never interpreted as YAML.
  std::string odd = imageOverrideFile("a\"b", "x: y");
  EXPECT_NE(odd.find("\"a\\\"b\""), std::string::npos) << odd;
  EXPECT_NE(odd.find("\"x: y\""), std::string::npos) << odd;
}

TEST(ComposeParse, ReadsContainerEventsOfDocker) {
  auto e = parseContainerEvent(
      R"({"status":"health_status: healthy","id":"abc123","from":"img","Type":"container",)"
      R"("Action":"health_status: healthy","Actor":{"ID":"abc123","Attributes":{)"
      R"("com.docker.compose.project":"demo","com.docker.compose.service":"web","name":"x"}},)"
      R"("scope":"local","time":1714558830,"timeNano":1714558830123456789})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->id, "abc123");
  EXPECT_EQ(e->action, "health_status: healthy");
  EXPECT_EQ(e->project, "demo");
  EXPECT_EQ(e->service, "web");
  EXPECT_EQ(e->time, utc(2024, 5, 1, 10, 20, 30, 123456789));
  EXPECT_FALSE(parseContainerEvent("not json"));
  EXPECT_FALSE(parseContainerEvent(R"({"Type":"network","Action":"create","Actor":{"ID":"n"}})"));
  EXPECT_FALSE(parseContainerEvent(R"({"Type":"container","Action":"start"})"));
  EXPECT_FALSE(parseContainerEvent("[1,2]"));
}

TEST(ComposeParse, ReadsTheStateOfAnInspectedContainer) {
  auto s = parseContainerInspect(R"([{
    "Id": "c0ffee",
    "State": {"Status": "running", "Running": true, "OOMKilled": false, "ExitCode": 0,
              "Error": "", "StartedAt": "2024-05-01T10:20:30.5Z",
              "FinishedAt": "0001-01-01T00:00:00Z",
              "Health": {"Status": "unhealthy", "FailingStreak": 3, "Log": [
                 {"ExitCode": 0, "Output": "ok\n"},
                 {"ExitCode": 1, "Output": "  connection refused\n"}]}},
    "NetworkSettings": {"Ports": {
       "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", "HostPort": "8080"}],
       "443/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8443"}],
       "9000/tcp": null}}
  }])");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->container_id, "c0ffee");
  EXPECT_EQ(s->status, "running");
  EXPECT_EQ(s->health, "unhealthy");
  EXPECT_EQ(s->health_output, "connection refused");
  EXPECT_EQ(s->started_at, utc(2024, 5, 1, 10, 20, 30, 500000000));
  EXPECT_EQ(s->published_ports, (std::vector<int>{8080, 8443}));

  auto exited = parseContainerInspect(
      R"({"Id":"d","State":{"Status":"exited","ExitCode":3,"OOMKilled":true,"Error":"boom",)"
      R"("StartedAt":"0001-01-01T00:00:00Z"}})");
  ASSERT_TRUE(exited) << exited.error();
  EXPECT_EQ(exited->exit_code, 3);
  EXPECT_TRUE(exited->oom_killed);
  EXPECT_EQ(exited->error, "boom");
  EXPECT_EQ(exited->started_at, system_clock::time_point{});
  EXPECT_TRUE(exited->health.empty());
  EXPECT_TRUE(exited->published_ports.empty());

  EXPECT_EQ(parseContainerInspect("[]").error(),
            "docker inspect printed 0 objects, expected one container");
  EXPECT_EQ(parseContainerInspect("{").error(), "docker inspect printed malformed JSON");
  EXPECT_EQ(parseContainerInspect(R"({"Id":"x"})").error(),
            "docker inspect printed no container State");
}

TEST(ComposeParse, ParsesDockerTimesWithFractionsAndOffsets) {
  EXPECT_EQ(parseDockerTime("2024-05-01T10:20:30Z"), utc(2024, 5, 1, 10, 20, 30));
  EXPECT_EQ(parseDockerTime("2024-05-01T10:20:30.123456789Z"),
            utc(2024, 5, 1, 10, 20, 30, 123456789));
  EXPECT_EQ(parseDockerTime("2024-05-01T10:20:30.1234567891Z"),
            utc(2024, 5, 1, 10, 20, 30, 123456789));
  EXPECT_EQ(parseDockerTime("2024-05-01T12:20:30.5+02:00"), utc(2024, 5, 1, 10, 20, 30, 500000000));
  EXPECT_EQ(parseDockerTime("0001-01-01T00:00:00Z"), system_clock::time_point{});
  EXPECT_FALSE(parseDockerTime("2024-05-01 garbage"));
  EXPECT_FALSE(parseDockerTime("2024-13-01T10:20:30Z"));
  EXPECT_FALSE(parseDockerTime("2024-05-01T10:20:30"));
  EXPECT_FALSE(parseDockerTime("2024-05-01T10:20:30.Z"));
  EXPECT_EQ(formatDockerSince(utc(2024, 5, 1, 10, 20, 30, 5)), "1714558830.000000005");
}

TEST(ComposeParse, SplitsTimestampedLogLines) {
  auto l = splitTimestampedLine("2024-05-01T10:20:30.000000001Z hello world\r");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->time, utc(2024, 5, 1, 10, 20, 30, 1));
  EXPECT_EQ(l->text, "hello world");
  auto empty = splitTimestampedLine("2024-05-01T10:20:30.000000001Z ");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->text, "");
  EXPECT_FALSE(splitTimestampedLine("Error response from daemon: No such container: x"));
}

TEST(ComposeParse, OutputTailKeepsTheLastNonBlankLines) {
  OutputTail tail(2);
  EXPECT_TRUE(tail.empty());
  tail.add("one");
  tail.add("   ");
  tail.add("two\r");
  tail.add("three  ");
  EXPECT_EQ(tail.text(), "two\nthree");
}

}  // namespace
}  // namespace slant::docker
