#include "engine/fake_backends.h"

#include <algorithm>
#include <csignal>
#include <stdexcept>

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

// ---------------------------------------------------------------------------------------------

OpId FakeImageBuilder::build(const ImageBuildRequest& request,
                             std::function<void(std::string_view)> on_log,
                             std::function<void(ImageBuildResult)> done) {
  OpId id = next_id_++;
  builds_[id] = Build{request, std::move(on_log), std::move(done), false};
  return id;
}

void FakeImageBuilder::cancel(OpId id) {
  auto it = builds_.find(id);
  if (it != builds_.end() && it->second.done) {
    it->second.cancelled = true;
    it->second.done = nullptr;
  }
}

OpId FakeImageBuilder::running(std::string_view ref) const {
  for (const auto& [id, b] : builds_) {
    if (b.done && b.request.target.ref == ref) return id;
  }
  return 0;
}

int FakeImageBuilder::buildCount(std::string_view ref) const {
  int n = 0;
  for (const auto& [id, b] : builds_) n += b.request.target.ref == ref;
  return n;
}

void FakeImageBuilder::finish(std::string_view ref, std::string built, std::string error) {
  OpId id = running(ref);
  if (id == 0) throw std::logic_error("no running build of " + std::string(ref));
  auto done = std::exchange(builds_[id].done, nullptr);
  builds_[id].on_log("Step 1/1 : FROM scratch");
  ImageBuildResult result;
  result.ref = error.empty() ? std::move(built) : "";
  result.image_id = error.empty() ? "sha256:0123" : "";
  result.error = std::move(error);
  done(std::move(result));
}

OpId FakeComposeRunner::up(const ComposeUpRequest& request, std::function<void(std::string_view)>,
                           std::function<void(std::string)> done) {
  OpId id = next_id_++;
  commands_[id] = Command{"up", request, false, std::move(done), false};
  return id;
}

OpId FakeComposeRunner::rm(const model::DcTarget& target, std::function<void(std::string_view)>,
                           std::function<void(std::string)> done) {
  OpId id = next_id_++;
  commands_[id] = Command{"rm", ComposeUpRequest{target, {}, false}, false, std::move(done), false};
  return id;
}

OpId FakeComposeRunner::down(const model::DcTarget& target, bool volumes,
                             std::function<void(std::string_view)>,
                             std::function<void(std::string)> done) {
  OpId id = next_id_++;
  commands_[id] =
      Command{"down", ComposeUpRequest{target, {}, false}, volumes, std::move(done), false};
  return id;
}

WatchId FakeComposeRunner::watchService(const model::DcTarget& target,
                                        std::function<void(const ContainerState&)> on_state,
                                        std::function<void(std::string_view)> on_log) {
  WatchId id = next_id_++;
  watches_[id] = Watch{target.service, std::move(on_state), std::move(on_log)};
  return id;
}

void FakeComposeRunner::unwatchService(WatchId id) { watches_.erase(id); }

OpId FakeComposeRunner::pending(std::string_view verb, std::string_view service) const {
  for (const auto& [id, c] : commands_) {
    if (!c.finished && c.verb == verb && c.request.target.service == service) return id;
  }
  return 0;
}

int FakeComposeRunner::count(std::string_view verb, std::string_view service) const {
  int n = 0;
  for (const auto& [id, c] : commands_) n += c.verb == verb && c.request.target.service == service;
  return n;
}

void FakeComposeRunner::finish(OpId id, std::string error) {
  Command& c = commands_.at(id);
  c.finished = true;
  c.done(std::move(error));
}

void FakeComposeRunner::setState(std::string_view service, const ContainerState& state) {
  auto watches = watches_;
  for (const auto& [id, w] : watches) {
    if (w.service == service && watches_.contains(id)) w.on_state(state);
  }
}

void FakeComposeRunner::print(std::string_view service, std::string_view line) {
  auto watches = watches_;
  for (const auto& [id, w] : watches) {
    if (w.service == service && watches_.contains(id)) w.on_log(line);
  }
}

int FakeComposeRunner::watchers(std::string_view service) const {
  int n = 0;
  for (const auto& [id, w] : watches_) n += w.service == service;
  return n;
}

OpId FakeContainerUpdater::copy(const std::string& container, std::vector<FileCopy> copies,
                                std::vector<std::string> deletes, std::vector<std::string>,
                                std::function<void(std::string)> done) {
  OpId id = next_id_++;
  Op op;
  op.verb = "copy";
  op.container = container;
  op.copies = std::move(copies);
  op.deletes = std::move(deletes);
  op.done = std::move(done);
  ops_[id] = std::move(op);
  return id;
}

OpId FakeContainerUpdater::exec(const std::string& container, std::vector<std::string> argv,
                                std::function<void(std::string_view)> on_line,
                                std::function<void(const ExitStatus&)> done) {
  OpId id = next_id_++;
  Op op;
  op.verb = "exec";
  op.container = container;
  op.argv = std::move(argv);
  op.on_line = std::move(on_line);
  op.exec_done = std::move(done);
  ops_[id] = std::move(op);
  return id;
}

OpId FakeContainerUpdater::restart(const std::string& container,
                                   std::function<void(std::string)> done) {
  OpId id = next_id_++;
  Op op;
  op.verb = "restart";
  op.container = container;
  op.done = std::move(done);
  ops_[id] = std::move(op);
  return id;
}

OpId FakeContainerUpdater::next() const {
  for (const auto& [id, op] : ops_) {
    if (!op.finished) return id;
  }
  return 0;
}

void FakeContainerUpdater::finish(OpId id, std::string error) {
  Op& op = ops_.at(id);
  op.finished = true;
  op.done(std::move(error));
}

void FakeContainerUpdater::finishExec(OpId id, int exit_code,
                                      const std::vector<std::string>& lines) {
  Op& op = ops_.at(id);
  op.finished = true;
  for (const auto& l : lines) op.on_line(l);
  ExitStatus status;
  status.exit_code = exit_code;
  op.exec_done(status);
}

}  // namespace slant::engine
