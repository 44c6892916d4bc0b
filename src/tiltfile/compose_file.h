// Reading Docker Compose projects without Docker, as compose-go (the library Tilt loads them
// with) does: one or several files merged with Compose's override rules, variable interpolation
// from the environment and the project's `.env` file, `extends`, `include`, profiles, the project
// name, and each service's canonical definition.
//
//   compose::LoadOptions o;
//   o.files = {{"/src/app/compose.yaml"}};
//   compose::Project p = TRY(compose::loadProject(o));
//   for (const compose::Service& s : p.services) ...   // dependencies first
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "starlark/value.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile::compose {

/// Variables for interpolation, by name.
using Env = std::map<std::string, std::string, std::less<>>;

/// Looks a variable up: its value, or nullopt when it is not set.
using Lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// One compose file: read from `path`, unless `content` is given (then `path` only names it).
struct ConfigFile {
  std::string path;  ///< absolute
  std::optional<std::string> content;
};

/// How to load a project.
struct LoadOptions {
  /// The files, in override order (later files override and extend earlier ones).
  std::vector<ConfigFile> files;
  /// The project directory (relative paths in the files resolve against it); empty: the directory
  /// of the first file.
  std::string project_dir;
  /// The project name; empty: COMPOSE_PROJECT_NAME, else `name:` in the files, else the project
  /// directory's base name, normalized (compose-go's precedence).
  std::string project_name;
  /// Environment files for interpolation (absolute); empty: `.env` in the project directory if it
  /// exists (unless COMPOSE_DISABLE_ENV_FILE is true).
  std::vector<std::string> env_files;
  /// Enabled profiles; nullopt: COMPOSE_PROFILES from the environment (comma-separated).
  std::optional<std::vector<std::string>> profiles;
  /// The environment; nullopt: the process environment. Values from env files never override it.
  std::optional<Env> environment;
};

/// A service's `ports:` entry in canonical (long) form.
struct Port {
  std::string name;              ///< the long syntax's optional name
  std::string mode = "ingress";  ///< "ingress" or "host"
  std::string host_ip;           ///< "" for every interface
  int target = 0;                ///< the container port
  std::string published;         ///< "8080", a range "8000-8010", or "" (a random host port)
  std::string protocol = "tcp";  ///< "tcp", "udp" or "sctp"
  std::string app_protocol;      ///< the long syntax's optional app_protocol
};

/// A service's `build:` section.
struct Build {
  /// Absolute, or as written for a remote context (a Git or HTTP URL).
  std::string context;
  /// As written ("Dockerfile" by default); empty with dockerfile_inline.
  std::string dockerfile;
  /// The Dockerfile made absolute against an absolute context; else as `dockerfile`.
  std::string dockerfile_path;
  std::string dockerfile_inline;
  std::string target;
  /// Whether the context is a local directory (not a URL).
  bool local = true;
};

/// One enabled service, after merging, interpolation and normalization.
struct Service {
  std::string name;
  std::string image;  ///< as written; empty when the service only has `build:`
  std::optional<Build> build;
  std::vector<Port> ports;
  /// The published host ports that are single numbers, in order, without 0 (Tilt's
  /// PublishedPorts: ranges and random ports are skipped).
  std::vector<int> published_ports;
  /// The services this one depends on (depends_on, links, volumes_from, network_mode:
  /// service:X), in declaration order.
  std::vector<std::string> depends_on;
  std::vector<std::string> profiles;
  std::vector<std::pair<std::string, std::string>> labels;  ///< sorted by key
  /// The resolved environment, sorted by key; nullopt values are declared but unset.
  std::vector<std::pair<std::string, std::optional<std::string>>> environment;
  std::vector<std::string> env_files;  ///< absolute
  /// The host paths of bind mounts (absolute), in order (Tilt's MountedLocalDirs).
  std::vector<std::string> bind_mounts;
  /// The definition in canonical form, as compose-go marshals a ServiceConfig.
  Json config;
  /// `config` as a YAML document.
  std::string yaml;
};

/// A loaded project.
struct Project {
  std::string name;
  std::string working_dir;  ///< absolute
  /// The enabled services, each after the services it depends on (files' order otherwise).
  std::vector<Service> services;
  /// Services disabled because none of their profiles is enabled, in file order.
  std::vector<std::string> disabled_services;
  std::vector<std::string> profiles;  ///< the profiles used
  /// Every file read besides the compose files given: env files, extended and included files.
  std::vector<std::string> files_read;
  /// Non-fatal problems, as compose prints them ("The \"X\" variable is not set. Defaulting to a
  /// blank string.").
  std::vector<std::string> warnings;
  /// The whole canonical model (services, networks, volumes, ...).
  Json model;
};

/// Loads a project. Errors are compose-go's: "required variable X is missing a value",
/// "service \"a\" depends on undefined service \"b\": invalid compose project", ...
starlark::Result<Project> loadProject(const LoadOptions& options);

/// Compose's project-name normalization: lowercase, only [a-z0-9_-], no leading '_' or '-'.
std::string normalizeProjectName(std::string_view name);

/// The error for a project name that is not normalized ("invalid project name \"X\": must
/// consist only of lowercase alphanumeric characters, ...").
std::string invalidProjectNameError(std::string_view name);

/// Interpolates ${VAR}, $VAR, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err},
/// ${VAR:+alt}, ${VAR+alt} and $$ in one string. Unset variables read as "" and add a warning.
/// Errors: "required variable X is missing a value: err", "invalid interpolation format".
starlark::Result<std::string> interpolate(std::string_view text, const Lookup& lookup,
                                          std::vector<std::string>* warnings = nullptr);

/// Parses a `.env` file (compose's dotenv dialect: comments, `export`, quotes, escapes in
/// double quotes, ${VAR} expansion) into `out`; `lookup` resolves variables before `out` does.
/// Errors: "line 3: unexpected character \"!\" in variable name \"A!=1\"".
starlark::Result<void> parseDotEnv(std::string_view text, Env& out, const Lookup& lookup = {});

/// Splits a command string as compose does (shell words: quotes and backslashes, no expansion).
/// Error: "invalid command line string" for an unterminated quote.
starlark::Result<std::vector<std::string>> splitShellWords(std::string_view s);

}  // namespace slant::tiltfile::compose
