// The pure parts of the Docker Compose runner: the command lines it builds and the outputs of the
// Compose and Docker CLIs it reads (version, container events, `docker inspect`, timestamped
// log lines). Nothing here runs a process, so all of it is tested without a Docker engine.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backends.h"
#include "model/project.h"

namespace slant::docker {

/// The labels Compose puts on the containers (and networks) it creates.
inline constexpr std::string_view kProjectLabel = "com.docker.compose.project";
inline constexpr std::string_view kServiceLabel = "com.docker.compose.service";
inline constexpr std::string_view kOneoffLabel = "com.docker.compose.oneoff";

/// Reads the version out of `docker compose version` or `docker-compose version` output
/// ("docker-compose version 1.29.2, build unknown", "Docker Compose version v2.20.2"), as
/// "1.29.2"; returns an error naming the output when there is no version in it.
std::expected<std::string, std::string> parseComposeVersion(std::string_view output);

/// The major version of a version string ("1.29.2" -> 1), or 0 when it has none.
int composeMajorVersion(std::string_view version);

/// The arguments every Compose invocation of `target`'s project starts with, in Tilt's order:
/// `--project-name P --project-directory D [--env-file F] -f C... [-f extra...] [--profile X]...`.
std::vector<std::string> composeProjectArgs(const model::DcTarget& target,
                                            const std::vector<std::string>& extra_files = {});

/// The override file that makes `service` run `image` (merged after the user's own files):
/// `services: {<service>: {image: <image>}}` as JSON, which is YAML that needs no quoting rules.
std::string imageOverrideFile(std::string_view service, std::string_view image);

/// One container event of `docker events --format '{{json .}}'`.
struct ContainerEvent {
  std::string id;       ///< the full container id
  std::string action;   ///< "create", "start", "die", "destroy", "health_status: healthy", ...
  std::string project;  ///< the com.docker.compose.project label, or empty
  std::string service;  ///< the com.docker.compose.service label, or empty
  std::chrono::system_clock::time_point time{};  ///< when Docker recorded it
};

/// Parses one line of `docker events --format '{{json .}}'`; nullopt for anything that is not a
/// container event with an id (malformed JSON included).
std::optional<ContainerEvent> parseContainerEvent(std::string_view line);

/// Parses `docker inspect` output (a JSON array holding one container, or the container object)
/// into the state the engine sees; returns an error with the reason when it is not a container.
std::expected<engine::ContainerState, std::string> parseContainerInspect(std::string_view json);

/// Parses an RFC 3339 time as Docker prints it ("2024-05-01T10:20:30.123456789Z", offsets
/// allowed); nullopt when malformed. Docker's zero time (year 1) gives the epoch-zero time_point.
std::optional<std::chrono::system_clock::time_point> parseDockerTime(std::string_view text);

/// Formats a time as `docker logs --since` accepts it: Unix seconds with nine decimals
/// ("1714558830.123456789").
std::string formatDockerSince(std::chrono::system_clock::time_point t);

/// A line of `docker logs --timestamps`, split into its time and the container's own text.
struct TimestampedLine {
  std::chrono::system_clock::time_point time{};
  std::string_view text;
};

/// Splits a `docker logs --timestamps` line; nullopt when it does not start with a timestamp
/// and a space (an error of the docker CLI itself).
std::optional<TimestampedLine> splitTimestampedLine(std::string_view line);

/// Keeps the last `max_lines` non-blank lines of a command's output, for error messages.
class OutputTail {
 public:
  explicit OutputTail(std::size_t max_lines = 10) : max_lines_(max_lines) {}
  /// Records a line (trailing blanks and carriage returns dropped; blank lines ignored).
  void add(std::string_view line);
  /// The kept lines joined with '\n'; empty when there were none.
  std::string text() const;
  /// Whether no line was kept.
  bool empty() const { return lines_.empty(); }

 private:
  std::size_t max_lines_;
  std::vector<std::string> lines_;
};

}  // namespace slant::docker
