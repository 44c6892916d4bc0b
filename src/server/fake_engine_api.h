// A small in-memory EngineApi for the tests of the server and of the client commands: three
// resources ("(Tiltfile)", "api", "db") in the shape of docs/api.md, a real LogStore, and a
// record of what it was asked. Like the engine, it must be used on the loop thread only.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/api.h"

namespace slant::server {

/// A resource as EngineApi::view() shows it, with every field at a neutral value.
inline nlohmann::json makeResource(std::string name, std::string type = "local") {
  using Json = nlohmann::json;
  return {{"name", name},
          {"type", type},
          {"labels", Json::array()},
          {"resource_deps", Json::array()},
          {"trigger_mode", "auto"},
          {"auto_init", true},
          {"disabled", false},
          {"update_status", "ok"},
          {"runtime_status", "not_applicable"},
          {"ready", true},
          {"waiting", nullptr},
          {"queued", false},
          {"pending_files", Json::array()},
          {"current_build", nullptr},
          {"build_history", Json::array()},
          {"links", Json::array()},
          {"runtime", nullptr},
          {"error", ""}};
}

/// An EngineApi over plain values, recording what it was asked.
class FakeEngineApi : public engine::EngineApi {
 public:
  using Json = nlohmann::json;

  FakeEngineApi() {
    resources.push_back(makeResource("(Tiltfile)", "tiltfile"));
    resources.push_back(makeResource("api"));
    resources.push_back(makeResource("db"));
  }

  Json view() const override {
    ++view_calls;
    return {{"session",
             {{"tiltfile", "/w/Tiltfile"},
              {"mode", "up"},
              {"start_time", "2026-01-02T03:04:05.678Z"},
              {"args", args_},
              {"tiltfile_error", ""},
              {"last_seq", log.lastSeq()},
              {"log_dropped", log.droppedLines()}}},
            {"resources", resources}};
  }
  std::optional<Json> resource(std::string_view name) const override {
    if (const Json* r = find(name)) return *r;
    return std::nullopt;
  }
  engine::LogPage logs(const engine::LogQuery& q) const override { return log.query(q); }
  std::expected<void, std::string> trigger(std::string_view name) override {
    Json* r = find(name);
    if (!r) return std::unexpected("no such resource \"" + std::string(name) + "\"");
    if ((*r)["disabled"].get<bool>()) {
      return std::unexpected("resource \"" + std::string(name) + "\" is disabled");
    }
    triggered.emplace_back(name);
    return {};
  }
  std::expected<void, std::string> setDisabled(const std::vector<std::string>& names,
                                               bool disabled) override {
    for (const auto& n : names) {
      if (n == "(Tiltfile)") return std::unexpected("(Tiltfile) cannot be disabled");
    }
    for (const auto& n : names) {
      if (Json* r = find(n)) (*r)["disabled"] = disabled;
    }
    return {};
  }
  std::expected<void, std::string> setTriggerMode(const std::vector<std::string>& names,
                                                  model::TriggerMode mode) override {
    for (const auto& n : names) {
      if (!find(n)) return std::unexpected("no such resource \"" + n + "\"");
    }
    for (const auto& n : names) {
      (*find(n))["trigger_mode"] = mode == model::TriggerMode::kAuto ? "auto" : "manual";
    }
    return {};
  }
  void setArgs(std::vector<std::string> a) override { args_ = std::move(a); }
  std::vector<std::string> args() const override { return args_; }
  Json dumpEngine() const override { return {{"fake", true}, {"resources", resources.size()}}; }
  engine::SubscriptionId subscribe(engine::EngineListener l) override {
    if (on_subscribe) on_subscribe();
    listeners[next_id] = std::move(l);
    return next_id++;
  }
  void unsubscribe(engine::SubscriptionId id) override { listeners.erase(id); }

  // Test helpers.
  Json* find(std::string_view name) {
    for (auto& r : resources) {
      if (r["name"] == name) return &r;
    }
    return nullptr;
  }
  const Json* find(std::string_view name) const {
    return const_cast<FakeEngineApi*>(this)->find(name);
  }
  void changed(std::string_view name) {
    auto copy = listeners;
    for (auto& [id, l] : copy) {
      if (l.on_resource_changed) l.on_resource_changed(name);
    }
  }
  /// Appends a line (by default at 2026-01-02T03:04:05.678Z) and tells the listeners.
  void addLog(std::string resource, std::string text,
              engine::LogSource source = engine::LogSource::kRuntime,
              engine::LogLevel level = engine::LogLevel::kInfo,
              std::chrono::system_clock::time_point time = std::chrono::system_clock::time_point(
                  std::chrono::milliseconds(1'767'323'045'678))) {
    engine::LogLine line;
    line.time = time;
    line.level = level;
    line.resource = std::move(resource);
    line.source = source;
    line.text = std::move(text);
    const engine::LogLine& added = log.append(std::move(line));
    auto copy = listeners;
    for (auto& [id, l] : copy) {
      if (l.on_log) l.on_log(added);
    }
  }

  std::vector<Json> resources;
  engine::LogStore log;
  std::vector<std::string> args_;
  std::vector<std::string> triggered;
  std::map<engine::SubscriptionId, engine::EngineListener> listeners;
  engine::SubscriptionId next_id = 1;
  mutable int view_calls = 0;
  /// Called at each subscribe(), before the listener is added.
  std::function<void()> on_subscribe;
};

}  // namespace slant::server
