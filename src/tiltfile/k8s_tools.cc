// kustomize() and helm() run the real tools (`kustomize build`, else `kubectl kustomize`;
// `helm template`) in the directory of the executing Tiltfile, as Tilt does, and return their
// YAML as a Blob; the files they read are recorded as config files. k8s_custom_deploy() records
// a Kubernetes resource deployed by commands, which the k8s assembly turns into a resource ahead
// of the workload ones (Tilt creates it at call time). assembleK8sTools fills the context
// settings and refuses a context that might be production.
#include "tiltfile/k8s_tools.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/build.h"
#include "tiltfile/builtins.h"
#include "tiltfile/live_update.h"
#include "tiltfile/local.h"
#include "tiltfile/process.h"
#include "tiltfile/values.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;
using starlark::lib::unpackArgs;

std::string goQuote(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

bool isDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::optional<std::string> readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Go's filepath.Rel for two clean absolute paths.
std::string relPath(const std::string& base, const std::string& target) {
  auto split = [](std::string_view p) {
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      if (j > i) parts.push_back(p.substr(i, j - i));
      i = j + 1;
    }
    return parts;
  };
  auto b = split(base);
  auto t = split(target);
  size_t common = 0;
  while (common < b.size() && common < t.size() && b[common] == t[common]) ++common;
  std::string out;
  for (size_t i = common; i < b.size(); ++i) out += out.empty() ? ".." : "/..";
  for (size_t i = common; i < t.size(); ++i) {
    if (!out.empty()) out += '/';
    out += t[i];
  }
  return out.empty() ? "." : out;
}

// Runs a tool the way Tilt's execLocalCmd does for kustomize/helm: the command is logged
// ("Running: ...") when `log_command`, its output is not, and a failure carries the output.
Result<std::string> runTool(State& st, const std::vector<std::string>& argv, bool log_command) {
  if (log_command) st.log(cat("Running: ", commandString(argv)));
  auto out = runCommand(argv, st.currentDir());
  if (!out) return makeError(commandFailureMessage(argv, {}, true, out.error().message()));
  if (!out->ok()) return makeError(commandFailureMessage(argv, *out, true));
  return std::move(out->stdout_text);
}

}  // namespace

// image_deps: Tilt's value.ImageList, a list or tuple of image references.
struct ImageListArg {
  std::vector<ImageRef> refs;
};

}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::ImageListArg> {
  static Result<void> unpack(const Value& v, tiltfile::ImageListArg* out) {
    out->refs.clear();
    if (v.isNone()) return {};
    if (!v.is(ObjType::kList) && !v.is(ObjType::kTuple)) {
      return makeError(
          cat("value should be a List or Tuple of strings, but is of type ", typeName(v)));
    }
    for (const Value& e : TRY(collect(v))) {
      auto s = tiltfile::stringOrBlob(e);
      if (!s) {
        std::string quoted;
        writeQuoted(quoted, str(e));
        return makeError(cat("value should contain only strings, but element ", quoted,
                             " was of type ", typeName(e)));
      }
      auto ref = tiltfile::parseImageRef(*s);
      if (!ref) {
        return makeError(cat("must be a valid image reference: ", ref.error().message()));
      }
      out->refs.push_back(std::move(*ref));
    }
    return {};
  }
};
}  // namespace slant::starlark::lib

namespace slant::tiltfile {

namespace {

// ---- k8s_context, k8s_namespace, allow_k8s_contexts -----------------------------------------

Result<Value> k8sContextBuiltin(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(unpackArgs(call, {}));
  return starlark::makeString(kubeContextOf(stateOf(thread)).context);
}

Result<Value> k8sNamespaceBuiltin(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(unpackArgs(call, {}));
  return starlark::makeString(kubeContextOf(stateOf(thread)).namespace_);
}

Result<Value> allowK8sContextsBuiltin(Thread& thread, const BuiltinCall& call) {
  Value contexts;
  TRY_VOID(unpackArgs(call, {{"contexts", &contexts}}));
  starlark::ValueVector items;
  if (contexts.isNone()) {
    // Tilt's ValueOrSequenceToSlice: None is an empty list.
  } else if (!contexts.isString() && starlark::lib::isIterable(contexts)) {
    items = TRY(starlark::collect(contexts));
  } else {
    items.push_back(contexts);
  }
  std::vector<std::string> names;
  for (const Value& v : items) {
    if (!v.isString()) {
      return makeError(
          cat("allow_k8s_contexts contexts must be a string or a sequence of strings; found a ",
              goTypeName(v)));
    }
    names.emplace_back(v.str());
  }
  auto& allowed = stateOf(thread).get<K8sToolsState>().allowed_contexts;
  allowed.insert(allowed.begin(), names.begin(), names.end());
  return Value::none();
}

// ---- kustomize --------------------------------------------------------------------------------

Result<Value> kustomizeBuiltin(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  std::string path;
  Value bin_arg = Value::unbound();
  StringList flags;
  TRY_VOID(unpackArgs(call, {{"paths", &path}, {"kustomize_bin?", &bin_arg}, {"flags?", &flags}}));
  std::string abs = st.absPath(path);
  std::string bin;
  if (!bin_arg.isUnbound() && !bin_arg.isNone()) {
    auto s = stringOrBlob(bin_arg);
    if (!s) {
      return makeError(cat("kustomize: for parameter kustomize_bin: got ",
                           starlark::typeName(bin_arg), ", want string"));
    }
    if (!s->empty()) bin = st.absPath(*s);
  }

  std::vector<std::string> argv = {bin.empty() ? std::string("kustomize") : bin, "build"};
  if (auto found = lookPath(argv[0]); !found) {
    if (!bin.empty()) return std::unexpected(found.error());
    st.log("Falling back to `kubectl kustomize` since `kustomize` was not found in PATH");
    argv = {"kubectl", "kustomize"};
  }
  argv.insert(argv.end(), flags.items.begin(), flags.items.end());
  // kustomize mishandles absolute paths (kubernetes-sigs/kustomize#2789): pass it relative.
  argv.push_back(relPath(st.currentDir(), abs));
  std::string yaml = TRY(runTool(st, argv, /*log_command=*/true));

  auto deps = kustomizeDeps(abs);
  if (!deps) return makeError(cat("resolving deps: ", deps.error().message()));
  for (const std::string& d : *deps) st.addConfigFile(d);
  return makeBlob(std::move(yaml));
}

// ---- helm -------------------------------------------------------------------------------------

// Local subcharts ("repository: file://../sub") of requirements.yaml (Helm 2 layout) and
// Chart.yaml (Helm 3), resolved against the chart directory.
Result<std::vector<std::string>> localSubcharts(const std::string& chart_dir) {
  std::vector<std::string> out;
  for (const char* file : {"requirements.yaml", "Chart.yaml"}) {
    auto text = readText(joinPath(chart_dir, file));
    if (!text) continue;
    auto doc = parseYaml(*text);
    if (!doc) return std::unexpected(doc.error());
    if (!doc->is_object()) continue;
    auto deps = doc->find("dependencies");
    if (deps == doc->end() || !deps->is_array()) continue;
    for (const Json& d : *deps) {
      if (!d.is_object()) continue;
      auto repo = d.find("repository");
      if (repo == d.end() || !repo->is_string()) continue;
      std::string r = repo->get<std::string>();
      if (!r.starts_with("file://")) continue;
      out.push_back(joinPath(chart_dir, r.substr(7)));
    }
  }
  return out;
}

// Helm 3.0 leaves crds/ out of `helm template`; Tilt appends the chart's CRD files itself.
std::vector<std::string> helmCrds(const std::string& chart_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(joinPath(chart_dir, "crds"), ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string ext = it->path().extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".yaml" || ext == ".yml") files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const std::string& f : files) {
    if (auto text = readText(f)) out.push_back(std::move(*text));
  }
  return out;
}

Result<Value> helmBuiltin(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  std::string path;
  std::string name;
  std::string namespace_;
  StringOrList values;
  StringOrList set;
  std::string kube_version;
  bool skip_crds = false;
  TRY_VOID(unpackArgs(call, {{"paths", &path},
                             {"name?", &name},
                             {"namespace?", &namespace_},
                             {"values?", &values},
                             {"set?", &set},
                             {"kube_version?", &kube_version},
                             {"skip_crds?", &skip_crds}}));
  std::string chart = st.absPath(path);
  struct stat sb;
  if (::stat(chart.c_str(), &sb) != 0) {
    if (errno == ENOENT) {
      return makeError(
          cat("Could not read Helm chart directory ", goQuote(chart), ": does not exist"));
    }
    return makeError(cat("Could not read Helm chart directory ", goQuote(chart), ": stat ", chart,
                         ": ", std::strerror(errno)));
  }
  if (!S_ISDIR(sb.st_mode)) {
    return makeError(
        cat("helm() may only be called on directories with Chart.yaml: ", goQuote(chart)));
  }
  st.addConfigFile(chart);

  auto subcharts = localSubcharts(chart);
  if (!subcharts) return makeError(cat("reading subchart deps: ", subcharts.error().message()));
  for (const std::string& d : *subcharts) st.addConfigFile(d);

  if (!lookPath("helm")) {
    return makeError("Unable to find Helm installation. Make sure `helm` is on your $PATH.");
  }
  std::string version_out = TRY(runTool(st, {"helm", "version", "--short"}, false));
  HelmVersion version = TRY(parseHelmVersion(version_out));

  // A stable release name across loads, as `helm install` names an unnamed release.
  if (name.empty()) name = "chart";
  std::vector<std::string> argv = {"helm", "template", name, chart};
  if (!namespace_.empty()) argv.insert(argv.end(), {"--namespace", namespace_});
  if (!kube_version.empty()) argv.insert(argv.end(), {"--kube-version", kube_version});
  if (!skip_crds && version == HelmVersion::kV3_1AndAbove) argv.push_back("--include-crds");
  for (const std::string& v : values.items) {
    argv.insert(argv.end(), {"--values", v});
    st.addConfigFile(st.absPath(v));
  }
  for (const std::string& s : set.items) argv.insert(argv.end(), {"--set", s});

  std::string yaml = filterHelmTestYaml(TRY(runTool(st, argv, /*log_command=*/true)));

  if (version == HelmVersion::kV3_0) {
    std::vector<std::string> docs = {yaml};
    for (std::string& crd : helmCrds(chart)) docs.push_back(std::move(crd));
    yaml.clear();
    for (size_t i = 0; i < docs.size(); ++i) yaml += (i == 0 ? "" : "\n---\n") + docs[i];
  }

  if (!namespace_.empty()) {
    // `helm template --namespace` does not put the namespace into the objects
    // (helm/helm#5465); Tilt does, for those that do not name one.
    std::vector<Json> objects = TRY(parseYamlStream(yaml));
    for (Json& obj : objects) {
      if (!obj.is_object()) continue;
      Json& meta = obj["metadata"];
      if (!meta.is_object()) meta = Json::object();
      auto ns = meta.find("namespace");
      if (ns == meta.end() || !ns->is_string() || ns->get<std::string>().empty()) {
        meta["namespace"] = namespace_;
      }
    }
    yaml = emitYamlStream(objects);
  }
  return makeBlob(std::move(yaml));
}

// ---- k8s_custom_deploy ------------------------------------------------------------------------

// A command group of k8s_custom_deploy (apply_* or delete_*), as Tilt's ValueGroupToCmdHelper on
// a Unix host: the *_cmd_bat variant is for Windows and is not used here.
Result<model::Cmd> commandFromGroup(State& st, std::string_view param, const CommandArg& cmd,
                                    const Value& dir, const StringMap& env) {
  model::Cmd out;
  if (dir.isUnbound() || dir.isNone()) {
    out.dir = st.currentDir();
  } else if (auto s = stringOrBlob(dir)) {
    out.dir = st.absPath(*s);
  } else {
    return makeError(cat(param,
                         ": a command directory must be empty or a string: expected path | "
                         "string. Actual type: ",
                         goTypeName(dir)));
  }
  // Tilt passes the environment as sorted KEY=VALUE strings.
  std::vector<std::pair<std::string, std::string>> vars = env.items;
  for (const auto& [k, v] : vars) {
    if (k.empty()) {
      return makeError(cat(param, ": environment has empty key for value ", goQuote(v)));
    }
  }
  std::sort(vars.begin(), vars.end(), [](const auto& a, const auto& b) {
    return cat(a.first, "=", a.second) < cat(b.first, "=", b.second);
  });
  out.env = std::move(vars);
  out.argv = TRY(cmd.argv(param));
  return out;
}

Result<Value> k8sCustomDeployBuiltin(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  std::string name;
  CommandArg apply_cmd, delete_cmd, apply_cmd_bat, delete_cmd_bat;
  LocalPathList deps;
  std::string image_selector;
  std::string container_selector;
  Value live_update = Value::unbound();
  Value apply_dir = Value::unbound();
  Value delete_dir = Value::unbound();
  StringMap apply_env, delete_env;
  ImageListArg image_deps;
  TRY_VOID(unpackArgs(call, {{"name", &name},
                             {"apply_cmd", &apply_cmd},
                             {"delete_cmd", &delete_cmd},
                             {"deps", &deps},
                             {"image_selector?", &image_selector},
                             {"live_update?", &live_update},
                             {"apply_dir?", &apply_dir},
                             {"apply_env?", &apply_env},
                             {"apply_cmd_bat?", &apply_cmd_bat},
                             {"delete_dir?", &delete_dir},
                             {"delete_env?", &delete_env},
                             {"delete_cmd_bat?", &delete_cmd_bat},
                             {"container_selector?", &container_selector},
                             {"image_deps?", &image_deps}}));

  CustomDeployDecl decl;
  decl.name = name;
  decl.deploy.apply_cmd = TRY(commandFromGroup(st, "apply_cmd", apply_cmd, apply_dir, apply_env));
  if (decl.deploy.apply_cmd.empty()) {
    return makeError("k8s_custom_deploy: apply_cmd cannot be empty");
  }
  decl.deploy.delete_cmd =
      TRY(commandFromGroup(st, "delete_cmd", delete_cmd, delete_dir, delete_env));
  if (decl.deploy.delete_cmd.empty()) {
    return makeError("k8s_custom_deploy: delete_cmd cannot be empty");
  }
  for (const std::string& d : deps.items) decl.deploy.deps.push_back(st.absPath(d));
  decl.deploy.image_selector = image_selector;
  decl.deploy.container_selector = container_selector;
  for (const ImageRef& ref : image_deps.refs) decl.image_deps.push_back(ref);

  std::vector<model::LiveUpdateStep> steps = TRY(liveUpdateFromSteps(st, live_update));

  auto& ts = st.get<K8sToolsState>();
  if (hasCustomDeploy(st, name)) {
    return makeError(cat("error making resource for ", name, ": k8s_resource named ", goQuote(name),
                         " already exists"));
  }
  if (hasLocalResource(st, name)) {
    return makeError(cat("error making resource for ", name, ": local_resource named ",
                         goQuote(name), " already exists"));
  }

  if (!steps.empty()) {
    int selectors = (image_selector.empty() ? 0 : 1) + (container_selector.empty() ? 0 : 1);
    if (selectors == 0) return makeError("k8s_custom_deploy: no Live Update selector specified");
    if (selectors > 1) {
      return makeError("k8s_custom_deploy: cannot specify more than one Live Update selector");
    }
    // With a container selector the image is never built or matched; it still needs a ref,
    // named after the resource so that it collides with nothing.
    std::string selector =
        image_selector.empty() ? cat("k8s_custom_deploy:", name) : image_selector;
    auto ref = parseImageRef(selector);
    if (!ref) {
      return makeError(cat("can't parse ", goQuote(selector), ": ", ref.error().message()));
    }
    // Tilt's live-update-only image: a custom_build whose command is ":" (nothing is built;
    // the engine only syncs files and runs the steps in the deployed containers). Added as
    // build.cc's addImage adds one: a ref is declared once, and images sharing a name match by
    // their whole ref.
    auto& build = st.get<BuildState>();
    bool same_name = false;
    for (size_t i = 0; i < build.sources.size(); ++i) {
      if (build.sources[i].ref.str() == ref->str()) {
        return makeError(
            cat("Image for ref ", goQuote(ref->familiarString()), " has already been defined"));
      }
      if (build.sources[i].ref.name() == ref->name()) {
        same_name = true;
        if (i < build.images.size()) build.images[i].match_exact = true;
      }
    }
    model::ImageTarget img;
    img.ref = ref->familiarName();
    img.tag = ref->tag;
    img.match_exact = !ref->tag.empty() || same_name;
    img.context = st.currentDir();
    img.live_update = std::move(steps);
    model::CustomBuild custom;
    custom.command.argv = {"sh", "-c", ":"};
    custom.command.dir = st.currentDir();
    custom.deps = decl.deploy.deps;
    custom.disable_push = true;
    custom.skips_local_docker = true;
    img.custom = std::move(custom);
    decl.live_update_image = ref->familiarString();
    build.images.push_back(std::move(img));
    BuildState::Source source;
    source.ref = *ref;
    build.sources.push_back(std::move(source));
  }

  ts.custom_deploys.push_back(std::move(decl));
  return Value::none();
}

}  // namespace

// ---- public -----------------------------------------------------------------------------------

const KubeContext& kubeContextOf(State& st) {
  auto& ts = st.get<K8sToolsState>();
  if (!ts.kube) {
    ts.kube = resolveKubeContext(st.options());
    if (!ts.kube->error.empty()) {
      st.log(cat("Kubernetes config not loaded: ", ts.kube->error));
    }
  }
  return *ts.kube;
}

bool isK8sContextAllowed(State& st) {
  const KubeContext& kube = kubeContextOf(st);
  if (kube.product == ClusterProduct::kNone || isDevCluster(kube.product)) return true;
  for (const std::string& c : st.get<K8sToolsState>().allowed_contexts) {
    if (c == kube.context) return true;
  }
  return false;
}

starlark::Result<void> checkK8sContextAllowed(State& st, std::string_view builtin) {
  if (isK8sContextAllowed(st)) return {};
  const std::string& c = kubeContextOf(st).context;
  return makeError(cat("Refusing to run '", builtin, "' because ", c,
                       " might be a production kube context.\n"
                       "If you're sure you want to continue add:\n"
                       "\tallow_k8s_contexts('",
                       c,
                       "')\n"
                       "before this function call in your Tiltfile. Otherwise, switch k8s "
                       "contexts and restart Tilt."));
}

bool hasCustomDeploy(State& st, std::string_view name) {
  for (const CustomDeployDecl& d : st.get<K8sToolsState>().custom_deploys) {
    if (d.name == name) return true;
  }
  return false;
}

starlark::Result<HelmVersion> parseHelmVersion(std::string_view output) {
  // Helm 3.3 may print warnings first; the version is then on the last line (tilt#3788).
  std::string_view version = output;
  std::string_view trimmed = output;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
    trimmed.remove_prefix(1);
  }
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
    trimmed.remove_suffix(1);
  }
  if (size_t nl = trimmed.rfind('\n'); nl != std::string_view::npos) {
    version = trimmed.substr(nl + 1);
  }
  if (version.starts_with("v3.0.")) return HelmVersion::kV3_0;
  if (version.starts_with("v3.") || version.starts_with("3.") || version.starts_with("v4.")) {
    return HelmVersion::kV3_1AndAbove;
  }
  return makeError(cat("could not parse Helm version from string: ", goQuote(output)));
}

std::string filterHelmTestYaml(std::string_view yaml) {
  static const std::regex kTestSource("^# Source: .*/tests/.*");
  constexpr std::string_view kSeparator = "---\n";
  std::vector<std::string_view> kept;
  size_t i = 0;
  while (true) {
    size_t j = yaml.find(kSeparator, i);
    std::string_view doc = yaml.substr(i, j == std::string_view::npos ? yaml.npos : j - i);
    bool is_test = false;
    size_t k = 0;
    while (k <= doc.size() && !is_test) {
      size_t e = doc.find('\n', k);
      if (e == std::string_view::npos) e = doc.size();
      std::string line(doc.substr(k, e - k));
      is_test = std::regex_match(line, kTestSource);
      k = e + 1;
    }
    if (!is_test) kept.push_back(doc);
    if (j == std::string_view::npos) break;
    i = j + kSeparator.size();
  }
  std::string out;
  for (size_t n = 0; n < kept.size(); ++n) {
    if (n > 0) out += kSeparator;
    out += kept[n];
  }
  return out;
}

namespace {

Result<void> kustomizeDepsInto(const std::string& dir, std::vector<std::string>& out,
                               std::set<std::string>& visiting) {
  if (!visiting.insert(dir).second) return {};  // a cycle; kustomize itself reports it
  std::string file;
  std::string content;
  int matches = 0;
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    std::string p = joinPath(dir, name);
    if (auto text = readText(p)) {
      file = p;
      content = std::move(*text);
      ++matches;
    }
  }
  if (matches == 0) {
    return makeError(
        cat("unable to find one of [kustomization.yaml kustomization.yml "
            "Kustomization] in directory '",
            dir, "'"));
  }
  if (matches > 1) return makeError(cat("Found multiple kustomization files under: ", dir, "\n"));
  Json doc = TRY(parseYaml(content));

  auto strings = [&](std::string_view key) {
    std::vector<std::string> v;
    if (!doc.is_object()) return v;
    auto it = doc.find(std::string(key));
    if (it == doc.end() || !it->is_array()) return v;
    for (const Json& e : *it) {
      if (e.is_string()) v.push_back(e.get<std::string>());
    }
    return v;
  };
  auto pathsOf = [&](std::string_view key) {
    std::vector<std::string> v;
    if (!doc.is_object()) return v;
    auto it = doc.find(std::string(key));
    if (it == doc.end() || !it->is_array()) return v;
    for (const Json& e : *it) {
      if (!e.is_object()) continue;
      auto p = e.find("path");
      if (p != e.end() && p->is_string() && !p->get<std::string>().empty()) {
        v.push_back(p->get<std::string>());
      }
    }
    return v;
  };

  std::vector<std::string> refs = strings("bases");
  for (std::string& s : strings("components")) refs.push_back(std::move(s));
  for (std::string& s : strings("resources")) refs.push_back(std::move(s));
  for (const std::string& r : refs) {
    if (r.find("://") != std::string::npos) continue;  // a remote base: nothing local to watch
    std::string abs = joinPath(dir, r);
    if (isDir(abs)) {
      TRY_VOID(kustomizeDepsInto(abs, out, visiting));
    } else {
      out.push_back(abs);
    }
  }
  out.push_back(file);
  for (const std::string& p : pathsOf("patches")) out.push_back(joinPath(dir, p));
  for (const std::string& p : strings("patchesStrategicMerge")) {
    if (p.find('\n') == std::string::npos) out.push_back(joinPath(dir, p));  // else inline
  }
  for (const std::string& p : strings("crds")) out.push_back(joinPath(dir, p));
  for (const std::string& p : pathsOf("patchesJson6902")) out.push_back(joinPath(dir, p));
  if (doc.is_object()) {
    auto gens = doc.find("configMapGenerator");
    if (gens != doc.end() && gens->is_array()) {
      for (const Json& g : *gens) {
        if (!g.is_object()) continue;
        auto files = g.find("files");
        if (files == g.end() || !files->is_array()) continue;
        for (const Json& f : *files) {
          if (!f.is_string()) continue;
          // "key=path" names the key of the entry; the file is the part after '='.
          std::string s = f.get<std::string>();
          size_t eq = s.find('=');
          out.push_back(joinPath(dir, eq == std::string::npos ? s : s.substr(eq + 1)));
        }
      }
    }
  }
  visiting.erase(dir);
  return {};
}

}  // namespace

starlark::Result<std::vector<std::string>> kustomizeDeps(const std::string& dir) {
  std::vector<std::string> all;
  std::set<std::string> visiting;
  TRY_VOID(kustomizeDepsInto(dir, all, visiting));
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::string& d : all) {
    if (seen.insert(d).second) out.push_back(std::move(d));
  }
  return out;
}

void addK8sToolBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "kustomize", kustomizeBuiltin);
  addBuiltin(d, "helm", helmBuiltin);
  addBuiltin(d, "k8s_custom_deploy", k8sCustomDeployBuiltin);
  addBuiltin(d, "k8s_context", k8sContextBuiltin);
  addBuiltin(d, "k8s_namespace", k8sNamespaceBuiltin);
  addBuiltin(d, "allow_k8s_contexts", allowK8sContextsBuiltin);
}

starlark::Result<void> assembleK8sTools(State& st) {
  auto& ts = st.get<K8sToolsState>();
  const KubeContext& kube = kubeContextOf(st);
  model::Settings& settings = st.project.settings;
  settings.k8s_context = kube.context;
  settings.k8s_namespace = kube.namespace_;
  settings.allowed_k8s_contexts = ts.allowed_contexts;

  // The custom deploys became resources in assembleK8s (k8s.cc takes them, so that
  // k8s_resource() can configure them, as in Tilt); what is left is the context check.
  bool uses_k8s =
      std::any_of(st.project.resources.begin(), st.project.resources.end(),
                  [](const model::Resource& r) { return r.type == model::ResourceType::kK8s; });
  if (uses_k8s && !isK8sContextAllowed(st)) {
    const std::string& c = kube.context;
    return makeError(cat("Stop! ", c,
                         " might be production.\n"
                         "If you're sure you want to deploy there, add:\n"
                         "\tallow_k8s_contexts('",
                         c,
                         "')\n"
                         "to your Tiltfile. Otherwise, switch k8s contexts and restart Tilt."));
  }
  return {};
}

}  // namespace slant::tiltfile
