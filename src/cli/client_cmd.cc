#include "cli/client_cmd.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>

#include "cli/log_format.h"
#include "server/client.h"
#include "server/token.h"
#include "server/wire.h"
#include "tiltfile/settings.h"

namespace slant::cli {

namespace {

using Json = nlohmann::json;
using server::ApiClient;
using server::ClientError;
using SystemClock = std::chrono::system_clock;

// Tilt's model.BuildReasonFlagTriggerCLI, sent with /api/trigger as `tilt trigger` does.
constexpr int kBuildReasonTriggerCli = 32;

std::string str(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool boolean(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::vector<std::string> strings(const Json& j, std::string_view key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& e : *it) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string quote(std::string_view s) {
  return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string urlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

// A duration as kubectl shows ages: "45s", "3m20s", "17m", "2h5m", "9h", "3d".
std::string humanDuration(std::chrono::seconds d) {
  long long s = std::max<long long>(0, d.count());
  if (s < 120) return std::to_string(s) + "s";
  long long m = s / 60;
  if (m < 10) return std::to_string(m) + "m" + (s % 60 ? std::to_string(s % 60) + "s" : "");
  if (m < 180) return std::to_string(m) + "m";
  long long h = m / 60;
  if (h < 8) return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
  if (h < 48) return std::to_string(h) + "h";
  return std::to_string(h / 24) + "d";
}

std::optional<std::chrono::seconds> ageOf(const Json& j, std::string_view key) {
  auto t = server::parseRfc3339(str(j, key));
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(SystemClock::now() - *t);
}

// Prints rows as columns separated by three spaces, as kubectl does.
void printTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line.append(static_cast<std::size_t>(widths[i] - displayWidth(row[i]) + 3), ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();  // empty last columns
    out << line << "\n";
  }
}

std::optional<std::chrono::nanoseconds> goDuration(const std::string& s, std::string& error) {
  auto d = tiltfile::parseGoDuration(s);
  if (!d) {
    error = d.error().message();
    return std::nullopt;
  }
  return std::chrono::nanoseconds(*d);
}

/// A client command's connection to the server, with error reporting.
class Session {
 public:
  Session(const ClientArgs& a, std::ostream& out, std::ostream& err)
      : a_(a), out_(out), err_(err), client_(a.host, a.port, readToken()) {}

  std::ostream& out() { return out_; }
  const ApiClient& client() const { return client_; }

  /// Writes "error: MESSAGE" and returns 1.
  int fail(std::string_view message) {
    err_ << "error: " << message << "\n";
    return 1;
  }

  /// GETs a JSON document; the error is the message for the user.
  std::expected<Json, std::string> get(const std::string& target) {
    return check(client_.get(target));
  }

  /// POSTs a JSON body and returns the JSON answer.
  std::expected<Json, std::string> post(const std::string& target, const Json& body) {
    return check(client_.post(target, body.dump(-1, ' ', false, Json::error_handler_t::replace)));
  }

  /// Adds why the local token is missing to a refusal.
  std::string withTokenHint(std::string message) const {
    if (token_problem_) message += " (" + *token_problem_ + ")";
    return message;
  }

 private:
  std::optional<std::string> readToken() {
    auto dir = server::defaultTokenDir();
    if (!dir) {
      token_problem_ = dir.error();
      return std::nullopt;
    }
    auto token = server::readTokenFile(server::tokenFilePath(*dir, a_.port));
    if (!token) {
      token_problem_ = token.error();
      return std::nullopt;
    }
    return *token;
  }

  std::expected<Json, std::string> check(std::expected<server::HttpReply, ClientError> reply) {
    if (!reply) return std::unexpected(reply.error().message);
    if (reply->status != 200) {
      std::string message = server::replyError(*reply);
      if (reply->status == 403) message = withTokenHint(std::move(message));
      return std::unexpected(std::move(message));
    }
    auto j = Json::parse(reply->body, nullptr, false);
    if (j.is_discarded()) {
      return std::unexpected("slant at " + client_.address() + " sent an answer that is not JSON");
    }
    return j;
  }

  const ClientArgs& a_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<std::string> token_problem_;
  ApiClient client_;
};

// ---- get ----------------------------------------------------------------------------------

std::string updateColumn(const Json& r) {
  if (boolean(r, "disabled")) return "disabled";
  return str(r, "update_status");
}

std::string lastUpdateColumn(const Json& r) {
  auto current = r.find("current_build");
  if (current != r.end() && current->is_object()) return "updating";
  auto history = r.find("build_history");
  if (history != r.end() && history->is_array() && !history->empty()) {
    if (auto age = ageOf((*history)[0], "finish_time")) return humanDuration(*age) + " ago";
  }
  return "-";
}

std::string waitingText(const Json& r) {
  auto w = r.find("waiting");
  if (w == r.end() || !w->is_object()) return "";
  std::string text = str(*w, "reason");
  auto on = strings(*w, "on");
  if (!on.empty()) text += " (on " + join(on, ", ") + ")";
  return text;
}

int runGet(const ClientArgs& a, Session& s) {
  if (!a.output.empty() && a.output != "json" && a.output != "wide") {
    return s.fail("unknown output format " + quote(a.output) + ": use -o json or -o wide");
  }
  auto view = s.get("/api/view");
  if (!view) return s.fail(view.error());
  const Json& all = (*view)["resources"];
  if (!all.is_array()) return s.fail("slant sent a view without resources");
  std::vector<Json> selected;
  if (a.names.empty()) {
    selected.assign(all.begin(), all.end());
  } else {
    for (const auto& name : a.names) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](const Json& r) { return str(r, "name") == name; });
      if (it == all.end()) return s.fail("no such resource " + quote(name));
      selected.push_back(*it);
    }
  }
  if (a.output == "json") {
    Json j;
    if (a.names.empty()) {
      j = *view;
    } else if (selected.size() == 1) {
      j = selected.front();
    } else {
      j = {{"resources", selected}};
    }
    s.out() << j.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return 0;
  }
  bool wide = a.output == "wide";
  std::vector<std::vector<std::string>> rows;
  if (wide) {
    rows.push_back({"NAME", "TYPE", "UPDATE", "RUNTIME", "READY", "LAST UPDATE", "TRIGGER",
                    "LABELS", "WAITING", "ERROR"});
  } else {
    rows.push_back({"NAME", "TYPE", "UPDATE", "RUNTIME", "READY", "LAST UPDATE"});
  }
  for (const auto& r : selected) {
    std::vector<std::string> row = {str(r, "name"),
                                    str(r, "type"),
                                    updateColumn(r),
                                    str(r, "runtime_status"),
                                    boolean(r, "ready") ? "yes" : "no",
                                    lastUpdateColumn(r)};
    if (wide) {
      std::string trigger = str(r, "trigger_mode");
      if (r.contains("auto_init") && !boolean(r, "auto_init")) trigger += ",no-auto-init";
      row.push_back(trigger);
      row.push_back(join(strings(r, "labels"), ","));
      row.push_back(waitingText(r));
      row.push_back(str(r, "error"));
    }
    rows.push_back(std::move(row));
  }
  printTable(s.out(), rows);
  return 0;
}

// ---- describe -----------------------------------------------------------------------------

std::string orNone(std::string s) { return s.empty() ? "<none>" : s; }

std::string buildLine(const Json& b) {
  std::string line = str(b, "start_time");
  auto start = server::parseRfc3339(str(b, "start_time"));
  auto finish = server::parseRfc3339(str(b, "finish_time"));
  if (start && finish) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*finish - *start).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
    line += "  " + std::string(buf);
  }
  line += "  " + orNone(str(b, "reason"));
  auto edits = strings(b, "edits");
  if (!edits.empty()) line += " (" + join(edits, ", ") + ")";
  std::string error = str(b, "error");
  line += error.empty() ? "  ok" : "  error: " + error.substr(0, error.find('\n'));
  return line;
}

void describeResource(std::ostream& out, const Json& r) {
  auto field = [&](std::string_view label, const std::string& value) {
    std::string l = std::string(label) + ":";
    out << l << std::string(l.size() < 17 ? 17 - l.size() : 1, ' ') << value << "\n";
  };
  field("Name", str(r, "name"));
  field("Type", str(r, "type"));
  field("Labels", orNone(join(strings(r, "labels"), ", ")));
  field("Resource deps", orNone(join(strings(r, "resource_deps"), ", ")));
  field("Trigger mode", str(r, "trigger_mode"));
  field("Auto init", boolean(r, "auto_init") ? "true" : "false");
  field("Disabled", boolean(r, "disabled") ? "true" : "false");
  field("Update status", str(r, "update_status"));
  field("Runtime status", str(r, "runtime_status"));
  field("Ready", boolean(r, "ready") ? "true" : "false");
  field("Waiting", orNone(waitingText(r)));
  field("Queued", boolean(r, "queued") ? "true" : "false");
  field("Error", orNone(str(r, "error")));
  auto pending = strings(r, "pending_files");
  field("Pending files", pending.empty() ? "<none>" : pending.front());
  for (std::size_t i = 1; i < pending.size(); ++i)
    out << std::string(17, ' ') << pending[i] << "\n";
  auto current = r.find("current_build");
  if (current != r.end() && current->is_object()) {
    std::string text = orNone(str(*current, "reason")) + ", started " + str(*current, "start_time");
    auto edits = strings(*current, "edits");
    if (!edits.empty()) text += " (" + join(edits, ", ") + ")";
    field("Current update", text);
  } else {
    field("Current update", "<none>");
  }
  auto history = r.find("build_history");
  if (history != r.end() && history->is_array() && !history->empty()) {
    out << "Last updates:    (newest first)\n";
    for (const auto& b : *history) out << "  " << buildLine(b) << "\n";
  } else {
    field("Last updates", "<none>");
  }
  auto links = r.find("links");
  if (links != r.end() && links->is_array() && !links->empty()) {
    out << "Links:\n";
    for (const auto& l : *links) {
      std::string name = str(l, "name");
      out << "  " << str(l, "url") << (name.empty() ? "" : " (" + name + ")") << "\n";
    }
  } else {
    field("Links", "<none>");
  }
  auto runtime = r.find("runtime");
  if (runtime != r.end() && runtime->is_object()) {
    out << "Runtime:\n";
    if (auto pid = runtime->find("pid"); pid != runtime->end() && pid->is_number()) {
      out << "  PID:           " << pid->dump() << "\n";
    }
    if (!str(*runtime, "start_time").empty()) {
      out << "  Started:       " << str(*runtime, "start_time") << "\n";
    }
    if (!str(*runtime, "detail").empty()) {
      out << "  Detail:        " << str(*runtime, "detail") << "\n";
    }
  } else {
    field("Runtime", "<none>");
  }
}

int runDescribe(const ClientArgs& a, Session& s) {
  bool first = true;
  for (const auto& name : a.names) {
    auto r = s.get("/api/resources/" + urlEncode(name));
    if (!r) return s.fail(r.error());
    if (!first) s.out() << "\n";
    first = false;
    describeResource(s.out(), *r);
  }
  return 0;
}

// ---- logs ---------------------------------------------------------------------------------

struct LogFilter {
  std::vector<std::string> resources;
  std::optional<engine::LogLevel> level;
  std::optional<engine::LogSource> source;
  std::optional<SystemClock::time_point> since;
  bool json = false;
  bool prefix = true;

  bool matches(const engine::LogLine& line) const {
    if (!resources.empty() &&
        std::find(resources.begin(), resources.end(), line.resource) == resources.end()) {
      return false;
    }
    if (level && line.level != *level) return false;
    if (source && line.source != *source) return false;
    if (since && line.time < *since) return false;
    return true;
  }

  void print(std::ostream& out, const engine::LogLine& line) const {
    if (json) {
      // Tilt's `logs --json` fields.
      Json j = {{"time", server::rfc3339Millis(line.time)},
                {"resource", line.resource},
                {"level", engine::logLevelName(line.level)},
                {"message", line.text},
                {"source", engine::logSourceName(line.source)}};
      out << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    } else if (prefix) {
      out << formatLogLine(line) << "\n";
    } else {
      out << line.text << "\n";
    }
  }
};

std::string logsTarget(const std::vector<std::string>& resources, std::uint64_t after) {
  std::string target = "/api/logs?after=" + std::to_string(after);
  for (const auto& r : resources) target += "&resource=" + urlEncode(r);
  return target;
}

// Fetches the lines after `after`, up to `upto` (inclusive) when given.
std::expected<std::vector<engine::LogLine>, std::string> fetchLines(
    Session& s, const LogFilter& f, std::uint64_t after, std::optional<std::uint64_t> upto,
    std::uint64_t& dropped) {
  auto page = s.get(logsTarget(f.resources, after));
  if (!page) return std::unexpected(page.error());
  std::vector<engine::LogLine> lines;
  auto it = page->find("lines");
  if (it == page->end() || !it->is_array()) {
    return std::unexpected("slant sent a log page without lines");
  }
  for (const auto& j : *it) {
    auto line = server::logLineFromJson(j);
    if (!line) return std::unexpected("slant sent a malformed log line");
    if (upto && line->seq > *upto) break;
    lines.push_back(std::move(*line));
  }
  auto d = page->find("dropped");
  dropped = d != page->end() && d->is_number_unsigned() ? d->get<std::uint64_t>() : 0;
  return lines;
}

void printLines(std::ostream& out, const LogFilter& f, const std::vector<engine::LogLine>& lines,
                int tail) {
  std::vector<const engine::LogLine*> kept;
  for (const auto& line : lines) {
    if (f.matches(line)) kept.push_back(&line);
  }
  std::size_t start = 0;
  if (tail >= 0 && kept.size() > static_cast<std::size_t>(tail)) {
    start = kept.size() - static_cast<std::size_t>(tail);
  }
  for (std::size_t i = start; i < kept.size(); ++i) f.print(out, *kept[i]);
  out.flush();
}

int runLogs(const ClientArgs& a, Session& s, std::ostream& err) {
  LogFilter f;
  f.resources = a.names;
  f.json = a.json;
  // Tilt leaves the prefix out when the lines are all of one resource.
  f.prefix = a.names.size() != 1;
  if (a.level == "warn") {
    f.level = engine::LogLevel::kWarn;
  } else if (a.level == "error") {
    f.level = engine::LogLevel::kError;
  } else if (!a.level.empty()) {
    return s.fail("invalid --level " + quote(a.level) + ": use warn or error");
  }
  if (a.source == "build") {
    f.source = engine::LogSource::kBuild;
  } else if (a.source == "runtime") {
    f.source = engine::LogSource::kRuntime;
  } else if (a.source != "all" && !a.source.empty()) {
    return s.fail("invalid --source " + quote(a.source) + ": use all, build or runtime");
  }
  if (!a.since.empty()) {
    std::string error;
    auto d = goDuration(a.since, error);
    if (!d) return s.fail("invalid --since " + quote(a.since) + ": " + error);
    f.since = SystemClock::now() - std::chrono::duration_cast<SystemClock::duration>(*d);
  }
  auto noteDropped = [&](std::uint64_t dropped) {
    if (dropped > 0 && !a.json && a.tail < 0 && !f.since) {
      err << "note: " << dropped << " earlier log line" << (dropped == 1 ? " was" : "s were")
          << " dropped by slant's log cap\n";
    }
  };

  if (!a.follow) {
    std::uint64_t dropped = 0;
    auto lines = fetchLines(s, f, 0, std::nullopt, dropped);
    if (!lines) return s.fail(lines.error());
    noteDropped(dropped);
    printLines(s.out(), f, *lines, a.tail);
    return 0;
  }

  // Follow: the stream's first message says how far the log went when it started; the lines up
  // to there come from /api/logs, the later ones from the stream. A "view" message later in the
  // stream is a resync after the client fell behind: fetch what was missed the same way.
  std::uint64_t cursor = 0;  // every line up to here has been handled
  bool first = true;
  std::string failure;
  auto result = s.client().stream([&](const Json& m) {
    std::string type = str(m, "type");
    if (type == "view") {
      auto last = m.find("last_seq");
      std::uint64_t upto =
          last != m.end() && last->is_number_unsigned() ? last->get<std::uint64_t>() : 0;
      std::uint64_t dropped = 0;
      auto lines = fetchLines(s, f, cursor, upto, dropped);
      if (!lines) {
        failure = lines.error();
        return false;
      }
      if (first) {
        noteDropped(dropped);
      } else if (dropped > 0 && !a.json) {
        err << "note: " << dropped << " log line" << (dropped == 1 ? " was" : "s were")
            << " dropped while this client fell behind\n";
      }
      printLines(s.out(), f, *lines, first ? a.tail : -1);
      cursor = std::max(cursor, upto);
      first = false;
    } else if (type == "logs" && m.contains("lines") && m["lines"].is_array()) {
      for (const Json& j : m["lines"]) {
        auto line = server::logLineFromJson(j);
        if (!line || line->seq <= cursor) continue;
        cursor = line->seq;
        if (f.matches(*line)) f.print(s.out(), *line);
      }
      s.out().flush();
    }
    return true;
  });
  if (!failure.empty()) return s.fail(failure);
  if (!result && result.error().kind != ClientError::Kind::kClosed) {
    return s.fail(s.withTokenHint(result.error().message));
  }
  return 0;  // slant stopped: the log is over
}

// ---- trigger, enable, disable, args, dump -------------------------------------------------

int runTrigger(const ClientArgs& a, Session& s) {
  const std::string& name = a.names.front();
  auto done = s.post("/api/trigger",
                     {{"manifest_names", {name}}, {"build_reason", kBuildReasonTriggerCli}});
  if (!done) return s.fail(done.error());
  s.out() << "Successfully triggered update for resource: " << quote(name) << "\n";
  return 0;
}

bool hasLabel(const Json& r, const std::vector<std::string>& labels) {
  auto have = strings(r, "labels");
  for (const auto& l : labels) {
    if (std::find(have.begin(), have.end(), l) != have.end()) return true;
  }
  return false;
}

int runEnable(const ClientArgs& a, Session& s, bool enable) {
  if (a.all && a.only) return s.fail("cannot use --all with --only");
  if (a.all && !a.names.empty()) return s.fail("cannot use --all with resource names");
  if (!a.all && a.names.empty() && a.labels.empty()) {
    return s.fail("must specify at least one resource");
  }
  auto view = s.get("/api/view");
  if (!view) return s.fail(view.error());
  const Json& resources = (*view)["resources"];
  if (!resources.is_array()) return s.fail("slant sent a view without resources");
  std::map<std::string, const Json*> by_name;
  for (const auto& r : resources) by_name[str(r, "name")] = &r;
  std::set<std::string> selected;
  for (const auto& name : a.names) {
    auto it = by_name.find(name);
    if (it == by_name.end()) return s.fail("no such resource " + quote(name));
    if (str(*it->second, "type") == "tiltfile") {
      return s.fail(name + " cannot be enabled or disabled");
    }
    selected.insert(name);
  }
  std::vector<std::string> chosen = a.names, others;
  for (const auto& r : resources) {
    std::string name = str(r, "name");
    if (str(r, "type") == "tiltfile" || selected.count(name)) continue;
    if (a.all || (!a.labels.empty() && hasLabel(r, a.labels))) {
      chosen.push_back(name);
    } else if (a.only) {
      others.push_back(name);
    }
  }
  if (chosen.empty()) {
    return s.fail("no resource has the label" + std::string(a.labels.size() == 1 ? " " : "s ") +
                  join(a.labels, ", "));
  }
  if (!others.empty()) {
    auto done = s.post(enable ? "/api/disable" : "/api/enable", {{"names", others}});
    if (!done) return s.fail(done.error());
  }
  auto done = s.post(enable ? "/api/enable" : "/api/disable", {{"names", chosen}});
  if (!done) return s.fail(done.error());
  return 0;
}

std::string shellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_./=:,+@%") == std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

int runArgs(const ClientArgs& a, Session& s) {
  if (a.clear && !a.tiltfile_args.empty()) {
    return s.fail("--clear cannot be specified with other values");
  }
  auto current = s.get("/api/args");
  if (!current) return s.fail(current.error());
  std::vector<std::string> now = strings(*current, "args");
  if (!a.clear && a.tiltfile_args.empty()) {
    // Tilt opens an editor here; slant prints the current arguments instead.
    std::vector<std::string> quoted;
    for (const auto& arg : now) quoted.push_back(shellQuote(arg));
    s.out() << join(quoted, " ") << "\n";
    return 0;
  }
  std::vector<std::string> wanted = a.clear ? std::vector<std::string>{} : a.tiltfile_args;
  if (wanted == now) {
    s.out() << "slant is already running with those args -- no action taken\n";
    return 0;
  }
  auto done = s.post("/api/set_tiltfile_args", Json(wanted));
  if (!done) return s.fail(done.error());
  s.out() << "Changed config args for slant running at " << s.client().address() << " to ["
          << join(wanted, " ") << "]\n";
  return 0;
}

int runDumpEngine(Session& s) {
  auto dump = s.get("/api/dump/engine");
  if (!dump) return s.fail(dump.error());
  s.out() << dump->dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  return 0;
}

// ---- wait ---------------------------------------------------------------------------------

int runWait(const ClientArgs& a, Session& s, std::ostream& err) {
  // --for=condition=Ready, or condition=Ready=true|false as kubectl allows.
  bool want = true;
  {
    std::string f = a.for_condition;
    std::string lower = f;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "condition=ready" || lower == "condition=ready=true") {
      want = true;
    } else if (lower == "condition=ready=false") {
      want = false;
    } else if (f.empty()) {
      return s.fail("wait needs --for=condition=Ready");
    } else {
      return s.fail("unsupported --for=" + f + ": slant waits for condition=Ready");
    }
  }
  std::vector<std::string> targets;
  bool all = a.all;
  for (const auto& arg : a.names) {
    auto slash = arg.find('/');
    std::string kind = arg.substr(0, slash);
    if (kind != "uiresource" && kind != "uiresources" && kind != "uiresource.tilt.dev" &&
        kind != "resource" && kind != "resources") {
      return s.fail("unsupported resource type " + quote(kind) +
                    ": slant waits on uiresource/NAME (or resource/NAME)");
    }
    if (slash == std::string::npos) {
      if (!a.all) return s.fail("wait needs uiresource/NAME or --all");
      continue;
    }
    if (a.all) return s.fail("cannot use --all with resource names");
    targets.push_back(arg.substr(slash + 1));
  }
  if (targets.empty() && !all) return s.fail("wait needs at least one uiresource/NAME");
  std::string error;
  auto timeout = goDuration(a.timeout, error);
  if (!timeout) return s.fail("invalid --timeout " + quote(a.timeout) + ": " + error);
  // As kubectl: a negative timeout is a week; zero checks once.
  bool once = timeout->count() == 0;
  if (timeout->count() < 0) *timeout = std::chrono::hours(24 * 7);

  std::map<std::string, bool> ready;  // by name, as last seen
  std::set<std::string> met;
  auto check = [&] {
    for (const auto& name : targets) {
      auto it = ready.find(name);
      if (!met.count(name) && it != ready.end() && it->second == want) {
        met.insert(name);
        s.out() << "uiresource/" << name << " condition met\n";
        s.out().flush();
      }
    }
    return met.size() == targets.size();
  };
  auto result = s.client().stream(
      [&](const Json& m) {
        std::string type = str(m, "type");
        if (type == "view") {
          ready.clear();
          auto resources =
              m.contains("view") ? m["view"].value("resources", Json::array()) : Json::array();
          for (const auto& r : resources) ready[str(r, "name")] = boolean(r, "ready");
          if (all && targets.empty()) {
            for (const auto& r : resources) targets.push_back(str(r, "name"));
          }
        } else if (type == "resource" && m.contains("resource")) {
          ready[str(m["resource"], "name")] = boolean(m["resource"], "ready");
        } else if (type == "resource_deleted") {
          ready.erase(str(m, "name"));
        }
        return !check() && !once;
      },
      std::chrono::duration_cast<ApiClient::Duration>(*timeout));
  if (met.size() == targets.size()) return 0;
  if (result || result.error().kind == ClientError::Kind::kTimeout) {
    for (const auto& name : targets) {
      if (!met.count(name)) {
        err << "error: timed out waiting for the condition on uiresources/" << name << "\n";
      }
    }
    return 1;
  }
  if (result.error().kind == ClientError::Kind::kClosed) {
    return s.fail(result.error().message + " before the condition was met");
  }
  return s.fail(s.withTokenHint(result.error().message));
}

void addConnectFlags(CLI::App* cmd, ClientArgs& a) {
  cmd->add_option("--host", a.host, "Host of the slant HTTP server (env SLANT_HOST or TILT_HOST)")
      ->capture_default_str();
  cmd->add_option("--port", a.port, "Port of the slant HTTP server (env SLANT_PORT or TILT_PORT)")
      ->capture_default_str();
}

}  // namespace

void addClientCommands(CLI::App& app, ClientArgs& a) {
  for (const char* name : {"SLANT_HOST", "TILT_HOST"}) {
    if (const char* v = std::getenv(name); v && *v) {
      a.host = v;
      break;
    }
  }
  for (const char* name : {"SLANT_PORT", "TILT_PORT"}) {
    if (const char* v = std::getenv(name); v && *v) {
      std::string_view s(v);
      int port = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
      if (ec != std::errc() || ptr != s.data() + s.size() || port < 1 || port > 65535) {
        a.env_error = "invalid " + std::string(name) + " " + quote(s) + ": must be a port number";
      } else {
        a.port = port;
      }
      break;
    }
  }

  a.get = app.add_subcommand("get", "Show the resources of a running slant as a table or JSON");
  a.get->add_option("names", a.names, "Resources to show (default: all)");
  a.get->add_option("-o,--output", a.output, "Output format: json or wide");
  addConnectFlags(a.get, a);

  a.describe = app.add_subcommand("describe", "Show the details of resources of a running slant");
  a.describe->add_option("names", a.names, "Resources to describe")->required();
  addConnectFlags(a.describe, a);

  a.logs = app.add_subcommand(
      "logs", "Print the logs of a running slant (optionally only of the given resources)");
  a.logs->add_option("names", a.names, "Resources whose logs to print (default: all)");
  a.logs->add_flag("-f,--follow", a.follow, "Keep printing new lines as they come");
  a.logs->add_option("--since", a.since, "Only lines newer than this duration (e.g. 5m, 1h)");
  a.logs->add_option("--tail", a.tail, "Only the last N lines (-1: all)")->capture_default_str();
  a.logs->add_flag("--json", a.json, "Print JSON Lines");
  a.logs->add_option("--level", a.level, "Only lines of this level: warn or error");
  a.logs->add_option("--source", a.source, "Only lines of this source: all, build or runtime")
      ->capture_default_str();
  addConnectFlags(a.logs, a);

  a.trigger = app.add_subcommand("trigger", "Trigger an update of a resource");
  a.trigger->add_option("names", a.names, "The resource")->required()->expected(1);
  addConnectFlags(a.trigger, a);

  a.enable = app.add_subcommand("enable", "Enable resources");
  a.enable->add_option("names", a.names, "Resources to enable");
  a.enable->add_flag("--all", a.all, "Enable every resource");
  a.enable->add_flag("--only", a.only, "Enable the given resources and disable every other");
  a.enable->add_option("-l,--labels", a.labels, "Enable the resources with these labels")
      ->delimiter(',');
  addConnectFlags(a.enable, a);

  a.disable = app.add_subcommand("disable", "Disable resources (stopping what they run)");
  a.disable->add_option("names", a.names, "Resources to disable");
  a.disable->add_flag("--all", a.all, "Disable every resource");
  a.disable->add_option("-l,--labels", a.labels, "Disable the resources with these labels")
      ->delimiter(',');
  addConnectFlags(a.disable, a);

  a.args = app.add_subcommand(
      "args", "Change the Tiltfile arguments of a running slant (print them without any)");
  a.args->add_flag("--clear", a.clear, "Clear the arguments");
  a.args->add_option("tiltfile_args", a.tiltfile_args, "The new arguments (after --)");
  addConnectFlags(a.args, a);

  a.wait = app.add_subcommand(
      "wait", "Wait until resources are ready: wait --for=condition=Ready uiresource/NAME...");
  a.wait->add_option("names", a.names, "uiresource/NAME (or resource/NAME)");
  a.wait->add_option("--for", a.for_condition, "The condition: condition=Ready")->required();
  a.wait->add_option("--timeout", a.timeout, "How long to wait (a Go duration)")
      ->capture_default_str();
  a.wait->add_flag("--all", a.all, "Wait for every resource");
  addConnectFlags(a.wait, a);

  CLI::App* dump = app.add_subcommand("dump", "Dump internal state of a running slant");
  dump->require_subcommand(1);
  a.dump_engine = dump->add_subcommand("engine", "Dump the engine's state as JSON (unstable)");
  addConnectFlags(a.dump_engine, a);
}

int runClientCommand(const ClientArgs& a, std::ostream& out, std::ostream& err) {
  CLI::App* parsed = nullptr;
  for (CLI::App* cmd :
       {a.get, a.describe, a.logs, a.trigger, a.enable, a.disable, a.args, a.wait, a.dump_engine}) {
    if (cmd && cmd->parsed()) parsed = cmd;
  }
  if (!parsed) return -1;
  if (!a.env_error.empty()) {
    err << "error: " << a.env_error << "\n";
    return 1;
  }
  Session s(a, out, err);
  if (parsed == a.get) return runGet(a, s);
  if (parsed == a.describe) return runDescribe(a, s);
  if (parsed == a.logs) return runLogs(a, s, err);
  if (parsed == a.trigger) return runTrigger(a, s);
  if (parsed == a.enable) return runEnable(a, s, true);
  if (parsed == a.disable) return runEnable(a, s, false);
  if (parsed == a.args) return runArgs(a, s);
  if (parsed == a.wait) return runWait(a, s, err);
  return runDumpEngine(s);
}

}  // namespace slant::cli
