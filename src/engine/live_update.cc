#include "engine/live_update.h"

#include <algorithm>

namespace slant::engine {

using Kind = model::LiveUpdateStep::Kind;

bool pathCovers(const std::string& dir, const std::string& path) {
  if (dir == "/") return path.starts_with("/");
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

std::string fileChangeList(const std::vector<std::string>& files) {
  std::string out = "[";
  for (std::size_t i = 0; i < files.size() && i < 3; ++i) {
    if (i) out += " ";
    out += files[i];
  }
  if (files.size() > 3) out += " ...";
  return out + "]";
}

bool hasStep(const std::vector<model::LiveUpdateStep>& steps, Kind kind) {
  return std::any_of(steps.begin(), steps.end(),
                     [kind](const model::LiveUpdateStep& s) { return s.kind == kind; });
}

LiveUpdatePlan planLiveUpdate(const std::vector<model::LiveUpdateStep>& steps,
                              const std::vector<std::string>& changed,
                              const std::function<bool(const std::string&)>& exists) {
  LiveUpdatePlan plan;
  std::vector<std::string> unmatched;
  std::vector<std::string> stops;
  for (const std::string& file : changed) {
    // The most specific sync wins when sync paths nest.
    const model::LiveUpdateStep* best = nullptr;
    for (const auto& s : steps) {
      if (s.kind != Kind::kSync || !pathCovers(s.local, file)) continue;
      if (!best || s.local.size() > best->local.size()) best = &s;
    }
    if (!best) {
      unmatched.push_back(file);
      continue;
    }
    for (const auto& s : steps) {
      if (s.kind != Kind::kFallBackOn) continue;
      for (const auto& f : s.files) {
        if (pathCovers(f, file)) {
          stops.push_back(file);
          break;
        }
      }
    }
    std::string remote = best->remote;
    if (file.size() > best->local.size()) {
      std::string rel = file.substr(best->local == "/" ? 1 : best->local.size() + 1);
      remote = remote == "/" ? "/" + rel : remote + "/" + rel;
    }
    if (exists(file)) {
      plan.copies.push_back({file, remote});
    } else {
      plan.deletes.push_back(remote);
    }
  }
  // Tilt reports unmatched files before fall_back_on files.
  if (!unmatched.empty()) {
    plan.fall_back =
        "Found file(s) not matching any sync (files: " + fileChangeList(unmatched) + ")";
  } else if (!stops.empty()) {
    plan.fall_back = "Detected change to stop file \"" + stops.front() + "\"";
  }
  if (!plan.fall_back.empty()) {
    plan.copies.clear();
    plan.deletes.clear();
    return plan;
  }
  for (const auto& s : steps) {
    if (s.kind != Kind::kRun) continue;
    bool triggered = s.trigger.empty();
    for (const auto& t : s.trigger) {
      for (const auto& file : changed) triggered |= pathCovers(t, file);
    }
    if (triggered) plan.runs.push_back(s);
  }
  plan.restart = hasStep(steps, Kind::kRestartContainer);
  return plan;
}

std::vector<FileCopy> initialSyncCopies(const std::vector<model::LiveUpdateStep>& steps) {
  std::vector<FileCopy> out;
  for (const auto& s : steps) {
    if (s.kind == Kind::kSync) out.push_back({s.local, s.remote});
  }
  return out;
}

}  // namespace slant::engine
