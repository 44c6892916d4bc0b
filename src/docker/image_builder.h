// The real engine::ImageBuilder: docker_build through the Docker engine's classic builder
// (POST /build with a context slant streams itself), custom_build through the ProcessRunner.
//
// A docker_build goes: read the Dockerfile (or take dockerfile_contents), rewrite FROM/COPY
// --from of built dependencies, stream the filtered context (context.h) with the Dockerfile in
// it, relay the engine's output line by line, take the image ID from the "aux" message, and tag
// the image `<ref>:tilt-<first 16 hex digits of the ID>` plus every extra_tag. The same context
// gives the same ID, hence the same ref, and the engine skips the deploy.
//
// The Dockerfile is sent as it is, at its own path in the context, when it lies in the context,
// is not filtered out and was not rewritten; otherwise (dockerfile_contents, a Dockerfile
// outside the context or excluded from it, rewritten FROM lines) it is sent as
// kGeneratedDockerfile, the first entry of the archive.
//
// A custom_build runs its command with Tilt's variables (EXPECTED_REF, EXPECTED_IMAGE,
// EXPECTED_TAG, EXPECTED_REGISTRY and REGISTRY_HOST when there is a registry, TILT_IMAGE_MAP_<i>
// and TILT_IMAGE_<i> for each image dependency), then, unless skips_local_docker, checks that the
// image exists and tags it by content as above (a ref read from outputs_image_ref_to is used as
// it is, as Tilt does).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "docker/client.h"
#include "engine/asio_loop.h"
#include "engine/backends.h"

namespace slant::docker {

/// The name a generated Dockerfile gets in the build context.
inline constexpr std::string_view kGeneratedDockerfile = "Dockerfile.slant-generated";

/// The tag of an image ID: "tilt-" and the first 16 hex digits after "sha256:".
std::string contentTag(std::string_view image_id);

/// The one-line error of a failed build: the engine's message, after the step that failed
/// ("Step 3/5 : RUN make") when there is one, with the exit code when the message lacks it.
std::string buildErrorText(std::string_view last_step, std::string_view message, int code);

/// Builds images with a Docker engine and a ProcessRunner, on the loop thread.
class DockerImageBuilder final : public engine::ImageBuilder {
 public:
  /// Uses `client` for the engine and `processes` for custom_build commands; all three must
  /// outlive the builder.
  DockerImageBuilder(engine::AsioLoop& loop, Client& client, engine::ProcessRunner& processes);
  /// Cancels every running build; no callback runs after it.
  ~DockerImageBuilder() override;

  /// Starts a build; see engine::ImageBuilder::build. Errors (an unreadable Dockerfile, ssh= or
  /// secret= on an engine without BuildKit, a failed step, a custom_build command that failed or
  /// made no image) arrive through `done` as ImageBuildResult::error.
  engine::OpId build(const engine::ImageBuildRequest& request,
                     std::function<void(std::string_view line)> on_log,
                     std::function<void(engine::ImageBuildResult result)> done) override;
  /// Closes the build's connection or stops its command's process group; `done` never fires.
  void cancel(engine::OpId id) override;

 private:
  struct Op;
  void startDockerBuild(const std::shared_ptr<Op>& op);
  void startCustomBuild(const std::shared_ptr<Op>& op);
  /// Inspects `ref`, then tags it by content (unless `keep_ref`), then finishes.
  void tagAndFinish(const std::shared_ptr<Op>& op, std::string image_or_ref, bool keep_ref);
  void finish(const std::shared_ptr<Op>& op, engine::ImageBuildResult result);

  engine::AsioLoop& loop_;
  Client& client_;
  engine::ProcessRunner& processes_;
  engine::OpId next_id_ = 1;
  std::unordered_map<engine::OpId, std::shared_ptr<Op>> ops_;
};

}  // namespace slant::docker
