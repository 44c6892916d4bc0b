// docker_compose, dc_resource and the assembly of Compose services into resources.
//
// docker_compose() loads the project right away (so that errors point at the call), as Tilt
// does: calls that name the same project add their files to it and reload it. Each enabled
// service becomes a resource named after it; dc_resource() adjusts one by name. The assembly
// matches each service's image to a docker_build/custom_build by name, or, when none builds it
// and the service has a `build:` section, registers an image that Compose builds itself.
#include "tiltfile/compose.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "starlark/lib/util.h"
#include "tiltfile/build.h"
#include "tiltfile/builtins.h"
#include "tiltfile/k8s_tools.h"
#include "tiltfile/local.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;
using starlark::lib::unpackArgs;

std::string baseName(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  size_t slash = p.rfind('/');
  if (slash == std::string_view::npos || p.size() == 1) return std::string(p);
  return std::string(p.substr(slash + 1));
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Result<std::vector<std::string>> resourceDepsOf(std::string_view fn, const Value& v) {
  std::vector<std::string> out;
  if (v.isUnbound() || v.isNone()) return out;
  if (!v.is(starlark::ObjType::kList) && !v.is(starlark::ObjType::kTuple)) {
    return makeError(
        cat(fn, ": for parameter resource_deps: got ", starlark::typeName(v), ", want sequence"));
  }
  for (const Value& item : TRY(starlark::collect(v))) {
    if (!item.isString()) {
      return makeError(cat(fn, ": resource_deps: '", starlark::str(item), "' is a ",
                           goTypeName(item), ", not a string"));
    }
    out.emplace_back(item.str());
  }
  return out;
}

// A bool argument that may be absent (Tilt's value.Optional[starlark.Bool]).
Result<std::optional<bool>> optionalBool(std::string_view fn, std::string_view param,
                                         const Value& v) {
  if (v.isUnbound()) return std::optional<bool>();
  if (!v.isBool()) {
    return makeError(
        cat(fn, ": for parameter ", param, ": got ", starlark::typeName(v), ", want bool"));
  }
  return std::optional<bool>(v.asBool());
}

void appendUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// ---- blobs ------------------------------------------------------------------------------------

// An inline compose file is written where `docker compose -f` can read it, named after its
// content (FNV-1a) so that the same Tiltfile always gives the same path.
Result<std::string> writeBlob(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char name[32];
  std::snprintf(name, sizeof name, "%016llx.yml", static_cast<unsigned long long>(h));
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  dir /= cat("slant-compose-", static_cast<int64_t>(::getuid()));
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError(cat("unable to store yaml blob: ", ec.message()));
  std::string path = (dir / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return makeError(cat("unable to store yaml blob: cannot write ", path));
  return path;
}

// ---- resources --------------------------------------------------------------------------------

// Loads (or reloads) a project and replaces its services, as Tilt's parseDCConfig.
Result<void> loadServices(State& st, DcProjectDecl& project) {
  compose::LoadOptions o;
  for (const std::string& p : project.config_paths) o.files.push_back({p, std::nullopt});
  o.project_dir = project.project_dir;
  o.project_name = project.name;
  if (!project.env_file.empty()) o.env_files.push_back(project.env_file);
  o.profiles = project.profiles;
  compose::Project loaded = TRY(compose::loadProject(o));

  std::set<std::string> seen_warnings;
  for (const std::string& w : loaded.warnings)
    if (seen_warnings.insert(w).second) st.log(w);
  for (const std::string& f : loaded.files_read) st.addConfigFile(f);

  project.services.clear();
  for (compose::Service& svc : loaded.services) {
    TRY_VOID(checkResourceConflict(st, svc.name));
    for (const std::string& f : svc.env_files) st.addConfigFile(f);

    DcServiceDecl decl;
    decl.name = svc.name;
    decl.config_image = svc.image.empty() ? cat(loaded.name, "_", svc.name) : svc.image;
    auto ref = parseImageRef(decl.config_image);
    if (!ref) {
      return makeError(cat("getting service ", svc.name, ": Error parsing image name ",
                           goQuoted(decl.config_image), ": ", ref.error().message()));
    }
    DcResourceOptions& options = project.options[svc.name];
    std::vector<std::string> deps = options.resource_deps;
    for (const std::string& d : svc.depends_on) deps.push_back(d);
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    options.resource_deps = std::move(deps);
    decl.service = std::move(svc);
    project.services.push_back(std::move(decl));
  }
  return {};
}

Result<Value> dockerCompose(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  Value config_paths = Value::unbound();
  Value env_file = Value::unbound();
  std::string project_name;
  StringOrList profiles;
  bool wait = false;
  TRY_VOID(unpackArgs(call, {{"configPaths", &config_paths},
                             {"env_file?", &env_file},
                             {"project_name?", &project_name},
                             {"profiles?", &profiles},
                             {"wait?", &wait}}));
  starlark::ValueVector paths = TRY(valueOrSequence(config_paths));
  if (paths.empty()) return makeError("Nothing to compose");

  DcProjectDecl decl;
  decl.name = project_name;
  decl.profiles = profiles.items;
  decl.wait = wait;
  if (!env_file.isUnbound() && !env_file.isNone()) {
    if (!env_file.isString()) {
      return makeError(cat(call.name,
                           ": for parameter env_file: expected path | string. Actual "
                           "type: ",
                           goTypeName(env_file)));
    }
    decl.env_file = st.absPath(env_file.str());
    st.addConfigFile(decl.env_file);
  }

  for (const Value& v : paths) {
    if (v.is(starlark::ObjType::kOther)) {
      if (const auto* blob = dynamic_cast<const Blob*>(v.object())) {
        decl.config_paths.push_back(TRY(writeBlob(blob->text())));
        continue;
      }
    }
    if (!v.isString()) {
      return makeError(cat("expected blob | path (string). Actual type: ", goTypeName(v)));
    }
    std::string path = st.absPath(v.str());
    // The project directory and name come from the first file, as the Compose CLI does.
    if (decl.project_dir.empty()) decl.project_dir = dirName(path);
    if (decl.name.empty()) decl.name = compose::normalizeProjectName(baseName(dirName(path)));
    decl.config_paths.push_back(path);
    st.addConfigFile(path);
  }
  if (decl.name.empty()) decl.name = compose::normalizeProjectName(baseName(st.currentDir()));
  if (decl.project_dir.empty()) decl.project_dir = st.currentDir();

  if (!profiles.present) {
    const char* env = std::getenv("COMPOSE_PROFILES");
    if (env != nullptr && *env != '\0') {
      st.log(cat("Compose project ", goQuoted(decl.name),
                 " loading profiles from environment: ", env));
      decl.profiles.clear();
      std::string_view s(env);
      size_t start = 0;
      while (true) {
        size_t comma = s.find(',', start);
        decl.profiles.emplace_back(s.substr(start, comma == s.npos ? s.npos : comma - start));
        if (comma == s.npos) break;
        start = comma + 1;
      }
    }
  }

  ComposeState& cs = st.get<ComposeState>();
  DcProjectDecl* project = nullptr;
  for (DcProjectDecl& p : cs.projects)
    if (p.name == decl.name) project = &p;
  if (project == nullptr) {
    cs.projects.push_back(std::move(decl));
    project = &cs.projects.back();
  } else {
    for (const std::string& p : decl.config_paths) appendUnique(project->config_paths, p);
    if (!decl.env_file.empty()) project->env_file = decl.env_file;
  }
  // The project's own services are replaced, not duplicated.
  project->services.clear();
  TRY_VOID(loadServices(st, *project));
  return Value::none();
}

// Tilt's getDCService: the project and service a dc_resource name refers to.
Result<std::pair<DcProjectDecl*, DcServiceDecl*>> findService(State& st, std::string_view name,
                                                              std::string_view project_name) {
  std::vector<std::string> all;
  std::pair<DcProjectDecl*, DcServiceDecl*> found{nullptr, nullptr};
  for (DcProjectDecl& p : st.get<ComposeState>().projects) {
    if (!project_name.empty() && p.name != project_name) continue;
    for (DcServiceDecl& s : p.services) {
      if (s.name == name) {
        if (found.second != nullptr) {
          return makeError(cat("found multiple resources named ", goQuoted(name),
                               ", please specify which one with project_name= argument"));
        }
        found = {&p, &s};
      }
      all.push_back(s.name);
    }
  }
  if (found.second == nullptr) {
    std::string joined;
    for (const std::string& n : all) joined += (joined.empty() ? "" : "; ") + n;
    return makeError(cat("no Docker Compose service found with name ", goQuoted(name),
                         ". Found these instead:\n\t", joined));
  }
  return found;
}

// Tilt's renameDCService: the resource takes the new name, and so do the dependencies of the
// project's other services on it.
Result<void> renameService(State& st, DcProjectDecl& project, DcServiceDecl& svc,
                           const std::string& new_name) {
  TRY_VOID(checkResourceConflict(st, new_name));
  const std::string old_name = svc.name;
  if (auto it = project.options.find(old_name); it != project.options.end()) {
    DcResourceOptions moved = std::move(it->second);
    project.options.erase(it);
    project.options[new_name] = std::move(moved);
  }
  for (DcServiceDecl& other : project.services) {
    if (&other == &svc) continue;
    auto& deps = other.service.depends_on;
    auto dep = std::find(deps.begin(), deps.end(), old_name);
    if (dep == deps.end()) continue;
    *dep = new_name;
    auto& rdeps = project.options[other.name].resource_deps;
    if (auto r = std::find(rdeps.begin(), rdeps.end(), old_name); r != rdeps.end()) *r = new_name;
  }
  svc.name = new_name;
  return {};
}

Result<Value> dcResource(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  std::string name;
  Value image = Value::unbound();
  TriggerModeArg trigger_mode;
  Value resource_deps = Value::unbound();
  Value infer_links = Value::unbound();
  LinksArg links;
  LabelsArg labels;
  Value auto_init = Value::unbound();
  std::string project_name;
  std::string new_name;
  TRY_VOID(unpackArgs(call, {{"name", &name},
                             {"image?", &image},
                             {"trigger_mode?", &trigger_mode},
                             {"resource_deps?", &resource_deps},
                             {"infer_links?", &infer_links},
                             {"links?", &links},
                             {"labels?", &labels},
                             {"auto_init?", &auto_init},
                             {"project_name?", &project_name},
                             {"new_name?", &new_name}}));
  if (name.empty()) return makeError("dc_resource: `name` must not be empty");
  std::optional<std::string> image_ref;
  if (!image.isUnbound()) {
    if (!image.isString()) {
      return makeError(cat("image arg must be a string; got ", goTypeName(image)));
    }
    image_ref = std::string(image.str());
  }
  std::optional<bool> infer = TRY(optionalBool(call.name, "infer_links", infer_links));
  std::optional<bool> init = TRY(optionalBool(call.name, "auto_init", auto_init));
  std::vector<std::string> deps = TRY(resourceDepsOf(call.name, resource_deps));

  auto [project, svc] = TRY(findService(st, name, project_name));
  if (!new_name.empty()) {
    TRY_VOID(renameService(st, *project, *svc, new_name));
    name = new_name;
  }
  DcResourceOptions& options = project->options[name];
  if (trigger_mode.mode) options.trigger_mode = trigger_mode.mode;
  if (infer) options.infer_links = infer;
  for (model::Link& l : links.links) options.links.push_back(std::move(l));
  for (const std::string& l : labels.values) appendUnique(options.labels, l);
  std::sort(options.labels.begin(), options.labels.end());
  if (image_ref) {
    TRY(parseImageRef(*image_ref));
    options.image = *image_ref;
  }
  for (const std::string& d : deps) appendUnique(options.resource_deps, d);
  if (init) options.auto_init = init;
  return Value::none();
}

// The image a service deploys, as Tilt's dcService.ImageRef: dc_resource's image=, else the
// service's own.
std::string imageOf(const DcProjectDecl& project, const DcServiceDecl& svc) {
  auto it = project.options.find(svc.name);
  if (it != project.options.end() && !it->second.image.empty()) return it->second.image;
  return svc.config_image;
}

// Tilt's findBuilderForConsumedImage over the images the Tiltfile builds: the index of the image
// whose name matches (the whole ref when it matches exactly), or -1.
int findBuiltImage(const BuildState& bs, const ImageRef& ref) {
  for (size_t i = 0; i < bs.images.size() && i < bs.sources.size(); ++i) {
    const ImageRef& mine = bs.sources[i].ref;
    bool match = bs.images[i].match_exact ? mine.str() == ref.str() : mine.name() == ref.name();
    if (match) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

bool hasComposeService(State& st, std::string_view name) {
  for (const DcProjectDecl& p : st.get<ComposeState>().projects)
    for (const DcServiceDecl& s : p.services)
      if (s.name == name) return true;
  return false;
}

void addComposeBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "docker_compose", dockerCompose);
  addBuiltin(d, "dc_resource", dcResource);
}

Result<void> assembleCompose(State& st) {
  ComposeState& cs = st.get<ComposeState>();
  size_t count = 0;
  for (const DcProjectDecl& p : cs.projects) count += p.services.size();
  if (count == 0) return {};
  const auto& reg = st.project.settings.default_registry;
  if (reg && !reg->host.empty()) {
    return makeError("default_registry is not supported with docker compose");
  }
  const BuildState& bs = st.get<BuildState>();

  // Images Compose builds itself, by repository name: services that share an image share it.
  std::map<std::string, std::string> compose_built;  // name() -> ImageTarget::ref

  for (const DcProjectDecl& project : cs.projects) {
    for (const DcServiceDecl& svc : project.services) {
      DcResourceOptions options;
      if (auto it = project.options.find(svc.name); it != project.options.end()) {
        options = it->second;
      }
      model::Resource r;
      r.name = svc.name;
      r.type = model::ResourceType::kDc;
      r.labels = options.labels;
      r.resource_deps = options.resource_deps;
      r.trigger_mode = options.trigger_mode.value_or(st.project.settings.default_trigger_mode);
      r.auto_init = options.auto_init.value_or(true);

      std::string image = imageOf(project, svc);
      ImageRef ref = TRY(parseImageRef(image));
      int built = findBuiltImage(bs, ref);
      if (built >= 0) {
        // Tilt refuses entrypoint overrides anywhere in the image's build tree.
        std::vector<std::string> todo = {bs.images[built].ref};
        std::set<std::string> seen;
        while (!todo.empty()) {
          std::string cur = std::move(todo.back());
          todo.pop_back();
          if (!seen.insert(cur).second) continue;
          for (const model::ImageTarget& img : bs.images) {
            if (img.ref != cur) continue;
            if (!img.entrypoint.empty()) {
              return makeError(
                  "docker_build/custom_build.entrypoint not supported for Docker Compose "
                  "resources");
            }
            for (const std::string& d : img.image_deps) todo.push_back(d);
          }
        }
        r.image_refs.push_back(bs.images[built].ref);
      } else if (auto it = compose_built.find(ref.name()); it != compose_built.end()) {
        r.image_refs.push_back(it->second);
      } else if (svc.service.build && !svc.service.build->context.empty()) {
        const compose::Build& b = *svc.service.build;
        model::ImageTarget img;
        img.ref = ref.familiarName();
        img.tag = ref.tag;
        img.context = b.local && !b.context.empty() && b.context[0] == '/' ? b.context : "";
        img.compose = model::ComposeBuild{};
        img.compose->service = svc.service.name;
        img.compose->project = project.name;
        img.compose->image = image;
        img.compose->dockerfile = b.dockerfile.empty() ? std::string() : b.dockerfile_path;
        if (b.dockerfile.empty() && b.dockerfile_inline.empty()) {
          img.compose->dockerfile =
              img.context.empty() ? "Dockerfile" : joinPath(img.context, "Dockerfile");
        }
        img.compose->local_volume_paths = svc.service.bind_mounts;
        // The .dockerignore that filters the context (a Dockerfile's own wins), as Tilt reads it.
        if (!img.context.empty()) {
          std::string own = img.compose->dockerfile + ".dockerignore";
          st.addConfigFile(!img.compose->dockerfile.empty() && exists(own)
                               ? own
                               : joinPath(img.context, ".dockerignore"));
        }
        compose_built[ref.name()] = img.ref;
        r.image_refs.push_back(img.ref);
        st.project.images.push_back(std::move(img));
      }

      model::DcTarget dc;
      dc.service = svc.service.name;
      dc.project = project.name;
      dc.config_paths = project.config_paths;
      dc.project_dir = project.project_dir;
      dc.env_file = project.env_file;
      dc.profiles = project.profiles;
      dc.wait = project.wait;
      dc.service_yaml = svc.service.yaml;
      dc.published_ports = svc.service.published_ports;
      dc.infer_links = options.infer_links.value_or(true);
      if (dc.infer_links) {
        std::set<int> seen;
        for (int port : dc.published_ports) {
          if (port == 0 || !seen.insert(port).second) continue;
          r.links.push_back(model::Link{cat("http://localhost:", port, "/"), ""});
        }
      }
      for (const model::Link& l : options.links) r.links.push_back(l);
      r.dc = std::move(dc);
      st.project.resources.push_back(std::move(r));
    }
  }
  return {};
}

}  // namespace slant::tiltfile
