// Tests of probe(), exec_action(), http_get_action() and tcp_socket_action().
#include "tiltfile/probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;

// The readiness probe of the single local resource of `src` (a Tiltfile ending in a probe
// expression assigned to p).
std::optional<model::Probe> probeOf(const model::Project& p) {
  if (p.resources.empty() || !p.resources[0].local) return std::nullopt;
  return p.resources[0].local->readiness_probe;
}

TEST_F(TiltfileTest, ProbeWithExecAction) {
  file("Tiltfile",
       "p = probe(initial_delay_secs=2, timeout_secs=3, period_secs=4, success_threshold=5,\n"
       "          failure_threshold=6, exec=exec_action(['curl', '-f', 'localhost:8000']))\n"
       "local_resource('a', serve_cmd='./server', readiness_probe=p)\n");
  model::Project p = loadOk();
  auto probe = probeOf(p);
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ(probe->initial_delay_secs, 2);
  EXPECT_EQ(probe->timeout_secs, 3);
  EXPECT_EQ(probe->period_secs, 4);
  EXPECT_EQ(probe->success_threshold, 5);
  EXPECT_EQ(probe->failure_threshold, 6);
  ASSERT_TRUE(probe->exec.has_value());
  EXPECT_EQ(probe->exec->argv, (std::vector<std::string>{"curl", "-f", "localhost:8000"}));
  EXPECT_FALSE(probe->http_get.has_value());
  EXPECT_FALSE(probe->tcp_socket.has_value());
}

TEST_F(TiltfileTest, ProbeDefaultsAreThoseOfTheProber) {
  file("Tiltfile",
       "p = probe(tcp_socket=tcp_socket_action(5432))\n"
       "local_resource('a', serve_cmd='postgres', readiness_probe=p)\n");
  model::Project p = loadOk();
  auto probe = probeOf(p);
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ(probe->initial_delay_secs, 0);
  EXPECT_EQ(probe->timeout_secs, 1);
  EXPECT_EQ(probe->period_secs, 10);
  EXPECT_EQ(probe->success_threshold, 1);
  EXPECT_EQ(probe->failure_threshold, 3);
  ASSERT_TRUE(probe->tcp_socket.has_value());
  EXPECT_EQ(probe->tcp_socket->host, "localhost");
  EXPECT_EQ(probe->tcp_socket->port, 5432);
}

TEST_F(TiltfileTest, ProbeWithHttpGetAction) {
  file("Tiltfile",
       "a = http_get_action(8080, host='127.0.0.1', scheme='HTTPS', path='/healthz')\n"
       "local_resource('a', serve_cmd='./server', readiness_probe=probe(http_get=a))\n"
       "local_resource('b', serve_cmd='./server',\n"
       "               readiness_probe=probe(http_get=http_get_action(port=9000)))\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.resources.size(), 2u);
  auto a = p.resources[0].local->readiness_probe;
  ASSERT_TRUE(a && a->http_get);
  EXPECT_EQ(a->http_get->host, "127.0.0.1");
  EXPECT_EQ(a->http_get->port, 8080);
  EXPECT_EQ(a->http_get->scheme, "https");
  EXPECT_EQ(a->http_get->path, "/healthz");
  auto b = p.resources[1].local->readiness_probe;
  ASSERT_TRUE(b && b->http_get);
  EXPECT_EQ(b->http_get->host, "localhost");
  EXPECT_EQ(b->http_get->port, 9000);
  EXPECT_EQ(b->http_get->scheme, "http");
  EXPECT_EQ(b->http_get->path, "");
}

TEST_F(TiltfileTest, ProbeValuesHaveTiltsTypesAndFields) {
  file("Tiltfile",
       "p = probe(period_secs=7, http_get=http_get_action(80, path='/x'))\n"
       "print(type(p), p.period_secs, p.timeout_secs, p.exec, type(p.http_get))\n"
       "print(p.http_get.port, repr(p.http_get.host), p.http_get.path)\n"
       "e = exec_action(['true'])\n"
       "print(type(e), e.command)\n"
       "t = tcp_socket_action(port=1, host='db')\n"
       "print(type(t), t.host, t.port)\n");
  loadOk();
  EXPECT_EQ(logText(),
            "Probe 7 0 None HTTPGetAction\n"
            "80 \"\" /x\n"
            "ExecAction [\"true\"]\n"
            "TCPSocketAction db 1\n");
}

TEST_F(TiltfileTest, ProbePrintsAsABrandedStruct) {
  file("Tiltfile", "print(tcp_socket_action(port=1, host='db'))\n");
  loadOk();
  EXPECT_EQ(logText(), "\"TCPSocketAction\"(host = \"db\", port = 1)\n");
}

TEST_F(TiltfileTest, ProbeNeedsExactlyOneAction) {
  file("Tiltfile", "probe()\n");
  EXPECT_THAT(loadError(),
              HasSubstr("exactly one of exec, http_get, or tcp_socket must be specified"));
  file("Tiltfile", "probe(exec=exec_action(['true']), tcp_socket=tcp_socket_action(1))\n");
  EXPECT_THAT(loadError(),
              HasSubstr("exactly one of exec, http_get, or tcp_socket must be specified"));
}

TEST_F(TiltfileTest, ProbeActionsMustHaveTheirTypes) {
  file("Tiltfile", "probe(exec=tcp_socket_action(1))\n");
  EXPECT_THAT(loadError(), HasSubstr("got probe.TCPSocketAction, want ExecAction"));
  file("Tiltfile", "probe(http_get='x')\n");
  EXPECT_THAT(loadError(), HasSubstr("got starlark.String, want HTTPGetAction"));
}

TEST_F(TiltfileTest, ProbeThresholdsMustBeInts) {
  file("Tiltfile", "probe(period_secs='5', exec=exec_action(['true']))\n");
  EXPECT_THAT(loadError(), HasSubstr("got string, want int"));
}

TEST_F(TiltfileTest, ExecActionCommandMustBeAListOfStrings) {
  file("Tiltfile", "exec_action('curl localhost')\n");
  EXPECT_THAT(loadError(), HasSubstr("'curl localhost' is a starlark.String, not a sequence"));
  file("Tiltfile", "exec_action(['curl', 1])\n");
  EXPECT_THAT(loadError(), HasSubstr("'1' is a starlark.Int, not a string"));
}

TEST_F(TiltfileTest, HttpGetActionNeedsAPort) {
  file("Tiltfile", "http_get_action(host='localhost')\n");
  EXPECT_THAT(loadError(), HasSubstr("http_get_action: missing argument for port"));
}

}  // namespace
}  // namespace slant::tiltfile
