#include "engine/fake_backends.h"

#include <algorithm>
#include <csignal>

namespace slant::engine {

namespace {

bool argvHas(const ProcessSpec& spec, std::string_view needle) {
  if (needle.empty()) return true;
  return std::any_of(spec.cmd.argv.begin(), spec.cmd.argv.end(),
                     [&](const std::string& a) { return a.find(needle) != std::string::npos; });
}

bool covers(const std::string& watched, const std::string& path) {
  return path == watched ||
         (path.size() > watched.size() && path.starts_with(watched) && path[watched.size()] == '/');
}

}  // namespace

ProcessId FakeProcessRunner::start(const ProcessSpec& spec, ProcessCallbacks callbacks) {
  ProcessId id = next_id_++;
  processes_[id] = Process{spec, std::move(callbacks)};
  return id;
}

void FakeProcessRunner::stop(ProcessId id, Duration) {
  auto it = processes_.find(id);
  if (it == processes_.end() || !it->second.running) return;
  it->second.stop_requested = true;
  it->second.running = false;
  ExitStatus status;
  status.exit_code = -1;
  status.term_signal = SIGTERM;
  auto on_exit = it->second.callbacks.on_exit;
  if (on_exit) on_exit(status);
}

std::vector<ProcessId> FakeProcessRunner::running(std::string_view needle) const {
  std::vector<ProcessId> ids;
  for (const auto& [id, p] : processes_) {
    if (p.running && argvHas(p.spec, needle)) ids.push_back(id);
  }
  return ids;
}

ProcessId FakeProcessRunner::find(std::string_view needle) const {
  auto ids = running(needle);
  return ids.size() == 1 ? ids[0] : 0;
}

int FakeProcessRunner::startCount(std::string_view needle) const {
  return static_cast<int>(std::count_if(processes_.begin(), processes_.end(), [&](const auto& p) {
    return argvHas(p.second.spec, needle);
  }));
}

void FakeProcessRunner::print(ProcessId id, std::string_view line) {
  auto& p = processes_.at(id);
  if (p.callbacks.on_line) p.callbacks.on_line(OutputStream::kStdout, line);
}

void FakeProcessRunner::exit(ProcessId id, int code) {
  auto& p = processes_.at(id);
  if (!p.running) return;
  p.running = false;
  ExitStatus status;
  status.exit_code = code;
  auto on_exit = p.callbacks.on_exit;
  if (on_exit) on_exit(status);
}

ProbeId FakeProber::start(const model::Probe&,
                          std::function<void(bool ready, std::string detail)> on_change) {
  ProbeId id = next_id_++;
  probes_[id] = std::move(on_change);
  return id;
}

void FakeProber::stop(ProbeId id) { probes_.erase(id); }

void FakeProber::set(ProbeId id, bool ready, std::string detail) {
  auto it = probes_.find(id);
  if (it != probes_.end()) it->second(ready, std::move(detail));
}

std::vector<ProbeId> FakeProber::running() const {
  std::vector<ProbeId> ids;
  for (const auto& [id, fn] : probes_) ids.push_back(id);
  return ids;
}

WatchId FakeFileWatcher::watch(const WatchSpec& spec, Duration,
                               std::function<void(std::vector<std::string> paths)> on_batch) {
  WatchId id = next_id_++;
  watches_[id] = Watch{spec, std::move(on_batch)};
  return id;
}

void FakeFileWatcher::unwatch(WatchId id) { watches_.erase(id); }

void FakeFileWatcher::change(const std::vector<std::string>& paths) {
  // Copy: a batch callback may add or remove watches.
  auto watches = watches_;
  for (const auto& [id, w] : watches) {
    if (!watches_.contains(id)) continue;
    std::vector<std::string> hit;
    for (const auto& p : paths) {
      if (std::any_of(w.spec.paths.begin(), w.spec.paths.end(),
                      [&](const std::string& watched) { return covers(watched, p); })) {
        hit.push_back(p);
      }
    }
    if (!hit.empty()) w.on_batch(std::move(hit));
  }
}

std::vector<WatchSpec> FakeFileWatcher::specs() const {
  std::vector<WatchSpec> out;
  for (const auto& [id, w] : watches_) out.push_back(w.spec);
  return out;
}

void FakeTiltfileRunner::run(TiltfileRequest request,
                             std::function<void(std::string_view line)> on_log,
                             std::function<void(TiltfileResult result)> done) {
  requests_.push_back(std::move(request));
  pending_.push_back(Pending{std::move(on_log), std::move(done)});
}

void FakeTiltfileRunner::finish(TiltfileResult result, const std::vector<std::string>& log) {
  Pending p = std::move(pending_.front());
  pending_.erase(pending_.begin());
  for (const auto& line : log) p.on_log(line);
  p.done(std::move(result));
}

}  // namespace slant::engine
