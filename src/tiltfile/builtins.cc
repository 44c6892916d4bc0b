// The one place where the Tiltfile's builtin families are registered and assembled.
#include "tiltfile/builtins.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "starlark/lib/util.h"
#include "tiltfile/build.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;

// Tilt's sanitizeDependencies: a dependency on itself is an error, one on an unknown resource is
// dropped with a warning, and a cycle is an error naming it.
Result<void> checkResourceDeps(State& st) {
  std::set<std::string, std::less<>> known;
  for (const model::Resource& r : st.project.resources) known.insert(r.name);
  for (model::Resource& r : st.project.resources) {
    std::vector<std::string> kept;
    for (std::string& dep : r.resource_deps) {
      if (dep == r.name) {
        return makeError(cat("resource ", r.name, " specified a dependency on itself"));
      }
      if (!known.contains(dep)) {
        st.warn(cat("resource ", r.name, " specified a dependency on unknown resource ", dep,
                    " - dependency ignored"));
        continue;
      }
      kept.push_back(std::move(dep));
    }
    r.resource_deps = std::move(kept);
  }

  // Depth-first search in resource order; a back edge closes a cycle, reported from the
  // resource it starts at: "a -> b -> a".
  std::map<std::string, int, std::less<>> color;  // 0 new, 1 on the stack, 2 done
  std::map<std::string, const model::Resource*, std::less<>> by_name;
  for (const model::Resource& r : st.project.resources) by_name[r.name] = &r;
  std::vector<std::string> stack;
  std::function<Result<void>(const model::Resource&)> visit =
      [&](const model::Resource& r) -> Result<void> {
    color[r.name] = 1;
    stack.push_back(r.name);
    for (const std::string& dep : r.resource_deps) {
      int c = color[dep];
      if (c == 1) {
        auto start = std::find(stack.begin(), stack.end(), dep);
        std::string path;
        for (auto it = start; it != stack.end(); ++it) path += *it + " -> ";
        path += dep;
        return makeError(cat("cycle detected in resource dependency graph: ", path));
      }
      if (c == 0) TRY_VOID(visit(*by_name[dep]));
    }
    stack.pop_back();
    color[r.name] = 2;
    return {};
  };
  for (const model::Resource& r : st.project.resources) {
    if (color[r.name] == 0) TRY_VOID(visit(r));
  }
  return {};
}

// Tilt's assertAllImagesMatched: an image that no resource deploys (directly or as the base of
// another image that is deployed) is not built, with a warning saying so.
void warnUnusedImages(State& st) {
  std::set<std::string, std::less<>> used;
  for (const model::Resource& r : st.project.resources)
    for (const std::string& ref : r.image_refs) used.insert(ref);
  // Images that deployed images are built from are used too (transitively).
  bool grew = true;
  while (grew) {
    grew = false;
    for (const model::ImageTarget& img : st.project.images) {
      if (!used.contains(img.ref)) continue;
      for (const std::string& dep : img.image_deps) grew |= used.insert(dep).second;
    }
  }
  const auto& suppressed = st.project.settings.suppress_unused_image_warnings;
  bool any_k8s = false;
  bool any_dc = false;
  bool any_k8s_workload = false;
  for (const model::Resource& r : st.project.resources) {
    any_k8s |= r.type == model::ResourceType::kK8s;
    any_dc |= r.type == model::ResourceType::kDc;
    any_k8s_workload |= r.type == model::ResourceType::kK8s && r.name != "uncategorized";
  }
  for (const model::ImageTarget& img : st.project.images) {
    if (used.contains(img.ref)) continue;
    if (std::find(suppressed.begin(), suppressed.end(), img.ref) != suppressed.end()) continue;
    if (!any_k8s && !any_dc) {
      st.warn(
          "We could not find any deployment instructions, e.g. `k8s_yaml` or `docker_compose`.\n"
          "Skipping all image builds until we know how to deploy them.");
      return;
    }
    if (!any_dc && !any_k8s_workload) {
      st.warn(
          "No Kubernetes configs with images found.\n"
          "If you are using CRDs, add k8s_kind() to tell Tilt how to find images.\n"
          "https://docs.tilt.dev/api.html#api.k8s_kind");
      return;
    }
    st.warn(cat("Image not used in any ", any_dc ? "Docker Compose" : "Kubernetes",
                " config:\n    ✕ ", img.ref,
                "\nSkipping this image build\nIf this is deliberate, suppress this warning with: "
                "update_settings(suppress_unused_image_warnings=[\"",
                img.ref, "\"])"));
    return;  // Tilt reports the first one only
  }
}

}  // namespace

starlark::StringDict makeBuiltins() {
  starlark::StringDict d;
  addCoreBuiltins(d);
  addDataBuiltins(d);
  addOsBuiltins(d);
  addBuildBuiltins(d);
  addK8sBuiltins(d);
  addK8sToolBuiltins(d);
  addComposeBuiltins(d);
  addLocalBuiltins(d);
  addSettingsBuiltins(d);
  addConfigBuiltins(d);
  addApiBuiltins(d);
  return d;
}

Result<void> assemble(State& st) {
  TRY_VOID(assembleImages(st));
  TRY_VOID(assembleK8s(st));
  TRY_VOID(assembleK8sTools(st));
  TRY_VOID(assembleCompose(st));
  // Live update rules depend on which images are deployed, and by what (Tilt checks them here).
  TRY_VOID(checkLiveUpdates(st));
  TRY_VOID(assembleLocal(st));
  // "uncategorized" comes last, after the local resources, as in Tilt.
  std::stable_partition(st.project.resources.begin(), st.project.resources.end(),
                        [](const model::Resource& r) { return r.name != "uncategorized"; });
  TRY_VOID(assembleApiObjects(st));
  TRY_VOID(checkResourceDeps(st));
  warnUnusedImages(st);
  TRY_VOID(assembleEnabledResources(st));
  return {};
}

}  // namespace slant::tiltfile
