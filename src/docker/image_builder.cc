#include "docker/image_builder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "docker/context.h"
#include "docker/dockerfile.h"
#include "engine/text.h"
#include "exec/line_splitter.h"
#include "watch/ignore.h"

namespace slant::docker {

using engine::errnoText;
namespace {

constexpr auto kStopGrace = std::chrono::seconds(2);

bool covers(const std::string& dir, const std::string& path) {
  return path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (path.size() == dir.size() || path[dir.size()] == '/' || dir == "/");
}

std::expected<std::string, std::string> readSmallFile(const std::string& path,
                                                      std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::unexpected("cannot read " + std::string(what) + " " + path + ": " +
                           errnoText(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  return s.substr(i);
}

// How a command reads in messages: a shell script as written, argv joined with spaces.
std::string commandText(const model::Cmd& cmd) {
  if (cmd.argv.size() == 3 && (cmd.argv[0] == "sh" || cmd.argv[0] == "/bin/sh") &&
      cmd.argv[1] == "-c")
    return cmd.argv[2];
  std::string out;
  for (const std::string& a : cmd.argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// Whether the first component of a ref is a registry host (as Docker's reference package says).
bool hasDomain(std::string_view ref) {
  std::size_t slash = ref.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view first = ref.substr(0, slash);
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

// Docker's reference.Path: the repository without its registry ("library/foo" for "foo").
std::string refPath(std::string_view repo) {
  if (hasDomain(repo)) return std::string(repo.substr(repo.find('/') + 1));
  if (repo.find('/') == std::string_view::npos) return "library/" + std::string(repo);
  return std::string(repo);
}

}  // namespace

std::string contentTag(std::string_view image_id) {
  std::string_view hex = image_id;
  std::size_t colon = hex.find(':');
  if (colon != std::string_view::npos) hex.remove_prefix(colon + 1);
  return "tilt-" + std::string(hex.substr(0, 16));
}

std::string buildErrorText(std::string_view last_step, std::string_view message, int code) {
  std::string text = trim(std::string(message));
  if (code != 0 && text.find(std::to_string(code)) == std::string::npos)
    text += " (exit code " + std::to_string(code) + ")";
  if (last_step.empty()) return text;
  return std::string(last_step) + ": " + text;
}

struct DockerImageBuilder::Op {
  engine::OpId id = 0;
  engine::ImageBuildRequest request;
  std::function<void(std::string_view)> on_log;
  std::function<void(engine::ImageBuildResult)> done;
  RequestId request_id = 0;
  engine::ProcessId process = 0;
  bool cancelled = false;
  exec::LineSplitter splitter;
  std::string last_step;
  std::string short_id;  ///< from "Successfully built <id>", for engines without "aux"
  std::string image_id;
  std::string error;
  int error_code = 0;
  void log(std::string_view line) {
    if (on_log) on_log(line);
  }
};

DockerImageBuilder::DockerImageBuilder(engine::AsioLoop& loop, Client& client,
                                       engine::ProcessRunner& processes)
    : loop_(loop), client_(client), processes_(processes) {}

DockerImageBuilder::~DockerImageBuilder() {
  while (!ops_.empty()) cancel(ops_.begin()->first);
}

engine::OpId DockerImageBuilder::build(const engine::ImageBuildRequest& request,
                                       std::function<void(std::string_view line)> on_log,
                                       std::function<void(engine::ImageBuildResult result)> done) {
  auto op = std::make_shared<Op>();
  op->id = next_id_++;
  op->request = request;
  op->on_log = std::move(on_log);
  op->done = std::move(done);
  ops_.emplace(op->id, op);
  // Start on the next turn: build() never calls back before it returns.
  loop_.post([this, op] {
    if (op->cancelled) return;
    if (op->request.target.custom)
      startCustomBuild(op);
    else
      startDockerBuild(op);
  });
  return op->id;
}

void DockerImageBuilder::cancel(engine::OpId id) {
  auto it = ops_.find(id);
  if (it == ops_.end()) return;
  auto op = it->second;
  ops_.erase(it);
  op->cancelled = true;
  if (op->request_id) client_.cancel(op->request_id);
  if (op->process) processes_.stop(op->process, kStopGrace);
}

void DockerImageBuilder::finish(const std::shared_ptr<Op>& op, engine::ImageBuildResult result) {
  if (op->cancelled) return;
  op->cancelled = true;  // nothing of this op runs again
  ops_.erase(op->id);
  if (op->done) op->done(std::move(result));
}

void DockerImageBuilder::startDockerBuild(const std::shared_ptr<Op>& op) {
  const model::ImageTarget& t = op->request.target;
  auto fail = [&](std::string error) {
    engine::ImageBuildResult r;
    r.error = std::move(error);
    finish(op, std::move(r));
  };
  if (!t.docker) return fail("image " + t.ref + " has neither docker_build nor custom_build");
  const model::DockerBuild& d = *t.docker;
  // The classic builder has neither: say so rather than build without them.
  if (!d.ssh.empty())
    return fail("docker_build(\"" + t.ref +
                "\"): ssh= needs BuildKit, which the Docker engine at " + client_.host().text +
                " does not offer (slant builds with the classic builder)");
  if (!d.secret.empty())
    return fail("docker_build(\"" + t.ref +
                "\"): secret= needs BuildKit, which the Docker engine at " + client_.host().text +
                " does not offer (slant builds with the classic builder)");

  struct stat st;
  if (::stat(t.context.c_str(), &st) != 0)
    return fail("cannot read the build context " + t.context + " of image " + t.ref + ": " +
                errnoText(errno));
  if (!S_ISDIR(st.st_mode))
    return fail("the build context " + t.context + " of image " + t.ref + " is not a directory");

  std::string contents;
  bool generated = !d.dockerfile_contents.empty() || d.dockerfile.empty();
  if (generated) {
    contents = d.dockerfile_contents;
  } else {
    auto read = readSmallFile(d.dockerfile, "Dockerfile");
    if (!read) return fail(read.error());
    contents = std::move(*read);
  }
  if (!op->request.built_deps.empty()) {
    auto rewritten = injectImageDependencies(contents, op->request.built_deps, d.build_args, t.ref);
    if (!rewritten) return fail(rewritten.error());
    if (*rewritten != contents) generated = true;
    contents = std::move(*rewritten);
  }

  std::vector<std::string> pattern_errors;
  watch::IgnoreMatcher ignore =
      watch::IgnoreMatcher::compileBestEffort(t.context_ignore, pattern_errors);
  for (const std::string& e : pattern_errors) op->log("warning: " + e);
  ArchiveSpec spec;
  spec.roots.push_back({watch::cleanPath(t.context), ""});
  for (const std::string& o : t.only) spec.only.push_back(watch::cleanPath(o));
  spec.ignore = ignore;

  std::string dockerfile_name;
  if (!generated) {
    std::string df = watch::cleanPath(d.dockerfile);
    std::string ctx = spec.roots[0].local;
    bool inside = covers(ctx, df) && df != ctx;
    bool sent =
        inside && !ignore.matches(df) && !watch::isBuiltinIgnored(df, ctx.size()) &&
        (spec.only.empty() || std::any_of(spec.only.begin(), spec.only.end(),
                                          [&](const std::string& o) { return covers(o, df); }));
    if (sent)
      dockerfile_name = df.substr(ctx == "/" ? 1 : ctx.size() + 1);
    else
      generated = true;
  }
  if (generated) {
    dockerfile_name = std::string(kGeneratedDockerfile);
    spec.extra_files.emplace_back(dockerfile_name, contents);
  }

  BuildParams params;
  params.dockerfile = dockerfile_name;
  params.build_args = d.build_args;
  params.target = d.target;
  params.cache_from = d.cache_from;
  params.pull = d.pull;
  params.platform = d.platform;
  params.network_mode = d.network;
  params.extra_hosts = d.extra_hosts;
  params.labels = {{"dev.slant.built", "true"}};

  auto on_message = [this, op](const nlohmann::json& m) {
    if (op->cancelled) return;
    if (auto it = m.find("stream"); it != m.end() && it->is_string()) {
      op->splitter.feed(it->get_ref<const std::string&>(), [&](std::string_view line) {
        if (line.starts_with("Step ")) op->last_step = std::string(line);
        if (line.starts_with("Successfully built "))
          op->short_id = trim(std::string(line.substr(19)));
        op->log(line);
      });
    }
    if (auto it = m.find("aux"); it != m.end() && it->is_object()) {
      if (auto id = it->find("ID"); id != it->end() && id->is_string()) op->image_id = *id;
    }
    if (auto it = m.find("errorDetail"); it != m.end() && it->is_object()) {
      op->error = it->value("message", std::string());
      op->error_code = it->value("code", 0);
    }
    if (op->error.empty()) {
      if (auto it = m.find("error"); it != m.end() && it->is_string()) op->error = *it;
    }
    if (auto it = m.find("status"); it != m.end() && it->is_string()) {
      // Pull progress (FROM an image, pull=True): one line per layer event, not per byte.
      bool progress = m.contains("progressDetail") && m["progressDetail"].is_object() &&
                      !m["progressDetail"].empty();
      if (!progress) {
        std::string line = m.contains("id") && m["id"].is_string()
                               ? m["id"].get<std::string>() + ": " + it->get<std::string>()
                               : it->get<std::string>();
        op->log(line);
      }
    }
  };
  auto on_done = [this, op](std::string error) {
    op->request_id = 0;
    if (op->cancelled) return;
    op->splitter.finish([&](std::string_view line) { op->log(line); });
    engine::ImageBuildResult r;
    if (!op->error.empty())
      r.error = buildErrorText(op->last_step, op->error, op->error_code);
    else if (!error.empty())
      r.error = "building image " + op->request.target.ref + ": " + error;
    if (!r.error.empty()) return finish(op, std::move(r));
    std::string image = !op->image_id.empty() ? op->image_id : op->short_id;
    if (image.empty()) {
      r.error =
          "the Docker engine did not say which image it built (is it out of disk space? "
          "`docker system prune` frees some)";
      return finish(op, std::move(r));
    }
    tagAndFinish(op, image, /*keep_ref=*/false);
  };
  op->request_id = client_.build(params, std::make_unique<ArchiveSource>(std::move(spec)),
                                 std::move(on_message), std::move(on_done));
}

void DockerImageBuilder::tagAndFinish(const std::shared_ptr<Op>& op, std::string image_or_ref,
                                      bool keep_ref) {
  op->request_id = client_.imageInspect(
      image_or_ref,
      [this, op, image_or_ref, keep_ref](std::expected<nlohmann::json, std::string> reply) {
        op->request_id = 0;
        if (op->cancelled) return;
        engine::ImageBuildResult r;
        const model::ImageTarget& t = op->request.target;
        if (!reply) {
          r.error = t.custom
                        ? "could not find image " + image_or_ref + " in Docker (" + reply.error() +
                              "): did your custom_build script properly tag the image? If it "
                              "does not use Docker, set skips_local_docker=True (see "
                              "https://docs.tilt.dev/custom_build.html)"
                        : "inspecting the built image " + image_or_ref + ": " + reply.error();
          return finish(op, std::move(r));
        }
        r.image_id = reply->value("Id", std::string());
        if (keep_ref) {
          r.ref = image_or_ref;
          return finish(op, std::move(r));
        }
        // The content tag, then each extra_tag, one after another.
        auto tags = std::make_shared<std::vector<std::pair<std::string, std::string>>>();
        std::string tag = contentTag(r.image_id);
        tags->emplace_back(t.ref, tag);
        if (t.docker) {
          for (const std::string& extra : t.docker->extra_tags) {
            auto [repo, extra_tag] = splitRepoTag(extra);
            tags->emplace_back(repo, extra_tag.empty() ? "latest" : extra_tag);
          }
        }
        r.ref = t.ref + ":" + tag;
        auto result = std::make_shared<engine::ImageBuildResult>(std::move(r));
        auto next = std::make_shared<std::function<void(std::size_t)>>();
        std::weak_ptr<std::function<void(std::size_t)>> weak_next = next;
        *next = [this, op, tags, result, weak_next](std::size_t i) {
          auto next = weak_next.lock();
          if (!next) return;
          if (i == tags->size()) {
            return finish(op, std::move(*result));
          }
          const auto& [repo, tag] = (*tags)[i];
          op->request_id = client_.imageTag(
              result->image_id, repo, tag, [this, op, tags, result, next, i](std::string error) {
                op->request_id = 0;
                if (op->cancelled) {
                  return;
                }
                if (!error.empty()) {
                  engine::ImageBuildResult r;
                  r.error = "tagging image " + result->image_id + " as " + (*tags)[i].first + ":" +
                            (*tags)[i].second + ": " + error;
                  return finish(op, std::move(r));
                }
                (*next)(i + 1);
              });
        };
        (*next)(0);
      });
}

void DockerImageBuilder::startCustomBuild(const std::shared_ptr<Op>& op) {
  const model::ImageTarget& t = op->request.target;
  const model::CustomBuild& cb = *t.custom;
  std::vector<std::pair<std::string, std::string>> vars;
  std::string expected;
  if (!cb.outputs_image_ref_to.empty()) {
    ::unlink(cb.outputs_image_ref_to.c_str());  // the command must write it anew
  } else {
    if (!cb.tag.empty()) {
      expected = t.ref + ":" + cb.tag;
    } else {
      auto secs =
          std::chrono::duration_cast<std::chrono::seconds>(loop_.wallNow().time_since_epoch())
              .count();
      expected =
          (t.registry_ref.empty() ? t.ref : t.registry_ref) + ":tilt-build-" + std::to_string(secs);
    }
    auto [repo, tag] = splitRepoTag(expected);
    vars.emplace_back("EXPECTED_REF", expected);
    vars.emplace_back("EXPECTED_IMAGE", refPath(repo));
    vars.emplace_back("EXPECTED_TAG", tag);
  }
  if (!t.registry_ref.empty() && t.registry_ref.find('/') != std::string::npos) {
    std::string host = t.registry_ref.substr(0, t.registry_ref.rfind('/'));
    vars.emplace_back("REGISTRY_HOST", host);
    vars.emplace_back("EXPECTED_REGISTRY", host);
  }
  for (std::size_t i = 0; i < t.image_deps.size(); ++i) {
    const std::string& dep = t.image_deps[i];
    auto it = op->request.built_deps.find(dep);
    vars.emplace_back("TILT_IMAGE_MAP_" + std::to_string(i), dep);
    vars.emplace_back("TILT_IMAGE_" + std::to_string(i),
                      it == op->request.built_deps.end() ? "" : it->second);
  }
  if (vars.empty()) {
    op->log("Custom Build:");
  } else {
    op->log("Custom Build: Injecting Environment Variables");
    for (const auto& [k, v] : vars) op->log("  " + k + "=" + v);
  }

  engine::ProcessSpec spec;
  spec.cmd = cb.command;
  if (spec.cmd.dir.empty()) spec.cmd.dir = t.context;
  for (auto& v : vars) spec.cmd.env.push_back(std::move(v));
  std::string text = commandText(cb.command);
  engine::ProcessCallbacks callbacks;
  callbacks.on_line = [op](engine::OutputStream, std::string_view line) {
    if (!op->cancelled) op->log(line);
  };
  callbacks.on_exit = [this, op, expected, text](const engine::ExitStatus& status) {
    op->process = 0;
    if (op->cancelled) return;
    const model::CustomBuild& cb = *op->request.target.custom;
    engine::ImageBuildResult r;
    if (!status.ok()) {
      r.error = "custom_build command \"" + text + "\" failed: " + status.text();
      return finish(op, std::move(r));
    }
    std::string ref = expected;
    if (!cb.outputs_image_ref_to.empty()) {
      auto read = readSmallFile(cb.outputs_image_ref_to, "the image ref file");
      if (!read) {
        r.error = "could not find the image ref in output: the custom_build command \"" + text +
                  "\" should have written it to " + cb.outputs_image_ref_to + " (" + read.error() +
                  ")";
        return finish(op, std::move(r));
      }
      ref = trim(*read);
      if (ref.empty() || ref.find_first_of(" \n\t") != std::string::npos) {
        r.error = "the image ref in " + cb.outputs_image_ref_to + " is not valid: \"" + ref + "\"";
        return finish(op, std::move(r));
      }
    }
    if (cb.skips_local_docker) {
      r.ref = ref;
      return finish(op, std::move(r));
    }
    tagAndFinish(op, ref, /*keep_ref=*/!cb.outputs_image_ref_to.empty());
  };
  op->process = processes_.start(spec, std::move(callbacks));
}

}  // namespace slant::docker
