// Live update planning: which changed files can reach a running container without a rebuild,
// and what to do there. Pure logic over the Tiltfile's steps (model::LiveUpdateStep), shared by
// every runtime that live-updates (Docker Compose containers now, Kubernetes containers later).
//
// As Tilt's liveupdates.NewLiveUpdatePlan: a live update is possible when every changed file is
// under the local path of some sync() step and none is under a fall_back_on() path. Each file
// maps to the remote path of the sync that covers it (the most specific one when syncs nest);
// a file that no longer exists locally is deleted in the container. A run() step runs when it
// has no trigger or any changed file is under one of its triggers; restart_container() restarts
// the container afterwards.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/backends.h"
#include "model/project.h"

namespace slant::engine {

/// What a live update does for one batch of changed files.
struct LiveUpdatePlan {
  /// Non-empty when the batch cannot be live-updated and needs a full build, in Tilt's words:
  /// "Found file(s) not matching any sync (files: [a.txt])", "Detected change to stop file
  /// \"/src/package.json\"".
  std::string fall_back;
  std::vector<FileCopy> copies;      ///< files (or directories) that exist: copy them
  std::vector<std::string> deletes;  ///< remote paths whose local file is gone
  /// The run() steps to run, in order.
  std::vector<model::LiveUpdateStep> runs;
  bool restart = false;  ///< restart_container()
};

/// Plans the live update of `changed` (absolute local paths) under `steps`. `exists` tells
/// whether a local path still exists (a stat; injected for tests).
LiveUpdatePlan planLiveUpdate(const std::vector<model::LiveUpdateStep>& steps,
                              const std::vector<std::string>& changed,
                              const std::function<bool(const std::string&)>& exists);

/// The copies of initial_sync(): every sync's local path to its remote path.
std::vector<FileCopy> initialSyncCopies(const std::vector<model::LiveUpdateStep>& steps);

/// Whether the steps contain a step of `kind`.
bool hasStep(const std::vector<model::LiveUpdateStep>& steps, model::LiveUpdateStep::Kind kind);

/// Tilt's ospath.FormatFileChangeList: "[a b c ...]", at most three names.
std::string fileChangeList(const std::vector<std::string>& files);

/// Whether `path` is `dir` or below it (both absolute, clean).
bool pathCovers(const std::string& dir, const std::string& path);

}  // namespace slant::engine
