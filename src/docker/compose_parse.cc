#include "docker/compose_parse.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace slant::docker {

namespace {

using Json = nlohmann::json;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view trimRight(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view trim(std::string_view s) {
  s = trimRight(s);
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  return s;
}

// Reads `n` digits at `pos` as a number; false when they are not all digits.
bool readNumber(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!isDigit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::string stringField(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

std::expected<std::string, std::string> parseComposeVersion(std::string_view output) {
  // Both generations print the version as the first word that starts with a digit (v2 with a
  // leading 'v') on the line that names Compose: "docker-compose version 1.29.2, build 5becea4c",
  // "Docker Compose version v2.20.2", "Docker Compose version 2.0.0-rc.3".
  std::size_t pos = 0;
  while (pos <= output.size()) {
    std::size_t end = output.find('\n', pos);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(pos, end - pos);
    std::string lower(line);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower.find("compose") != std::string::npos) {
      std::size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != ',') ++j;
        std::string_view word = line.substr(i, j - i);
        if (!word.empty() && (word[0] == 'v' || word[0] == 'V')) word.remove_prefix(1);
        if (!word.empty() && isDigit(word[0]) && word.find('.') != std::string_view::npos) {
          return std::string(word);
        }
        i = j + 1;
      }
    }
    if (end == output.size()) break;
    pos = end + 1;
  }
  return std::unexpected("could not parse version from output: \"" + std::string(trim(output)) +
                         "\"");
}

int composeMajorVersion(std::string_view version) {
  int major = 0;
  auto [ptr, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (ec != std::errc() || ptr == version.data()) return 0;
  return major;
}

std::vector<std::string> composeProjectArgs(const model::DcTarget& target,
                                            const std::vector<std::string>& extra_files) {
  std::vector<std::string> args;
  if (!target.project.empty()) args.insert(args.end(), {"--project-name", target.project});
  if (!target.project_dir.empty()) {
    args.insert(args.end(), {"--project-directory", target.project_dir});
  }
  if (!target.env_file.empty()) args.insert(args.end(), {"--env-file", target.env_file});
  for (const std::string& f : target.config_paths) args.insert(args.end(), {"-f", f});
  for (const std::string& f : extra_files) args.insert(args.end(), {"-f", f});
  for (const std::string& p : target.profiles) args.insert(args.end(), {"--profile", p});
  return args;
}

std::string imageOverrideFile(std::string_view service, std::string_view image) {
  Json doc = {{"services", {{std::string(service), {{"image", std::string(image)}}}}}};
  return "# written by slant for one `up`: runs the image slant built; removed afterwards\n" +
         doc.dump(2) + "\n";
}

std::optional<ContainerEvent> parseContainerEvent(std::string_view line) {
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  std::string type = stringField(j, "Type");
  if (!type.empty() && type != "container") return std::nullopt;
  ContainerEvent e;
  e.action = stringField(j, "Action");
  if (e.action.empty()) e.action = stringField(j, "status");
  auto actor = j.find("Actor");
  if (actor != j.end() && actor->is_object()) {
    e.id = stringField(*actor, "ID");
    auto attrs = actor->find("Attributes");
    if (attrs != actor->end() && attrs->is_object()) {
      e.project = stringField(*attrs, std::string(kProjectLabel).c_str());
      e.service = stringField(*attrs, std::string(kServiceLabel).c_str());
    }
  }
  if (e.id.empty()) e.id = stringField(j, "id");
  if (e.id.empty() || e.action.empty()) return std::nullopt;
  auto nano = j.find("timeNano");
  auto secs = j.find("time");
  if (nano != j.end() && nano->is_number_integer()) {
    e.time = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(nano->get<std::int64_t>())));
  } else if (secs != j.end() && secs->is_number_integer()) {
    e.time = std::chrono::system_clock::time_point(std::chrono::seconds(secs->get<std::int64_t>()));
  }
  return e;
}

std::expected<engine::ContainerState, std::string> parseContainerInspect(std::string_view json) {
  Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::unexpected("docker inspect printed malformed JSON");
  if (doc.is_array()) {
    if (doc.size() != 1) {
      return std::unexpected("docker inspect printed " + std::to_string(doc.size()) +
                             " objects, expected one container");
    }
    doc = doc[0];
  }
  if (!doc.is_object()) return std::unexpected("docker inspect printed no object");
  auto state = doc.find("State");
  if (state == doc.end() || !state->is_object()) {
    return std::unexpected("docker inspect printed no container State");
  }
  engine::ContainerState s;
  s.container_id = stringField(doc, "Id");
  if (s.container_id.empty()) return std::unexpected("docker inspect printed no container Id");
  s.status = stringField(*state, "Status");
  if (auto it = state->find("ExitCode"); it != state->end() && it->is_number_integer()) {
    s.exit_code = it->get<int>();
  }
  s.error = stringField(*state, "Error");
  if (auto it = state->find("OOMKilled"); it != state->end() && it->is_boolean()) {
    s.oom_killed = it->get<bool>();
  }
  if (auto health = state->find("Health"); health != state->end() && health->is_object()) {
    s.health = stringField(*health, "Status");
    auto log = health->find("Log");
    if (log != health->end() && log->is_array() && !log->empty()) {
      s.health_output = std::string(trim(stringField(log->back(), "Output")));
    }
  }
  if (auto t = parseDockerTime(stringField(*state, "StartedAt"))) s.started_at = *t;
  auto net = doc.find("NetworkSettings");
  if (net != doc.end() && net->is_object()) {
    auto ports = net->find("Ports");
    if (ports != net->end() && ports->is_object()) {
      std::set<int> host_ports;
      for (const auto& [container_port, bindings] : ports->items()) {
        if (!bindings.is_array()) continue;
        for (const Json& b : bindings) {
          std::string hp = stringField(b, "HostPort");
          int port = 0;
          auto [ptr, ec] = std::from_chars(hp.data(), hp.data() + hp.size(), port);
          if (ec == std::errc() && ptr == hp.data() + hp.size() && port > 0) {
            host_ports.insert(port);
          }
        }
      }
      s.published_ports.assign(host_ports.begin(), host_ports.end());
    }
  }
  return s;
}

std::optional<std::chrono::system_clock::time_point> parseDockerTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || !readNumber(s, 0, 4, year) || s[4] != '-' || !readNumber(s, 5, 2, month) ||
      s[7] != '-' || !readNumber(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !readNumber(s, 11, 2, hour) || s[13] != ':' || !readNumber(s, 14, 2, minute) ||
      s[16] != ':' || !readNumber(s, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && isDigit(s[pos])) {
      if (digits < 9) {
        nanos = nanos * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!readNumber(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !readNumber(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  // Docker's zero time ("0001-01-01T00:00:00Z": never started) is before what system_clock's
  // nanoseconds can hold; it means "no time".
  if (year < 1970) return std::chrono::system_clock::time_point{};
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return std::nullopt;
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second) - std::chrono::minutes(offset_minutes);
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(t) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             std::chrono::nanoseconds(nanos));
}

std::string formatDockerSince(std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  if (ns < 0) ns = 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(ns / 1000000000),
                static_cast<long long>(ns % 1000000000));
  return buf;
}

std::optional<TimestampedLine> splitTimestampedLine(std::string_view line) {
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    // A container's empty line comes as the timestamp alone on some versions.
    auto t = parseDockerTime(trimRight(line));
    if (!t) return std::nullopt;
    return TimestampedLine{*t, std::string_view()};
  }
  auto t = parseDockerTime(line.substr(0, space));
  if (!t) return std::nullopt;
  std::string_view text = line.substr(space + 1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);  // a TTY's line ending
  return TimestampedLine{*t, text};
}

void OutputTail::add(std::string_view line) {
  line = trimRight(line);
  if (trim(line).empty()) return;
  lines_.emplace_back(line);
  if (lines_.size() > max_lines_) lines_.erase(lines_.begin());
}

std::string OutputTail::text() const {
  std::string out;
  for (const std::string& l : lines_) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

}  // namespace slant::docker
