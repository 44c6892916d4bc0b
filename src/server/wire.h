// The JSON shapes of the API that are the server's own (the view and resources come from the
// engine as they are): log lines, their timestamps, error bodies. Shared by the server and the
// client commands. docs/api.md describes every shape.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/log_store.h"

namespace slant::server {

/// A time as RFC 3339 in UTC with milliseconds: "2026-01-02T03:04:05.678Z".
std::string rfc3339Millis(std::chrono::system_clock::time_point t);

/// Parses an RFC 3339 time ("...Z" or "...+02:00", with or without a fraction); nullopt when
/// `s` is not one.
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s);

/// {"seq", "time", "resource", "source", "level", "text"}.
nlohmann::json logLineJson(const engine::LogLine& line);

/// The inverse of logLineJson; nullopt when a field is missing or has the wrong type.
std::optional<engine::LogLine> logLineFromJson(const nlohmann::json& j);

/// {"error": message}, the body of every error response.
nlohmann::json errorJson(std::string_view message);

}  // namespace slant::server
