// Tests of the settings builtins, and of the Go duration and semver range parsers behind them.
#include "tiltfile/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kSecond = 1000000000;

// ---- parsers ----------------------------------------------------------------------------------

TEST(GoDuration, ParsesUnitsAndSums) {
  EXPECT_EQ(parseGoDuration("30m").value(), 30 * 60 * kSecond);
  EXPECT_EQ(parseGoDuration("1h30m").value(), 90 * 60 * kSecond);
  EXPECT_EQ(parseGoDuration("10s").value(), 10 * kSecond);
  EXPECT_EQ(parseGoDuration("1.5s").value(), 1500000000);
  EXPECT_EQ(parseGoDuration("500ms").value(), 500000000);
  EXPECT_EQ(parseGoDuration("2us").value(), 2000);
  EXPECT_EQ(parseGoDuration("2\xc2\xb5s").value(), 2000);
  EXPECT_EQ(parseGoDuration("3ns").value(), 3);
  EXPECT_EQ(parseGoDuration("0").value(), 0);
  EXPECT_EQ(parseGoDuration("-2h").value(), -2 * 3600 * kSecond);
  EXPECT_EQ(parseGoDuration("+.5m").value(), 30 * kSecond);
}

TEST(GoDuration, ReportsGosErrors) {
  EXPECT_EQ(parseGoDuration("").error().message(), "time: invalid duration \"\"");
  EXPECT_EQ(parseGoDuration("abc").error().message(), "time: invalid duration \"abc\"");
  EXPECT_EQ(parseGoDuration("30").error().message(), "time: missing unit in duration \"30\"");
  EXPECT_EQ(parseGoDuration("1d").error().message(), "time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(parseGoDuration(".s").error().message(), "time: invalid duration \".s\"");
  EXPECT_EQ(parseGoDuration("9999999999h").error().message(),
            "time: invalid duration \"9999999999h\"");
}

TEST(SemverRange, MatchesLikeBlangSemver) {
  struct Case {
    const char* constraint;
    bool meets;
  };
  // Tilt's own cases, against version 0.5.3.
  const Case cases[] = {
      {">=0.5.4", false},
      {"<=0.5.2", false},
      {"<=0.3.0", false},
      {">=0.5.0 <0.5.3", false},
      {"=0.5.3", true},
      {">0.4.1", true},
      {"0.5.x", true},
      {"0.x", true},
      {">= 0.5.0", true},
      {"!=0.5.3", false},
      {"<0.5.x", false},
      {">0.5.x", false},
      {"<0.1.0 || >=0.5.0", true},
      {"1.x || 0.4.x", false},
  };
  for (const Case& c : cases) {
    auto r = versionSatisfies("0.5.3", c.constraint);
    ASSERT_TRUE(r.has_value()) << c.constraint << ": " << r.error().message();
    EXPECT_EQ(*r, c.meets) << c.constraint;
  }
}

TEST(SemverRange, OrdersPrereleasesBeforeReleases) {
  EXPECT_TRUE(versionSatisfies("1.0.0-rc.1", "<1.0.0").value());
  EXPECT_TRUE(versionSatisfies("1.0.0-rc.2", ">1.0.0-rc.1").value());
  EXPECT_TRUE(versionSatisfies("1.0.0-rc.10", ">1.0.0-rc.9").value());
  EXPECT_TRUE(versionSatisfies("1.0.0-beta", ">1.0.0-1").value());
}

TEST(SemverRange, ReportsParseErrors) {
  EXPECT_EQ(versionSatisfies("0.5.3", "abc").error().message(),
            "Could not get version from string: \"abc\"");
  EXPECT_EQ(versionSatisfies("0.5.3", ">=1.2").error().message(),
            "Could not parse Range \">=1.2\": Could not parse version \"1.2\" in \">=1.2\": No "
            "Major.Minor.Patch elements found");
  EXPECT_EQ(versionSatisfies("0.5.3", "~>1.2.3").error().message(),
            "Could not parse Range \"~>1.2.3\": Could not parse comparator \"~>\" in \"~>1.2.3\"");
  EXPECT_EQ(versionSatisfies("0.5.3", "|| 1.0.0").error().message(),
            "First element in range is '||'");
  EXPECT_EQ(versionSatisfies("0.5.3", "1.0.0 ||").error().message(),
            "Last element in range is '||'");
}

// ---- update_settings --------------------------------------------------------------------------

TEST_F(TiltfileTest, UpdateSettingsDefaultsWhenNotCalled) {
  file("Tiltfile", "print('hello world')\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.settings.max_parallel_updates, 3);
  EXPECT_EQ(p.settings.k8s_upsert_timeout_secs, 30);
  EXPECT_EQ(p.settings.k8s_server_side_apply, "auto");
  EXPECT_THAT(p.settings.suppress_unused_image_warnings, IsEmpty());
}

TEST_F(TiltfileTest, UpdateSettingsCalledTwiceKeepsBoth) {
  file("Tiltfile",
       "update_settings(max_parallel_updates=123, suppress_unused_image_warnings='a')\n"
       "update_settings(k8s_upsert_timeout_secs=456, suppress_unused_image_warnings=['b', 'c'],\n"
       "                k8s_server_side_apply='false')\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.settings.max_parallel_updates, 123);
  EXPECT_EQ(p.settings.k8s_upsert_timeout_secs, 456);
  EXPECT_THAT(p.settings.suppress_unused_image_warnings, ElementsAre("a", "b", "c"));
  EXPECT_EQ(p.settings.k8s_server_side_apply, "false");
}

TEST_F(TiltfileTest, UpdateSettingsAcceptsNone) {
  file("Tiltfile", "update_settings(max_parallel_updates=None, k8s_upsert_timeout_secs=None)\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.settings.max_parallel_updates, 3);
  EXPECT_EQ(p.settings.k8s_upsert_timeout_secs, 30);
}

TEST_F(TiltfileTest, UpdateSettingsRejectsWhatTiltRejects) {
  file("Tiltfile", "update_settings(max_parallel_updates='boop')\n");
  EXPECT_THAT(loadError(), HasSubstr("update_settings: for parameter \"max_parallel_updates\": "
                                     "got starlark.String, want int"));
  file("Tiltfile", "update_settings(max_parallel_updates=-1)\n");
  EXPECT_THAT(loadError(), HasSubstr("max number of parallel updates must be >= 1(got: -1)"));
  file("Tiltfile", "update_settings(k8s_upsert_timeout_secs='boop')\n");
  EXPECT_THAT(loadError(), HasSubstr("got starlark.String, want int"));
  file("Tiltfile", "update_settings(k8s_upsert_timeout_secs=0)\n");
  EXPECT_THAT(loadError(), HasSubstr("minimum k8s upsert timeout is 1s; got 0s"));
  file("Tiltfile", "update_settings(k8s_server_side_apply='yes')\n");
  EXPECT_THAT(loadError(), HasSubstr("update_settings: k8s_server_side_apply must be \"true\", "
                                     "\"false\", or \"auto\"; got \"yes\""));
}

// ---- ci_settings ------------------------------------------------------------------------------

TEST_F(TiltfileTest, CiSettingsParsesDurations) {
  file("Tiltfile",
       "ci_settings(k8s_grace_period='3m', timeout='1h30m')\n"
       "ci_settings(readiness_timeout='10s')\n"
       "ci_settings()\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.settings.ci_k8s_grace_period_secs, 180);
  EXPECT_EQ(p.settings.ci_timeout_secs, 5400);
  EXPECT_EQ(p.settings.ci_readiness_timeout_secs, 10);
}

TEST_F(TiltfileTest, CiSettingsLaterCallsOverride) {
  file("Tiltfile",
       "ci_settings(k8s_grace_period='3m')\n"
       "ci_settings(k8s_grace_period='5s')\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.settings.ci_k8s_grace_period_secs, 5);
  EXPECT_EQ(p.settings.ci_timeout_secs, 30 * 60);
  EXPECT_EQ(p.settings.ci_readiness_timeout_secs, 5 * 60);
}

TEST_F(TiltfileTest, CiSettingsBadDurationIsAnError) {
  file("Tiltfile", "ci_settings(timeout='30')\n");
  EXPECT_THAT(loadError(), HasSubstr("time: missing unit in duration \"30\""));
  file("Tiltfile", "ci_settings(timeout=30)\n");
  EXPECT_THAT(loadError(), HasSubstr("Expected string. Got: int"));
}

// ---- watch_settings ---------------------------------------------------------------------------

TEST_F(TiltfileTest, WatchSettingsIgnoresAreRelativeToTheCallingFile) {
  file("foo/Tiltfile", "watch_settings(ignore=['bar', '!bar/keep'])\nx = 1\n");
  file("Tiltfile",
       "load('./foo/Tiltfile', 'x')\n"
       "watch_settings(ignore='*.log')\n"
       "watch_settings()\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.settings.watch_ignore,
              ElementsAre(path("foo/bar"), "!" + path("foo/bar/keep"), path("*.log")));
}

TEST_F(TiltfileTest, WatchSettingsIgnoreMustBeStrings) {
  file("Tiltfile", "watch_settings(ignore=1)\n");
  EXPECT_THAT(
      loadError(),
      HasSubstr("value should be a string or List or Tuple of strings, but is of type int"));
}

// ---- version_settings -------------------------------------------------------------------------

TEST_F(TiltfileTest, VersionSettingsCheckUpdates) {
  file("Tiltfile", "\n");
  EXPECT_TRUE(loadOk().settings.check_updates);
  file("Tiltfile", "version_settings(check_updates=False)\n");
  EXPECT_FALSE(loadOk().settings.check_updates);
  file("Tiltfile", "version_settings(True)\n");
  EXPECT_TRUE(loadOk().settings.check_updates);
}

TEST_F(TiltfileTest, VersionSettingsConstraintDoesNotClearCheckUpdates) {
  file("Tiltfile",
       "version_settings(check_updates=False)\n"
       "version_settings(constraint='0.x')\n");
  model::Project p = loadOk();
  EXPECT_FALSE(p.settings.check_updates);
  EXPECT_EQ(p.settings.version_constraint, "0.x");
}

TEST_F(TiltfileTest, VersionSettingsConstraintIsCheckedAgainstTheTiltApiVersion) {
  file("Tiltfile", "version_settings(constraint='>=0.22.0')\n");
  loadOk();
  file("Tiltfile", "version_settings(constraint='>=99.0.0')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("you are running Tilt version " + std::string(kTiltApiVersion)));
  EXPECT_THAT(err, HasSubstr("which doesn't match the version constraint specified in your "
                             "Tiltfile: '>=99.0.0'"));
}

TEST_F(TiltfileTest, VersionSettingsBadConstraintIsAnError) {
  file("Tiltfile", "version_settings(constraint='abc')\n");
  EXPECT_THAT(loadError(), HasSubstr("error parsing version constraint: Could not get version "
                                     "from string: \"abc\""));
}

// ---- analytics, secrets, docker prune ---------------------------------------------------------

TEST_F(TiltfileTest, AnalyticsSettingsIsRecorded) {
  file("Tiltfile", "\n");
  EXPECT_FALSE(loadOk().settings.analytics_enabled.has_value());
  file("Tiltfile", "analytics_settings(enable=True)\n");
  EXPECT_EQ(loadOk().settings.analytics_enabled, std::optional<bool>(true));
  file("Tiltfile", "analytics_settings(False)\n");
  EXPECT_EQ(loadOk().settings.analytics_enabled, std::optional<bool>(false));
  file("Tiltfile", "analytics_settings()\n");
  EXPECT_THAT(loadError(), HasSubstr("analytics_settings: missing argument for enable"));
}

TEST_F(TiltfileTest, ExperimentalAnalyticsReportIsAcceptedWithAWarning) {
  file("Tiltfile",
       "experimental_analytics_report({'1': '2'})\n"
       "experimental_analytics_report({'1': '2a', '3': '4'})\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.warnings.size(), 2u);
  EXPECT_THAT(p.warnings[0], HasSubstr("slant does not report analytics"));
  file("Tiltfile", "experimental_analytics_report({'1': 2})\n");
  EXPECT_THAT(loadError(), HasSubstr("experimental_analytics_report: for parameter tags"));
}

TEST_F(TiltfileTest, SecretSettingsDisablesScrubbing) {
  file("Tiltfile", "\n");
  EXPECT_FALSE(loadOk().settings.disable_secret_scrub);
  file("Tiltfile", "secret_settings(disable_scrub=True)\n");
  EXPECT_TRUE(loadOk().settings.disable_secret_scrub);
  file("Tiltfile", "secret_settings()\n");
  EXPECT_THAT(loadError(), HasSubstr("secret_settings: missing argument for disable_scrub"));
}

TEST_F(TiltfileTest, DockerPruneSettingsDefaultsWhenNotCalled) {
  file("Tiltfile", "print('nothing to see here')\n");
  model::Project p = loadOk();
  EXPECT_TRUE(p.settings.docker_prune.enabled);
  EXPECT_EQ(p.settings.docker_prune.max_age_mins, 360);
  EXPECT_EQ(p.settings.docker_prune.num_builds, 0);
  EXPECT_EQ(p.settings.docker_prune.interval_hrs, 1);
  EXPECT_EQ(p.settings.docker_prune.keep_recent, 2);
}

TEST_F(TiltfileTest, DockerPruneSettingsSetsWhatIsGiven) {
  file("Tiltfile", "docker_prune_settings(max_age_mins=111, num_builds=222, keep_recent=5)\n");
  model::Project p = loadOk();
  EXPECT_TRUE(p.settings.docker_prune.enabled);
  EXPECT_EQ(p.settings.docker_prune.max_age_mins, 111);
  EXPECT_EQ(p.settings.docker_prune.num_builds, 222);
  EXPECT_EQ(p.settings.docker_prune.interval_hrs, 1);
  EXPECT_EQ(p.settings.docker_prune.keep_recent, 5);
}

TEST_F(TiltfileTest, DockerPruneSettingsDisable) {
  file("Tiltfile", "docker_prune_settings(disable=True, max_age_mins=1, interval_hrs=3)\n");
  model::Project p = loadOk();
  EXPECT_FALSE(p.settings.docker_prune.enabled);
  EXPECT_EQ(p.settings.docker_prune.max_age_mins, 1);
  EXPECT_EQ(p.settings.docker_prune.interval_hrs, 3);
}

TEST_F(TiltfileTest, DockerPruneSettingsTakesBuildsOrHoursNotBoth) {
  file("Tiltfile", "docker_prune_settings(num_builds=1, interval_hrs=1)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("can't specify both 'prune every X builds' and 'prune every Y hours'; "
                        "please pass only one of `num_builds` and `interval_hrs`"));
}

// ---- features, team, telemetry, metrics -------------------------------------------------------

TEST_F(TiltfileTest, EnableAndDisableFeatureRecordActiveFlags) {
  file("Tiltfile",
       "enable_feature('cluster_refresh')\n"
       "disable_feature('snapshots')\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.settings.features.at("cluster_refresh"), true);
  EXPECT_EQ(p.settings.features.at("snapshots"), false);
}

TEST_F(TiltfileTest, UnknownFeatureFlagIsAnError) {
  file("Tiltfile", "enable_feature('testflag')\n");
  EXPECT_THAT(loadError(), HasSubstr("Unknown feature flag: testflag"));
  file("Tiltfile", "disable_feature('testflag')\n");
  EXPECT_THAT(loadError(), HasSubstr("Unknown feature flag: testflag"));
}

TEST_F(TiltfileTest, ObsoleteFeatureFlagIsAWarning) {
  file("Tiltfile", "disable_feature('events')\nenable_feature('labels')\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.warnings,
              ElementsAre("Obsolete feature flag: events", "Obsolete feature flag: labels"));
  EXPECT_TRUE(p.settings.features.empty());
}

TEST_F(TiltfileTest, DisableSnapshotsDisablesTheSnapshotsFeature) {
  file("Tiltfile", "disable_snapshots()\n");
  EXPECT_EQ(loadOk().settings.features.at("snapshots"), false);
  file("Tiltfile", "disable_snapshots(True)\n");
  EXPECT_THAT(loadError(), HasSubstr("disable_snapshots: got 1 arguments, want at most 0"));
}

TEST_F(TiltfileTest, SetTeamRecordsTheTeam) {
  file("Tiltfile", "set_team('sharks')\n");
  EXPECT_EQ(loadOk().settings.team_id, "sharks");
}

TEST_F(TiltfileTest, SetTeamRejectsEmptyAndRepeatedIds) {
  file("Tiltfile", "set_team('')\n");
  EXPECT_THAT(loadError(), HasSubstr("team_id cannot be empty"));
  file("Tiltfile", "set_team('sharks')\nset_team('jets')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("team_id set multiple times (to 'sharks' and 'jets')"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:9: in <toplevel>"));
}

TEST_F(TiltfileTest, ExperimentalTelemetryCmdIsValidatedThenIgnoredWithAWarning) {
  file("Tiltfile", "experimental_telemetry_cmd('./report.sh', period='1h')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_THAT(p.warnings[0], HasSubstr("slant does not run telemetry commands"));
  file("Tiltfile", "experimental_telemetry_cmd('')\n");
  EXPECT_THAT(loadError(), HasSubstr("cmd cannot be empty"));
  file("Tiltfile", "experimental_telemetry_cmd('a')\nexperimental_telemetry_cmd('b')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("experimental_telemetry_cmd called multiple times; already set to a"));
}

TEST_F(TiltfileTest, ExperimentalMetricsSettingsIsDeprecated) {
  file("Tiltfile", "experimental_metrics_settings(enabled=True)\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.warnings, ElementsAre("experimental_metrics_settings() is deprecated"));
  EXPECT_THAT(logText(), HasSubstr("deprecated"));
}

}  // namespace
}  // namespace slant::tiltfile
