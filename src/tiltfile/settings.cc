#include "tiltfile/settings.h"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/local.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

using starlark::lib::cat;
using starlark::lib::unpackArgs;

// ---- durations --------------------------------------------------------------------------------

namespace {

std::string goQuote(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

constexpr uint64_t kMaxDuration = uint64_t{1} << 63;

}  // namespace

// Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, each number scaled by its unit and
// summed, with the same overflow limits and error messages.
Result<int64_t> parseGoDuration(std::string_view s) {
  const std::string_view orig = s;
  auto invalid = [&] { return makeError(cat("time: invalid duration ", goQuote(orig))); };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return invalid();
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    // The integer part.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (v > (kMaxDuration - 1) / 10) return invalid();
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kMaxDuration) return invalid();
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // The fraction, kept while it fits.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) {
        if (overflow) continue;
        if (f > (kMaxDuration - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (y > kMaxDuration) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid();
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == 0) return makeError(cat("time: missing unit in duration ", goQuote(orig)));
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    static constexpr std::array<std::pair<std::string_view, uint64_t>, 9> kUnits = {{
        {"ns", 1},
        {"us", 1000},
        {"\xc2\xb5s", 1000},  // U+00B5 micro sign
        {"\xce\xbcs", 1000},  // U+03BC Greek small letter mu
        {"ms", 1000000},
        {"s", 1000000000},
        {"m", 60000000000},
        {"h", 3600000000000},
        {"", 0},
    }};
    uint64_t unit = 0;
    for (const auto& [name, n] : kUnits) {
      if (!name.empty() && name == unit_name) unit = n;
    }
    if (unit == 0) {
      return makeError(
          cat("time: unknown unit ", goQuote(unit_name), " in duration ", goQuote(orig)));
    }
    if (v > kMaxDuration / unit) return invalid();
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMaxDuration) return invalid();
    }
    total += v;
    if (total > kMaxDuration) return invalid();
  }
  if (neg) return total == kMaxDuration ? INT64_MIN : -static_cast<int64_t>(total);
  if (total > kMaxDuration - 1) return invalid();
  return static_cast<int64_t>(total);
}

// ---- semantic versions, as blang/semver v3 ----------------------------------------------------

namespace {

struct PreRelease {
  std::string str;
  uint64_t num = 0;
  bool is_num = false;
};

struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<PreRelease> pre;
};

bool containsOnly(std::string_view s, std::string_view set) {
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return set.find(c) != std::string_view::npos; });
}

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kAlphaNum =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

bool hasLeadingZeroes(std::string_view s) { return s.size() > 1 && s[0] == '0'; }

Result<uint64_t> parseUint(std::string_view s) {
  if (s.empty() || s.size() > 20) {
    return makeError(cat("strconv.ParseUint: parsing ", goQuote(s),
                         s.empty() ? ": invalid syntax" : ": value out of range"));
  }
  uint64_t v = 0;
  for (char c : s) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return makeError(cat("strconv.ParseUint: parsing ", goQuote(s), ": value out of range"));
    }
    v = v * 10 + d;
  }
  return v;
}

Result<uint64_t> versionNumber(std::string_view part, std::string_view what) {
  if (!containsOnly(part, kDigits)) {
    return makeError(cat("Invalid character(s) found in ", what, " number ", goQuote(part)));
  }
  if (hasLeadingZeroes(part)) {
    std::string capitalized(what);
    capitalized[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capitalized[0])));
    return makeError(cat(capitalized, " number must not contain leading zeroes ", goQuote(part)));
  }
  return parseUint(part);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t i = s.find(sep, start);
    if (i == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
}

Result<SemVer> parseSemVer(std::string_view s) {
  if (s.empty()) return makeError("Version string empty");
  size_t dot1 = s.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : s.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return makeError("No Major.Minor.Patch elements found");
  SemVer v;
  v.major = TRY(versionNumber(s.substr(0, dot1), "major"));
  v.minor = TRY(versionNumber(s.substr(dot1 + 1, dot2 - dot1 - 1), "minor"));
  std::string_view patch = s.substr(dot2 + 1);
  std::vector<std::string_view> build;
  if (size_t plus = patch.find('+'); plus != std::string_view::npos) {
    build = split(patch.substr(plus + 1), '.');
    patch = patch.substr(0, plus);
  }
  std::vector<std::string_view> pre;
  if (size_t dash = patch.find('-'); dash != std::string_view::npos) {
    pre = split(patch.substr(dash + 1), '.');
    patch = patch.substr(0, dash);
  }
  v.patch = TRY(versionNumber(patch, "patch"));
  for (std::string_view p : pre) {
    if (p.empty()) return makeError("Prerelease is empty");
    PreRelease pr;
    if (containsOnly(p, kDigits)) {
      if (hasLeadingZeroes(p)) {
        return makeError(
            cat("Numeric PreRelease version must not contain leading zeroes ", goQuote(p)));
      }
      pr.num = TRY(parseUint(p));
      pr.is_num = true;
    } else if (containsOnly(p, kAlphaNum)) {
      pr.str = std::string(p);
    } else {
      return makeError(cat("Invalid character(s) found in prerelease ", goQuote(p)));
    }
    v.pre.push_back(std::move(pr));
  }
  for (std::string_view b : build) {
    if (b.empty()) return makeError("Build meta data is empty");
    if (!containsOnly(b, kAlphaNum)) {
      return makeError(cat("Invalid character(s) found in build meta data ", goQuote(b)));
    }
  }
  return v;
}

int compareNum(uint64_t a, uint64_t b) { return a == b ? 0 : (a > b ? 1 : -1); }

int compareSemVer(const SemVer& a, const SemVer& b) {
  if (int c = compareNum(a.major, b.major)) return c;
  if (int c = compareNum(a.minor, b.minor)) return c;
  if (int c = compareNum(a.patch, b.patch)) return c;
  if (a.pre.empty() || b.pre.empty()) {
    return a.pre.empty() == b.pre.empty() ? 0 : (a.pre.empty() ? 1 : -1);
  }
  for (size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    const PreRelease& x = a.pre[i];
    const PreRelease& y = b.pre[i];
    int c = 0;
    if (x.is_num != y.is_num) {
      c = x.is_num ? -1 : 1;
    } else if (x.is_num) {
      c = compareNum(x.num, y.num);
    } else {
      c = x.str == y.str ? 0 : (x.str > y.str ? 1 : -1);
    }
    if (c != 0) return c;
  }
  return compareNum(a.pre.size(), b.pre.size());
}

// Splits a range on spaces, except spaces that follow an operator (">= 1.0.0" is one part).
std::vector<std::string> splitRange(std::string_view s) {
  std::vector<std::string> parts;
  size_t last = 0;
  char last_char = 0;
  auto push = [&](std::string_view part) {
    std::string p;
    for (char c : part)
      if (c != ' ') p += c;
    parts.push_back(std::move(p));
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && last_char != '>' && last_char != '<' && last_char != '=') {
      if (i > 0 && last < i - 1) push(s.substr(last, i - last));
      last = i + 1;
    } else if (s[i] != ' ') {
      last_char = s[i];
    }
  }
  if (s.size() > 0 && last < s.size() - 1) push(s.substr(last));
  return parts;
}

Result<std::pair<std::string, std::string>> splitComparator(std::string_view s) {
  size_t i = s.find_first_of(kDigits);
  if (i == std::string_view::npos) {
    return makeError(cat("Could not get version from string: ", goQuote(s)));
  }
  std::string op(s.substr(0, i));
  while (!op.empty() && op.back() == ' ') op.pop_back();
  while (!op.empty() && op.front() == ' ') op.erase(op.begin());
  return std::make_pair(op, std::string(s.substr(i)));
}

// "1.2.x" and "1.x" (and "1.x.x") with an operator become plain comparisons, as blang/semver's
// expandWildcardVersion.
Result<std::vector<std::string>> expandWildcards(const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  for (const std::string& part : parts) {
    if (part.find('x') == std::string::npos) {
      out.push_back(part);
      continue;
    }
    auto [op, ver] = TRY(splitComparator(part));
    std::vector<std::string_view> pieces = split(ver, '.');
    int wildcard = 0;  // 2: minor (1.x), 3: patch (1.2.x)
    if (pieces.back() == "x" && (pieces.size() == 2 || pieces.size() == 3)) {
      wildcard = static_cast<int>(pieces.size());
    }
    std::string flat = ver;
    if (size_t k = flat.find(".x.x"); k != std::string::npos) flat.replace(k, 4, ".x");
    if (size_t k = flat.find(".x"); k != std::string::npos) flat.replace(k, 2, ".0");
    if (split(flat, '.').size() == 2) flat += ".0";
    auto increment = [&](size_t index) {
      std::vector<std::string_view> nums = split(flat, '.');
      std::string result;
      for (size_t k = 0; k < nums.size(); ++k) {
        if (k > 0) result += '.';
        if (k == index) {
          uint64_t n = 0;
          for (char c : nums[k]) n = n * 10 + static_cast<uint64_t>(c - '0');
          result += std::to_string(n + 1);
        } else {
          result += nums[k];
        }
      }
      return result;
    };
    std::string result_op;
    bool bump = false;
    if (op == ">") {
      result_op = ">=";
      bump = true;
    } else if (op == ">=") {
      result_op = ">=";
    } else if (op == "<") {
      result_op = "<";
    } else if (op == "<=") {
      result_op = "<";
      bump = true;
    } else if (op.empty() || op == "=" || op == "==") {
      out.push_back(">=" + flat);
      result_op = "<";
      bump = true;
    } else if (op == "!=" || op == "!") {
      out.push_back("<" + flat);
      result_op = ">=";
      bump = true;
    }
    std::string result_ver = flat;
    if (bump) {
      if (wildcard == 3) result_ver = increment(1);
      if (wildcard == 2) result_ver = increment(0);
      if (wildcard == 0) result_ver.clear();
    }
    out.push_back(result_op + result_ver);
  }
  return out;
}

Result<bool> satisfiesOne(const SemVer& v, std::string_view part) {
  auto [op, ver] = TRY(splitComparator(part));
  std::function<bool(int)> pred;
  if (op.empty() || op == "=" || op == "==") {
    pred = [](int c) { return c == 0; };
  } else if (op == ">") {
    pred = [](int c) { return c > 0; };
  } else if (op == ">=") {
    pred = [](int c) { return c >= 0; };
  } else if (op == "<") {
    pred = [](int c) { return c < 0; };
  } else if (op == "<=") {
    pred = [](int c) { return c <= 0; };
  } else if (op == "!" || op == "!=") {
    pred = [](int c) { return c != 0; };
  } else {
    return makeError(cat("Could not parse Range ", goQuote(part), ": Could not parse comparator ",
                         goQuote(op), " in ", goQuote(part)));
  }
  auto bound = parseSemVer(ver);
  if (!bound) {
    return makeError(cat("Could not parse Range ", goQuote(part), ": Could not parse version ",
                         goQuote(ver), " in ", goQuote(part), ": ", bound.error().message()));
  }
  return pred(compareSemVer(v, *bound));
}

}  // namespace

Result<bool> versionSatisfies(std::string_view version, std::string_view constraint) {
  SemVer v = TRY(parseSemVer(version));
  std::vector<std::string> parts = splitRange(constraint);
  // OR of ANDs; "||" may not come first or last.
  std::vector<std::vector<std::string>> alternatives(1);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "||") {
      if (i == 0) return makeError("First element in range is '||'");
      alternatives.emplace_back();
      continue;
    }
    alternatives.back().push_back(parts[i]);
  }
  if (parts.empty() || parts.back() == "||") return makeError("Last element in range is '||'");
  // Validate every part before evaluating, as ParseRange does.
  std::vector<std::vector<std::string>> expanded;
  for (const auto& alt : alternatives) expanded.push_back(TRY(expandWildcards(alt)));
  std::vector<std::vector<bool>> results;
  for (const auto& alt : expanded) {
    std::vector<bool> r;
    for (const std::string& part : alt) r.push_back(TRY(satisfiesOne(v, part)));
    results.push_back(std::move(r));
  }
  for (const auto& r : results) {
    if (std::all_of(r.begin(), r.end(), [](bool b) { return b; })) return true;
  }
  return false;
}

// ---- builtins ---------------------------------------------------------------------------------

namespace {

// An int argument that may also be None (update_settings): "got starlark.String, want int" as
// Tilt words it.
struct OptionalInt {
  std::optional<int32_t> value;
};

// A duration argument ("30m"): nanoseconds, or unset.
struct DurationArg {
  std::optional<int64_t> nanos;
};

}  // namespace
}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::OptionalInt> {
  static Result<void> unpack(const Value& v, tiltfile::OptionalInt* out) {
    if (v.isNone()) {
      out->value.reset();
      return {};
    }
    if (!v.isInt()) return makeError(cat("got ", tiltfile::goTypeName(v), ", want int"));
    out->value = TRY(asInt32(v));
    return {};
  }
};
template <>
struct Unpacker<tiltfile::DurationArg> {
  static Result<void> unpack(const Value& v, tiltfile::DurationArg* out) {
    auto s = tiltfile::stringOrBlob(v);
    if (!s) return makeError(cat("Expected string. Got: ", typeName(v)));
    out->nanos = TRY(tiltfile::parseGoDuration(*s));
    return {};
  }
};
}  // namespace slant::starlark::lib

namespace slant::tiltfile {
namespace {

int secondsOf(int64_t nanos) { return static_cast<int>(nanos / 1000000000); }

// update_settings(max_parallel_updates=3, k8s_upsert_timeout_secs=30,
// suppress_unused_image_warnings=None, k8s_server_side_apply="auto"). Repeated calls override
// what they set and append the suppressed images.
Result<Value> updateSettings(Thread& thread, const BuiltinCall& call) {
  OptionalInt max_parallel;
  OptionalInt upsert_timeout;
  StringOrList suppress;
  std::string server_side_apply;
  TRY_VOID(unpackArgs(call, {{"max_parallel_updates?", &max_parallel},
                             {"k8s_upsert_timeout_secs?", &upsert_timeout},
                             {"suppress_unused_image_warnings?", &suppress},
                             {"k8s_server_side_apply?", &server_side_apply}}));
  if (max_parallel.value && *max_parallel.value < 1) {
    return makeError(
        cat("max number of parallel updates must be >= 1(got: ", *max_parallel.value, ")"));
  }
  if (upsert_timeout.value && *upsert_timeout.value < 1) {
    return makeError(cat("minimum k8s upsert timeout is 1s; got ", *upsert_timeout.value, "s"));
  }
  if (!server_side_apply.empty() && server_side_apply != "true" && server_side_apply != "false" &&
      server_side_apply != "auto") {
    return makeError(cat(call.name,
                         ": k8s_server_side_apply must be \"true\", \"false\", or \"auto\"; got ",
                         goQuote(server_side_apply)));
  }
  model::Settings& s = stateOf(thread).project.settings;
  if (max_parallel.value) s.max_parallel_updates = *max_parallel.value;
  if (upsert_timeout.value) s.k8s_upsert_timeout_secs = *upsert_timeout.value;
  for (std::string& image : suppress.items) {
    s.suppress_unused_image_warnings.push_back(std::move(image));
  }
  if (!server_side_apply.empty()) s.k8s_server_side_apply = server_side_apply;
  return Value();
}

// ci_settings(k8s_grace_period=None, timeout=None, readiness_timeout=None): Go durations; each
// call overrides only what it sets.
Result<Value> ciSettings(Thread& thread, const BuiltinCall& call) {
  DurationArg grace;
  DurationArg timeout;
  DurationArg readiness;
  TRY_VOID(unpackArgs(
      call,
      {{"k8s_grace_period?", &grace}, {"timeout?", &timeout}, {"readiness_timeout?", &readiness}}));
  model::Settings& s = stateOf(thread).project.settings;
  if (grace.nanos) s.ci_k8s_grace_period_secs = secondsOf(*grace.nanos);
  if (timeout.nanos) s.ci_timeout_secs = secondsOf(*timeout.nanos);
  if (readiness.nanos) s.ci_readiness_timeout_secs = secondsOf(*readiness.nanos);
  return Value();
}

// watch_settings(ignore=[]): patterns in .dockerignore syntax, relative to the calling file.
Result<Value> watchSettings(Thread& thread, const BuiltinCall& call) {
  StringOrList ignore;
  TRY_VOID(unpackArgs(call, {{"ignore?", &ignore}}));
  State& st = stateOf(thread);
  for (const std::string& p : ignore.items) {
    std::string_view trimmed = p;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
      trimmed.remove_prefix(1);
    }
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
      trimmed.remove_suffix(1);
    }
    if (trimmed.empty()) continue;
    st.project.settings.watch_ignore.push_back(absolutePattern(st.currentDir(), trimmed));
  }
  return Value();
}

// version_settings(check_updates=True, constraint=""): the constraint is checked against the
// Tilt release whose API slant implements.
Result<Value> versionSettings(Thread& thread, const BuiltinCall& call) {
  model::Settings& s = stateOf(thread).project.settings;
  bool check_updates = s.check_updates;
  std::string constraint;
  TRY_VOID(unpackArgs(call, {{"check_updates?", &check_updates}, {"constraint?", &constraint}}));
  s.check_updates = check_updates;
  if (constraint.empty()) return Value();
  auto ok = versionSatisfies(kTiltApiVersion, constraint);
  if (!ok) return makeError(cat("error parsing version constraint: ", ok.error().message()));
  if (!*ok) {
    return makeError(cat("you are running Tilt version ", kTiltApiVersion, " (slant ",
                         SLANT_VERSION,
                         "), which doesn't match the version constraint specified in your "
                         "Tiltfile: '",
                         constraint, "'"));
  }
  s.version_constraint = constraint;
  return Value();
}

// analytics_settings(enable): recorded; slant reports no analytics either way.
Result<Value> analyticsSettings(Thread& thread, const BuiltinCall& call) {
  bool enable = false;
  TRY_VOID(unpackArgs(call, {{"enable", &enable}}));
  stateOf(thread).project.settings.analytics_enabled = enable;
  return Value();
}

// experimental_analytics_report(tags): Tilt sends the tags with its analytics; slant has none.
Result<Value> analyticsReport(Thread& thread, const BuiltinCall& call) {
  StringMap tags;
  TRY_VOID(unpackArgs(call, {{"tags", &tags}}));
  stateOf(thread).warn(
      "experimental_analytics_report: slant does not report analytics; the tags are ignored");
  return Value();
}

// experimental_telemetry_cmd(cmd, cmd_bat="", period="", dir=""): validated as Tilt does, then
// ignored with a warning (slant runs no telemetry command).
Result<Value> telemetryCmd(Thread& thread, const BuiltinCall& call) {
  CommandArg cmd;
  Value cmd_bat = Value::unbound();
  DurationArg period;
  Value dir = Value::unbound();
  TRY_VOID(unpackArgs(
      call, {{"cmd", &cmd}, {"cmd_bat?", &cmd_bat}, {"period?", &period}, {"dir?", &dir}}));
  if (!dir.isUnbound() && !dir.isNone() && !dir.isString()) {
    return makeError(
        cat("a command directory must be empty or a string: expected path | "
            "string. Actual type: ",
            goTypeName(dir)));
  }
  std::vector<std::string> argv = TRY(cmd.argv("cmd"));
  if (argv.empty()) return makeError("cmd cannot be empty");
  State& st = stateOf(thread);
  SettingsState& ss = st.get<SettingsState>();
  std::string shown;
  if (argv.size() == 3 && argv[0] == "sh" && argv[1] == "-c") {
    shown = argv[2];
  } else {
    for (const std::string& a : argv) shown += (shown.empty() ? "" : " ") + a;
  }
  if (!ss.telemetry_cmd.empty()) {
    return makeError(cat(call.name, " called multiple times; already set to ", ss.telemetry_cmd));
  }
  ss.telemetry_cmd = shown;
  st.warn(cat(call.name, ": slant does not run telemetry commands; '", shown, "' is ignored"));
  return Value();
}

// experimental_metrics_settings(**kwargs): deprecated in Tilt, which accepts anything and warns.
Result<Value> metricsSettings(Thread& thread, const BuiltinCall&) {
  stateOf(thread).warn("experimental_metrics_settings() is deprecated");
  return Value();
}

// secret_settings(disable_scrub): Tilt requires the argument.
Result<Value> secretSettings(Thread& thread, const BuiltinCall& call) {
  bool disable = false;
  TRY_VOID(unpackArgs(call, {{"disable_scrub", &disable}}));
  stateOf(thread).project.settings.disable_secret_scrub = disable;
  return Value();
}

// docker_prune_settings(disable=False, max_age_mins=360, num_builds=0, interval_hrs=1,
// keep_recent=2). As in Tilt, each call sets enabled and num_builds, and the others when non-zero
// (keep_recent when given).
Result<Value> dockerPruneSettings(Thread& thread, const BuiltinCall& call) {
  bool disable = false;
  int32_t max_age_mins = 0;
  int32_t num_builds = 0;
  int32_t interval_hrs = 0;
  std::optional<int32_t> keep_recent;
  Value keep_recent_value = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"disable?", &disable},
                             {"max_age_mins?", &max_age_mins},
                             {"num_builds?", &num_builds},
                             {"interval_hrs?", &interval_hrs},
                             {"keep_recent?", &keep_recent_value}}));
  if (num_builds != 0 && interval_hrs != 0) {
    return makeError(
        "can't specify both 'prune every X builds' and 'prune every Y hours'; please pass only "
        "one of `num_builds` and `interval_hrs`");
  }
  if (!keep_recent_value.isUnbound()) keep_recent = TRY(starlark::asInt32(keep_recent_value));
  model::Settings::DockerPrune& p = stateOf(thread).project.settings.docker_prune;
  p.enabled = !disable;
  if (max_age_mins != 0) p.max_age_mins = max_age_mins;
  p.num_builds = num_builds;
  if (interval_hrs != 0) p.interval_hrs = interval_hrs;
  if (keep_recent) p.keep_recent = *keep_recent;
  return Value();
}

// Tilt's feature flags (internal/feature/flags.go): the active ones can be set; the obsolete ones
// are accepted with a warning.
enum class FlagStatus { kActive, kObsolete };
constexpr std::array<std::pair<std::string_view, FlagStatus>, 11> kFeatureFlags = {{
    {"multiple_containers_per_pod", FlagStatus::kObsolete},
    {"events", FlagStatus::kObsolete},
    {"snapshots", FlagStatus::kActive},
    {"update_history", FlagStatus::kObsolete},
    {"facets", FlagStatus::kObsolete},
    {"labels", FlagStatus::kObsolete},
    {"live_update_v2", FlagStatus::kObsolete},
    {"disable_resources", FlagStatus::kObsolete},
    {"bulk_disable_resources", FlagStatus::kObsolete},
    {"cluster_refresh", FlagStatus::kActive},
    {"offline_snapshot_creation", FlagStatus::kObsolete},
}};

Result<void> setFeature(State& st, std::string_view flag, bool enabled) {
  for (const auto& [name, status] : kFeatureFlags) {
    if (name != flag) continue;
    if (status == FlagStatus::kObsolete) {
      st.warn(cat("Obsolete feature flag: ", flag));
    } else {
      st.project.settings.features[std::string(flag)] = enabled;
    }
    return {};
  }
  return makeError(cat("Unknown feature flag: ", flag));
}

// enable_feature(msg) and disable_feature(msg): Tilt names the parameter "msg".
Result<Value> enableFeature(Thread& thread, const BuiltinCall& call) {
  std::string flag;
  TRY_VOID(unpackArgs(call, {{"msg", &flag}}));
  TRY_VOID(setFeature(stateOf(thread), flag, true));
  return Value();
}

Result<Value> disableFeature(Thread& thread, const BuiltinCall& call) {
  std::string flag;
  TRY_VOID(unpackArgs(call, {{"msg", &flag}}));
  TRY_VOID(setFeature(stateOf(thread), flag, false));
  return Value();
}

// disable_snapshots(): hides the snapshot button of the web UI.
Result<Value> disableSnapshots(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(unpackArgs(call, {}));
  TRY_VOID(setFeature(stateOf(thread), "snapshots", false));
  return Value();
}

// set_team(team_id): once, non-empty.
Result<Value> setTeam(Thread& thread, const BuiltinCall& call) {
  std::string team;
  TRY_VOID(unpackArgs(call, {{"team_id", &team}}));
  if (team.empty()) return makeError("team_id cannot be empty");
  std::string& current = stateOf(thread).project.settings.team_id;
  if (!current.empty()) {
    return makeError(cat("team_id set multiple times (to '", current, "' and '", team, "')"));
  }
  current = team;
  return Value();
}

}  // namespace

void addSettingsBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "update_settings", updateSettings);
  addBuiltin(d, "ci_settings", ciSettings);
  addBuiltin(d, "watch_settings", watchSettings);
  addBuiltin(d, "version_settings", versionSettings);
  addBuiltin(d, "analytics_settings", analyticsSettings);
  addBuiltin(d, "experimental_analytics_report", analyticsReport);
  addBuiltin(d, "experimental_telemetry_cmd", telemetryCmd);
  addBuiltin(d, "experimental_metrics_settings", metricsSettings);
  addBuiltin(d, "secret_settings", secretSettings);
  addBuiltin(d, "docker_prune_settings", dockerPruneSettings);
  addBuiltin(d, "enable_feature", enableFeature);
  addBuiltin(d, "disable_feature", disableFeature);
  addBuiltin(d, "disable_snapshots", disableSnapshots);
  addBuiltin(d, "set_team", setTeam);
}

}  // namespace slant::tiltfile
