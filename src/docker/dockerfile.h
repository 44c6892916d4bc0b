// Dockerfile rewriting for images built from other built images, as Tilt's
// build.InjectImageDependencies: every `FROM <dep>` and `COPY --from=<dep>` whose image is one
// of the built dependencies (matched by name, whatever tag or digest the Dockerfile gives, with
// ARG values from before the first FROM and the build args substituted first) is replaced by
// the ref the dependency was built as. Stage names are never mistaken for images. Lines are
// rewritten in place; everything else is left byte for byte.
#pragma once

#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slant::docker {

/// The name part of an image ref: without ":tag" and "@digest", and without Docker Hub's implied
/// "docker.io/" and "docker.io/library/" prefixes ("docker.io/library/redis:7" → "redis").
std::string imageRefName(std::string_view ref);

/// `dockerfile` with its references to the keys of `built_deps` (Tiltfile refs) replaced by the
/// values (built refs). Returns an error naming the dependency that no FROM or COPY --from uses,
/// in Tilt's words: `could not inject image "base:tilt-…" into Dockerfile of image "app"`.
std::expected<std::string, std::string> injectImageDependencies(
    std::string_view dockerfile, const std::map<std::string, std::string>& built_deps,
    const std::vector<std::pair<std::string, std::string>>& build_args, std::string_view image_ref);

/// Splits a ref into repository and tag ("foo/bar:1" → {"foo/bar", "1"}; a ":" in a registry's
/// port is not a tag); the tag is empty when there is none.
std::pair<std::string, std::string> splitRepoTag(std::string_view ref);

}  // namespace slant::docker
