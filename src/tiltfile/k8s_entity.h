// Kubernetes objects as the Tiltfile layer sees them: JSON trees parsed from YAML, with the
// questions Tilt's internal/k8s package answers about them (kind, name, namespace, pod templates,
// the labels a Service selects, the container images they use; image references are build.h's
// ImageRef), Tilt's object selectors, its JSONPath dialect (the
// k8s.io/client-go jsonpath fork Tilt uses for image locators), and the naming rules of its
// resource assembly (unique workload names, "name:kind:namespace" fragments).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/project.h"
#include "starlark/value.h"
#include "tiltfile/build.h"
#include "tiltfile/yaml.h"

namespace re2 {
class RE2;
}

namespace slant::tiltfile {

// ---- image references -------------------------------------------------------------------------

/// Which references an image build stands for (Tilt's container.RefSelector): every tag of its
/// name, or (for a tagged build ref, or several builds of one name) exactly its reference.
struct RefSelector {
  ImageRef ref;
  bool exact = false;
  /// Whether `other` is an image this selector stands for.
  bool matches(const ImageRef& other) const;
};

// ---- objects ----------------------------------------------------------------------------------

/// One Kubernetes object (a document of a k8s_yaml stream) as a JSON tree.
struct K8sEntity {
  Json obj;

  std::string apiVersion() const;
  std::string kind() const;
  std::string name() const;
  /// metadata.namespace as written ("" when absent).
  std::string rawNamespace() const;
  /// The namespace, "default" when the YAML does not say (Tilt's K8sEntity.Namespace()).
  std::string namespaceOrDefault() const;
  /// The API group: "apps" for apps/v1, "" for the core group (v1).
  std::string group() const;
  /// metadata.labels.
  std::map<std::string, std::string> labels() const;

  /// Whether Tilt decodes this object into a built-in Go type (a kind of Kubernetes' own API
  /// groups) rather than an unstructured map: only those have containers, pod templates and
  /// Service selectors in Tilt's eyes.
  bool isBuiltinType() const;
  /// Whether the object has a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
  /// CronJob, PodTemplate, a ReplicationController with a template): Tilt's
  /// FilterByHasPodTemplateSpec.
  bool hasPodTemplateSpec() const;
  /// The labels of each pod template (an absent template of a kind that always has one counts
  /// as a template without labels).
  std::vector<std::map<std::string, std::string>> podTemplateLabels() const;
  /// Whether this is a Service whose non-empty selector is a subset of `labels` (Tilt's
  /// SelectorMatchesLabels).
  bool selectorMatchesLabels(const std::map<std::string, std::string>& labels) const;
  /// Whether every label of `labels` is among the object's metadata labels.
  bool matchesMetadataLabels(const std::map<std::string, std::string>& labels) const;

  /// The object as a YAML document, as Tilt serializes it for apply (without the status of a
  /// built-in type).
  std::string yaml() const;
  /// The model's view of the object.
  model::K8sObject toModel() const;
};

/// Parses a YAML stream of Kubernetes objects: empty and null documents are skipped, a `List`'s
/// items are expanded. Errors, as Tilt's ParseYAML: a YAML syntax error; "couldn't get
/// version/kind; json parse error: ..." for a document that is not a mapping; "Object 'Kind' is
/// missing in '{...}'"; "decoding Deployment \"foo\": Object 'apiVersion' is missing in
/// '{...}'"; "decoding Secret \"s\": illegal base64 data at input byte 0".
starlark::Result<std::vector<K8sEntity>> parseK8sYaml(std::string_view text);

/// The documents as one YAML stream (Tilt's SerializeSpecYAML).
std::string serializeEntities(const std::vector<const K8sEntity*>& entities);

/// The apply order of a kind (kustomize's, as Tilt sorts a resource's objects): Namespace
/// first, ... Deployment, StatefulSet, CronJob, PodDisruptionBudget, then every other kind.
int kindOrder(std::string_view kind);

// ---- selectors --------------------------------------------------------------------------------

/// Tilt's k8s.ObjectSelector: four case-insensitive regular expressions (RE2 syntax, as Go's
/// regexp) over apiVersion, kind, name and namespace; an empty one matches anything.
class ObjectSelector {
 public:
  /// Matches everything.
  ObjectSelector() = default;
  /// Patterns that match anywhere in the field (NewPartialMatchObjectSelector). Errors: "error
  /// parsing kind regexp: error parsing regexp: missing argument to repetition operator: *".
  static starlark::Result<ObjectSelector> partial(std::string_view api_version,
                                                  std::string_view kind, std::string_view name,
                                                  std::string_view ns);
  /// Literal values that must match the whole field, ignoring case
  /// (NewFullmatchCaseInsensitiveObjectSelector).
  static starlark::Result<ObjectSelector> exact(std::string_view api_version, std::string_view kind,
                                                std::string_view name, std::string_view ns);

  bool matches(const K8sEntity& e) const;

  /// The fields as the user gave them (patterns for partial(), values for exact()).
  const std::string& apiVersion() const { return api_version_; }
  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::string& ns() const { return ns_; }

 private:
  static starlark::Result<ObjectSelector> make(std::string_view api_version, std::string_view kind,
                                               std::string_view name, std::string_view ns,
                                               bool exact);
  std::string api_version_, kind_, name_, ns_;
  // apiVersion, kind, name, namespace; null matches anything.
  std::shared_ptr<const re2::RE2> re_[4];
};

/// Parses a `k8s_resource(objects=...)` fragment "name[:kind[:namespace]]" (':' and '\' escaped
/// with '\'). Errors: "invalid escape sequence '\u' in 'qu\u:b'", "selector can't be empty",
/// "Too many parts in selector. Selectors must contain between 1 and 3 parts (colon separated),
/// found 4 parts in a:b:c:d".
starlark::Result<ObjectSelector> selectorFromString(std::string_view s);

/// Splits s at unescaped ':' and unescapes "\:" and "\\" (Tilt's sliceutils.UnescapeAndSplit).
starlark::Result<std::vector<std::string>> unescapeAndSplit(std::string_view s);
/// Joins parts with ':', escaping ':' and '\' in each (Tilt's SelectorStringFromParts).
std::string selectorStringFromParts(const std::vector<std::string>& parts);

/// "name:Kind:namespace", escaped, as Tilt lists objects in its messages.
std::string fullName(const K8sEntity& e);
/// The names an object could go by, shortest first and lowercased: name, name:kind,
/// name:kind:namespace, name:kind:namespace:group (group "core" for the core group); the first
/// `min_components - 1` are left out.
std::vector<std::string> potentialNames(const K8sEntity& e, size_t min_components);
/// The shortest potential name of each object that no other object wants (Tilt's UniqueNames);
/// an object with no unique name gets its longest one with ":<index>" appended.
std::vector<std::string> uniqueNames(const std::vector<const K8sEntity*>& entities,
                                     size_t min_components);

// ---- JSONPath ---------------------------------------------------------------------------------

/// A parsed JSONPath template in the syntax of kubectl's -o jsonpath (Tilt's k8s.JSONPath):
/// "{.spec.containers[*].image}", "{.spec.env[?(@.name=='IMG')].value}", "{..image}", unions
/// "[0,2]", slices "[1:3]", quoted keys "['a.b']". range/end blocks are not supported.
class JsonPath {
 public:
  struct Node;

  /// Parses a template. Errors are client-go's: "unclosed action", "unterminated array",
  /// "invalid array index x", "unterminated filter", "unrecognized character in action: U+0021
  /// '!'".
  static starlark::Result<JsonPath> parse(std::string_view text);

  /// Calls `visit` on each value the template finds in `root`, in order. A field that is missing
  /// is an error ("Matching (json_path=\"{.a}\"): a is not found") unless `allow_missing`.
  starlark::Result<void> visit(
      const Json& root, bool allow_missing,
      const std::function<starlark::Result<void>(const Json&)>& visit) const;
  /// The strings the template finds; any other value is an error "May only match strings
  /// (json_path=...)".
  starlark::Result<std::vector<std::string>> findStrings(const Json& root,
                                                         bool allow_missing) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

// ---- image locators ---------------------------------------------------------------------------

/// Where images are in objects of some kind (k8s_kind, k8s_image_json_path): a JSONPath to image
/// strings, or (image_object) to maps holding the repository and the tag in two fields.
struct ImageLocator {
  ObjectSelector selector;
  JsonPath path;
  bool is_object = false;
  std::string repo_field;  ///< is_object only
  std::string tag_field;   ///< is_object only

  /// The images in `e` (none unless the selector matches it). Errors: the JSONPath's, "error
  /// parsing image 'X' at json path '{...}': ...", "May only match maps (json_path=...)".
  starlark::Result<std::vector<ImageRef>> extract(const K8sEntity& e) const;
  /// The model's view of the locator.
  model::ImageLocator toModel() const;
};

/// The images an object uses, in Tilt's order (FindImages): init containers' and containers'
/// images, image volumes, then what each locator finds, then env values that name one of
/// `env_images` (images built with match_in_env_vars). Errors: "parsing IMAGE: invalid
/// reference format", or a locator's error.
starlark::Result<std::vector<ImageRef>> findImages(const K8sEntity& e,
                                                   const std::vector<const ImageLocator*>& locators,
                                                   const std::vector<RefSelector>& env_images);

}  // namespace slant::tiltfile
