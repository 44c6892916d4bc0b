#include "server/wire.h"

#include <cstdio>
#include <ctime>

namespace slant::server {

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<engine::LogSource> sourceFromName(std::string_view s) {
  if (s == "build") return engine::LogSource::kBuild;
  if (s == "runtime") return engine::LogSource::kRuntime;
  return std::nullopt;
}

std::optional<engine::LogLevel> levelFromName(std::string_view s) {
  if (s == "info") return engine::LogLevel::kInfo;
  if (s == "warn") return engine::LogLevel::kWarn;
  if (s == "error") return engine::LogLevel::kError;
  return std::nullopt;
}

}  // namespace

std::string rfc3339Millis(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s) {
  int year, mon, day, hour, min, sec;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mon) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, min) || s[16] != ':' ||
      !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_secs = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_secs = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t days = daysFromCivil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  std::int64_t total = days * 86400 + hour * 3600 + min * 60 + sec - offset_secs;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(total) + std::chrono::nanoseconds(nanos)));
}

nlohmann::json logLineJson(const engine::LogLine& line) {
  return {{"seq", line.seq},
          {"time", rfc3339Millis(line.time)},
          {"resource", line.resource},
          {"source", engine::logSourceName(line.source)},
          {"level", engine::logLevelName(line.level)},
          {"text", line.text}};
}

std::optional<engine::LogLine> logLineFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  auto seq = j.find("seq");
  auto time = j.find("time");
  auto resource = j.find("resource");
  auto source = j.find("source");
  auto level = j.find("level");
  auto text = j.find("text");
  if (seq == j.end() || !seq->is_number_unsigned() || time == j.end() || !time->is_string() ||
      resource == j.end() || !resource->is_string() || source == j.end() || !source->is_string() ||
      level == j.end() || !level->is_string() || text == j.end() || !text->is_string()) {
    return std::nullopt;
  }
  auto t = parseRfc3339(time->get_ref<const std::string&>());
  auto src = sourceFromName(source->get_ref<const std::string&>());
  auto lvl = levelFromName(level->get_ref<const std::string&>());
  if (!t || !src || !lvl) return std::nullopt;
  engine::LogLine line;
  line.seq = seq->get<std::uint64_t>();
  line.time = *t;
  line.resource = resource->get<std::string>();
  line.source = *src;
  line.level = *lvl;
  line.text = text->get<std::string>();
  return line;
}

nlohmann::json errorJson(std::string_view message) { return {{"error", message}}; }

}  // namespace slant::server
