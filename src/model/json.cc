#include "model/json.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

namespace slant::model {

namespace {

using Json = nlohmann::ordered_json;

Json strings(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const std::string& s : v) a.push_back(s);
  return a;
}

Json pairs(const std::vector<std::pair<std::string, std::string>>& v) {
  Json o = Json::object();
  for (const auto& [k, val] : v) o[k] = val;
  return o;
}

std::string_view triggerMode(TriggerMode m) { return m == TriggerMode::kAuto ? "auto" : "manual"; }

std::string_view resourceType(ResourceType t) {
  switch (t) {
    case ResourceType::kK8s:
      return "k8s";
    case ResourceType::kLocal:
      return "local";
    case ResourceType::kDc:
      return "dc";
  }
  return "k8s";
}

std::string_view podReadiness(PodReadiness p) {
  switch (p) {
    case PodReadiness::kDefault:
      return "";
    case PodReadiness::kWait:
      return "wait";
    case PodReadiness::kIgnore:
      return "ignore";
    case PodReadiness::kSucceeded:
      return "succeeded";
  }
  return "";
}

Json cmdArgv(const Cmd& c) { return c.empty() ? Json(nullptr) : strings(c.argv); }

Json probe(const std::optional<Probe>& p) {
  if (!p) return nullptr;
  Json o = {{"initial_delay_secs", p->initial_delay_secs},
            {"timeout_secs", p->timeout_secs},
            {"period_secs", p->period_secs},
            {"success_threshold", p->success_threshold},
            {"failure_threshold", p->failure_threshold}};
  o["exec"] = p->exec ? Json{{"command", strings(p->exec->argv)}} : Json(nullptr);
  o["http_get"] = p->http_get ? Json{{"host", p->http_get->host},
                                     {"port", p->http_get->port},
                                     {"scheme", p->http_get->scheme},
                                     {"path", p->http_get->path}}
                              : Json(nullptr);
  o["tcp_socket"] = p->tcp_socket
                        ? Json{{"host", p->tcp_socket->host}, {"port", p->tcp_socket->port}}
                        : Json(nullptr);
  return o;
}

Json liveUpdate(const std::vector<LiveUpdateStep>& steps) {
  Json a = Json::array();
  for (const LiveUpdateStep& s : steps) {
    switch (s.kind) {
      case LiveUpdateStep::Kind::kInitialSync:
        a.push_back({{"kind", "initial_sync"}});
        break;
      case LiveUpdateStep::Kind::kFallBackOn:
        a.push_back({{"kind", "fall_back_on"}, {"files", strings(s.files)}});
        break;
      case LiveUpdateStep::Kind::kSync:
        a.push_back({{"kind", "sync"}, {"local", s.local}, {"remote", s.remote}});
        break;
      case LiveUpdateStep::Kind::kRun:
        a.push_back({{"kind", "run"},
                     {"cmd", strings(s.cmd)},
                     {"trigger", strings(s.trigger)},
                     {"echo_off", s.echo_off}});
        break;
      case LiveUpdateStep::Kind::kRestartContainer:
        a.push_back({{"kind", "restart_container"}});
        break;
    }
  }
  return a;
}

Json image(const ImageTarget& img) {
  Json o = {{"ref", img.ref},
            {"registry_ref", img.registry_ref.empty() ? Json(nullptr) : Json(img.registry_ref)},
            {"cluster_registry_ref",
             img.cluster_registry_ref.empty() ? Json(nullptr) : Json(img.cluster_registry_ref)},
            {"tag", img.tag},
            {"match_exact", img.match_exact},
            {"context", img.context}};
  if (img.docker) {
    const DockerBuild& d = *img.docker;
    o["dockerfile"] = d.dockerfile.empty() ? Json(nullptr) : Json(d.dockerfile);
    o["dockerfile_contents"] =
        d.dockerfile_contents.empty() ? Json(nullptr) : Json(d.dockerfile_contents);
    o["build_args"] = pairs(d.build_args);
    o["target"] = d.target;
  } else {
    o["dockerfile"] = nullptr;
    o["dockerfile_contents"] = nullptr;
    o["build_args"] = Json::object();
    o["target"] = "";
  }
  o["only"] = strings(img.only);
  o["ignore"] = strings(img.ignore);
  o["context_ignore"] = strings(img.context_ignore);
  o["live_update"] = liveUpdate(img.live_update);
  o["match_in_env_vars"] = img.match_in_env_vars;
  o["entrypoint"] = strings(img.entrypoint);
  o["container_args"] = img.container_args ? strings(*img.container_args) : Json(nullptr);
  o["image_deps"] = strings(img.image_deps);
  if (img.docker) {
    const DockerBuild& d = *img.docker;
    o["docker_build"] = {{"ssh", strings(d.ssh)},
                         {"secret", strings(d.secret)},
                         {"network", d.network},
                         {"extra_tags", strings(d.extra_tags)},
                         {"cache_from", strings(d.cache_from)},
                         {"pull", d.pull},
                         {"platform", d.platform},
                         {"extra_hosts", strings(d.extra_hosts)}};
  } else {
    o["docker_build"] = nullptr;
  }
  if (img.custom) {
    const CustomBuild& c = *img.custom;
    o["custom_build"] = {{"command", strings(c.command.argv)},
                         {"dir", c.command.dir},
                         {"env", pairs(c.command.env)},
                         {"deps", strings(c.deps)},
                         {"tag", c.tag},
                         {"disable_push", c.disable_push},
                         {"skips_local_docker", c.skips_local_docker},
                         {"outputs_image_ref_to", c.outputs_image_ref_to}};
  } else {
    o["custom_build"] = nullptr;
  }
  if (img.compose) {
    const ComposeBuild& c = *img.compose;
    o["compose_build"] = {{"service", c.service},
                          {"project", c.project},
                          {"image", c.image},
                          {"dockerfile", c.dockerfile},
                          {"local_volume_paths", strings(c.local_volume_paths)}};
  } else {
    o["compose_build"] = nullptr;
  }
  return o;
}

Json resource(const Resource& r) {
  Json o = {{"name", r.name},
            {"type", resourceType(r.type)},
            {"labels", strings(r.labels)},
            {"resource_deps", strings(r.resource_deps)},
            {"trigger_mode", triggerMode(r.trigger_mode)},
            {"auto_init", r.auto_init}};
  Json links = Json::array();
  for (const Link& l : r.links) links.push_back({{"url", l.url}, {"name", l.name}});
  o["links"] = links;
  Json pfs = Json::array();
  Json objects = Json::array();
  if (r.k8s) {
    for (const PortForward& pf : r.k8s->port_forwards) {
      pfs.push_back({{"local_port", pf.local_port},
                     {"container_port", pf.container_port ? Json(*pf.container_port) : Json()},
                     {"host", pf.host},
                     {"name", pf.name},
                     {"link_path", pf.link_path}});
    }
    for (const K8sObject& obj : r.k8s->objects) {
      objects.push_back({{"api_version", obj.api_version},
                         {"kind", obj.kind},
                         {"name", obj.name},
                         {"namespace", obj.namespace_}});
    }
  }
  o["port_forwards"] = pfs;
  o["image_refs"] = strings(r.image_refs);
  o["k8s_objects"] = objects;
  if (r.k8s) {
    const K8sTarget& k = *r.k8s;
    Json selectors = Json::array();
    for (const auto& sel : k.extra_pod_selectors) {
      Json s = Json::object();
      for (const auto& [key, val] : sel) s[key] = val;
      selectors.push_back(s);
    }
    Json k8s = {{"pod_readiness", podReadiness(k.pod_readiness)},
                {"discovery_strategy", k.discovery_strategy},
                {"extra_pod_selectors", selectors}};
    if (k.custom_deploy) {
      const auto& cd = *k.custom_deploy;
      k8s["custom_deploy"] = {{"apply_cmd", strings(cd.apply_cmd.argv)},
                              {"apply_dir", cd.apply_cmd.dir},
                              {"apply_env", pairs(cd.apply_cmd.env)},
                              {"delete_cmd", strings(cd.delete_cmd.argv)},
                              {"delete_dir", cd.delete_cmd.dir},
                              {"delete_env", pairs(cd.delete_cmd.env)},
                              {"deps", strings(cd.deps)},
                              {"image_selector", cd.image_selector},
                              {"container_selector", cd.container_selector}};
    } else {
      k8s["custom_deploy"] = nullptr;
    }
    o["k8s"] = k8s;
  } else {
    o["k8s"] = nullptr;
  }
  if (r.local) {
    const LocalTarget& l = *r.local;
    o["local"] = {{"cmd", cmdArgv(l.cmd)},
                  {"serve_cmd", cmdArgv(l.serve_cmd)},
                  {"deps", strings(l.deps)},
                  {"ignore", strings(l.ignore)},
                  {"dir", l.cmd.dir},
                  {"serve_dir", l.serve_cmd.dir},
                  {"env", pairs(l.cmd.env)},
                  {"serve_env", pairs(l.serve_cmd.env)},
                  {"readiness_probe", probe(l.readiness_probe)},
                  {"allow_parallel", l.allow_parallel}};
  } else {
    o["local"] = nullptr;
  }
  if (r.dc) {
    const DcTarget& d = *r.dc;
    Json ports = Json::array();
    for (int p : d.published_ports) ports.push_back(p);
    o["dc"] = {{"service", d.service},
               {"project", d.project},
               {"config_paths", strings(d.config_paths)},
               {"project_dir", d.project_dir},
               {"env_file", d.env_file},
               {"profiles", strings(d.profiles)},
               {"wait", d.wait},
               {"infer_links", d.infer_links},
               {"published_ports", ports}};
  } else {
    o["dc"] = nullptr;
  }
  return o;
}

Json settings(const Settings& s) {
  Json o = {{"max_parallel_updates", s.max_parallel_updates},
            {"k8s_upsert_timeout_secs", s.k8s_upsert_timeout_secs},
            {"suppress_unused_image_warnings", strings(s.suppress_unused_image_warnings)},
            {"k8s_server_side_apply", s.k8s_server_side_apply},
            {"allowed_k8s_contexts", strings(s.allowed_k8s_contexts)},
            {"k8s_context", s.k8s_context},
            {"k8s_namespace", s.k8s_namespace},
            {"default_trigger_mode", triggerMode(s.default_trigger_mode)}};
  if (s.default_registry) {
    o["default_registry"] = {{"host", s.default_registry->host},
                             {"host_from_cluster", s.default_registry->host_from_cluster},
                             {"single_name", s.default_registry->single_name}};
  } else {
    o["default_registry"] = nullptr;
  }
  o["ci"] = {{"k8s_grace_period_secs", s.ci_k8s_grace_period_secs},
             {"timeout_secs", s.ci_timeout_secs},
             {"readiness_timeout_secs", s.ci_readiness_timeout_secs}};
  o["watch_ignore"] = strings(s.watch_ignore);
  o["version"] = {{"check_updates", s.check_updates}, {"constraint", s.version_constraint}};
  o["analytics_enabled"] = s.analytics_enabled ? Json(*s.analytics_enabled) : Json(nullptr);
  o["disable_secret_scrub"] = s.disable_secret_scrub;
  o["docker_prune"] = {{"enabled", s.docker_prune.enabled},
                       {"max_age_mins", s.docker_prune.max_age_mins},
                       {"num_builds", s.docker_prune.num_builds},
                       {"interval_hrs", s.docker_prune.interval_hrs},
                       {"keep_recent", s.docker_prune.keep_recent}};
  Json features = Json::object();
  for (const auto& [name, on] : s.features) features[name] = on;
  o["features"] = features;
  o["team_id"] = s.team_id;
  return o;
}

}  // namespace

std::string toJson(const Project& p, const std::string& error) {
  Json o;
  o["tiltfile"] = p.tiltfile;
  o["error"] = error.empty() ? Json(nullptr) : Json(error);
  Json resources = Json::array();
  for (const Resource& r : p.resources) resources.push_back(resource(r));
  o["resources"] = resources;
  Json images = Json::array();
  for (const ImageTarget& img : p.images) images.push_back(image(img));
  o["images"] = images;
  o["settings"] = settings(p.settings);
  o["enabled_resources"] = strings(p.enabled_resources);
  o["config_files"] = strings(p.config_files);
  o["warnings"] = strings(p.warnings);
  Json api = Json::array();
  for (const ApiObject& a : p.api_objects) {
    api.push_back({{"kind", a.kind},
                   {"name", a.name},
                   {"object", Json::parse(a.json, nullptr, /*allow_exceptions=*/false)}});
  }
  o["api_objects"] = api;
  return o.dump(2) + "\n";
}

std::vector<const ImageTarget*> imagesToBuild(const Project& p, const Resource& r) {
  std::vector<const ImageTarget*> out;
  std::vector<std::string> visiting;
  // Depth first, dependencies first; the Tiltfile already rejected cycles, the visiting list
  // only keeps a malformed model from recursing forever.
  std::function<void(const std::string&)> visit = [&](const std::string& ref) {
    const ImageTarget* img = nullptr;
    for (const ImageTarget& i : p.images) {
      if (i.ref == ref) img = &i;
    }
    if (!img || std::find(out.begin(), out.end(), img) != out.end() ||
        std::find(visiting.begin(), visiting.end(), ref) != visiting.end()) {
      return;
    }
    visiting.push_back(ref);
    for (const std::string& dep : img->image_deps) visit(dep);
    visiting.pop_back();
    out.push_back(img);
  };
  for (const std::string& ref : r.image_refs) visit(ref);
  return out;
}

std::string imageDefinition(const ImageTarget& img) { return image(img).dump(); }

std::string resourceDefinition(const Project& p, const Resource& r) {
  Json o;
  o["resource"] = resource(r);
  Json images = Json::array();
  for (const ImageTarget* img : imagesToBuild(p, r)) images.push_back(image(*img));
  o["images"] = images;
  return o.dump();
}

}  // namespace slant::model
