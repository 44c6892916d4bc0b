// The real engine::ContainerUpdater for Docker containers (live update), through the Engine API:
//   - copy: one exec of `rm -rf -- <deletes>` (none when nothing was deleted), then one
//     PUT /containers/{id}/archive?path=/ whose body is a tar stream of the copies, each entry
//     named by its remote path relative to "/", produced as the socket takes it (context.h);
//     files that vanish or change meanwhile are skipped or sent as read;
//   - exec: exec create + start without a tty (stdout and stderr multiplexed, split into lines),
//     then exec inspect for the exit code;
//   - restart: POST /containers/{id}/restart?t=kRestartTimeoutSecs: the container gets that long
//     to stop after SIGTERM before SIGKILL (short, as a dev loop wants; Tilt uses Docker's
//     default of 10 s).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "docker/client.h"
#include "engine/asio_loop.h"
#include "engine/backends.h"

namespace slant::docker {

/// Seconds a restarted container gets to stop before it is killed.
inline constexpr int kRestartTimeoutSecs = 2;

/// Live-updates Docker containers, on the loop thread.
class DockerContainerUpdater final : public engine::ContainerUpdater {
 public:
  /// Uses `client` (which must outlive the updater).
  DockerContainerUpdater(engine::AsioLoop& loop, Client& client);
  /// Abandons every operation still running; no callback runs after it.
  ~DockerContainerUpdater() override;

  /// See engine::ContainerUpdater::copy; `done` gets "" or one line naming the container and
  /// what failed (the rm, the upload: "copying files into container web: ...").
  engine::OpId copy(const std::string& container, std::vector<engine::FileCopy> copies,
                    std::vector<std::string> deletes, std::vector<std::string> ignore,
                    std::function<void(std::string error)> done) override;
  /// See engine::ContainerUpdater::exec. A command that cannot start (missing executable) ends
  /// with start_error set to Docker's message and exit code 126 or 127.
  engine::OpId exec(const std::string& container, std::vector<std::string> argv,
                    std::function<void(std::string_view line)> on_line,
                    std::function<void(const engine::ExitStatus& status)> done) override;
  /// See engine::ContainerUpdater::restart.
  engine::OpId restart(const std::string& container,
                       std::function<void(std::string error)> done) override;

 private:
  struct Op;
  std::shared_ptr<Op> newOp();
  void forget(const std::shared_ptr<Op>& op);
  /// Runs `argv`; calls `done` with the status (its output to `on_line`).
  void runExec(const std::shared_ptr<Op>& op, const std::string& container,
               std::vector<std::string> argv, std::function<void(std::string_view)> on_line,
               std::function<void(const engine::ExitStatus&)> done);

  engine::AsioLoop& loop_;
  Client& client_;
  engine::OpId next_id_ = 1;
  std::unordered_map<engine::OpId, std::shared_ptr<Op>> ops_;
};

}  // namespace slant::docker
