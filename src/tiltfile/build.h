// docker_build, custom_build, default_registry and the live_update steps (live_update.h), as
// Tilt's internal/tiltfile/docker.go; Docker image reference parsing as Docker's
// distribution/reference (which Tilt's internal/container wraps); and the scan of a Dockerfile
// for the images it builds from.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/project.h"
#include "starlark/lib/unpack.h"
#include "starlark/value.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// A Docker image reference in normalized form: "foo:1" is domain "docker.io", path
/// "library/foo", tag "1".
struct ImageRef {
  std::string domain;  ///< "docker.io", "gcr.io", "localhost:5000"; rarely empty
  std::string path;    ///< "library/foo", "team/app"
  std::string tag;     ///< "" when none
  std::string digest;  ///< "sha256:..." or ""

  /// The repository name: "docker.io/library/foo".
  std::string name() const;
  /// The whole reference: name, ":tag" and "@digest" when present.
  std::string str() const;
  /// The name as users write it: "foo", "team/app", "gcr.io/x/app".
  std::string familiarName() const;
  /// familiarName() with ":tag" and "@digest" when present.
  std::string familiarString() const;
};

/// Parses `s` as Docker's ParseNormalizedNamed ("foo" is docker.io/library/foo). Errors are
/// Docker's: "invalid reference format", "invalid reference format: repository name (Foo) must
/// be lowercase", "repository name must not be more than 255 characters", ...
starlark::Result<ImageRef> parseImageRef(std::string_view s);

/// As parseImageRef, but `s` must already be canonical (Docker's ParseNamed): "foo" fails with
/// "repository name must be canonical", "docker.io/library/foo" passes.
starlark::Result<ImageRef> parseCanonicalImageRef(std::string_view s);

/// The images a Dockerfile builds from, as Tilt's dockerfile.FindImages: the base of each FROM
/// (with ARG defaults and `build_args` substituted) and each COPY --from, in order, skipping the
/// ones that are not valid references.
std::vector<ImageRef> findDockerfileImages(
    std::string_view dockerfile,
    const std::vector<std::pair<std::string, std::string>>& build_args);

/// The images declared so far, in declaration order (read by the k8s and compose assembly,
/// which match them to containers by ref, ignoring the tag unless match_exact), and per image
/// what the assembly needs beyond the model.
struct BuildState {
  std::vector<model::ImageTarget> images;

  /// Per image, at the same index as `images`.
  struct Source {
    ImageRef ref;                         ///< the parsed ref as given (tag included)
    std::string dockerfile_text;          ///< docker_build: the Dockerfile's contents
    std::string dockerfile_path;          ///< docker_build: the Dockerfile (default if inline)
    std::vector<ImageRef> custom_deps;    ///< custom_build: image_deps
    std::vector<std::string> watch_dirs;  ///< directories whose .dockerignore applies
  };
  std::vector<Source> sources;
};

/// Tilt's checks on live updates once the resources are assembled (call after the k8s and
/// compose assembly): a Kubernetes resource whose images use restart_container() is an error
/// naming every such resource; each deployed image's sync sources and fall_back_on paths must be
/// under its watched paths (checkLiveUpdatePaths).
starlark::Result<void> checkLiveUpdates(State& st);

// ---- argument helpers shared by build.cc and live_update.cc ------------------------------------

/// Tilt's starlarkValueOrSequenceToSlice: the elements of a list, tuple, dict, set or range; no
/// elements for None or unbound; else the value alone.
starlark::Result<starlark::ValueVector> valueOrSequence(const starlark::Value& v);

/// Tilt's value.ValueToUnixCmd: a string becomes {"sh", "-c", trimmed} (empty: no command), a
/// sequence of strings is the argv, None or unbound no command. Errors: "a command must be a
/// string or list of strings. found starlark.Int", "a command must be a string or a list of
/// strings: '1' is a starlark.Int, not a string".
starlark::Result<std::vector<std::string>> unixCommand(const starlark::Value& v);

/// Tilt's value.LocalPathList argument: a string or a list or tuple of strings, None for none;
/// paths as given (resolve them with State::absPath). Errors: "value should be a string or List
/// or Tuple of strings, but is of type int", "unpacking list item at index 0: expected path |
/// string. Actual type: starlark.Int".
struct LocalPathList {
  std::vector<std::string> items;
};

}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::LocalPathList> {
  static Result<void> unpack(const Value& v, tiltfile::LocalPathList* out);
};
}  // namespace slant::starlark::lib
