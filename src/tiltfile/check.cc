// `slant check`: a static check of a Tiltfile.
//
// The check runs the first two stages of the interpreter (parse, resolve) over the main Tiltfile
// and every file it reaches, with the names a Tiltfile really sees: slant's builtins
// (makeBuiltins()), __file__ and __name__, and the Starlark universe, in Tilt's dialect. It never
// evaluates anything, so a Tiltfile that would run `local('rm -rf build')` is safe to check.
//
// What the resolver cannot know, we add by walking each resolved tree:
//  - load() statements: the module string is resolved as the loader does (relative to the loading
//    file; 'ext://NAME' as tilt_modules/NAME/Tiltfile next to the main Tiltfile, then each
//    extension directory), the target is checked in turn (each file once), and every name the
//    statement imports must be a global of the target. A load statement always runs (the
//    resolver rejects nested ones), so a missing target or a cycle is certainly an error.
//  - include() and load_dynamic() calls whose path is a string literal: the target is checked
//    too. A call inside a def, or under an if/for/while, a conditional expression, `and`/`or` or
//    a comprehension may never run (`if os.path.exists('local.tilt'): include('local.tilt')` is
//    a common idiom), so a missing target is reported only for unconditional top-level calls;
//    inside a def the path would even be relative to the file executing the call, which we do
//    not know.
//  - calls whose callee is statically known: an identifier the resolver bound to a predeclared
//    name (so neither shadowed by a global, a local nor a load), or a member of a predeclared
//    module (config.define_string, os.path.join). Their keyword arguments are checked against
//    the parameter table below, and members missing from a predeclared module are reported.
//
// The parameter table is the one place that knows each builtin's parameter names; they are
// Tilt's own (the names its Go code passes to UnpackArgs, which is what a Tiltfile must use,
// even where the Python stubs of the API docs spell them differently, e.g. read_file(paths)).
// check_test.cc fails when makeBuiltins() gains a callable the table lacks, and checks every
// entry against the real builtin.
#include "tiltfile/check.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "starlark/resolve/resolve.h"
#include "starlark/spell.h"
#include "starlark/starlark.h"
#include "starlark/syntax/ast.h"
#include "starlark/syntax/parser.h"
#include "tiltfile/builtins.h"
#include "tiltfile/state.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {
namespace {

namespace fs = std::filesystem;
namespace syn = starlark::syntax;
using starlark::Value;

// ---- the parameter table ----------------------------------------------------------------------

// name -> parameters in positional order, space-separated. "**" means the builtin accepts any
// keyword argument (Tilt's struct, module, and the builtins that ignore their arguments).
struct TableRow {
  std::string_view name;
  std::string_view params;
};

constexpr TableRow kTable[] = {
    // Settings and features.
    {"allow_k8s_contexts", "contexts"},
    {"analytics_settings", "enable"},
    {"ci_settings", "k8s_grace_period timeout readiness_timeout"},
    {"disable_feature", "msg"},
    {"disable_snapshots", ""},
    {"docker_prune_settings", "disable max_age_mins num_builds interval_hrs keep_recent"},
    {"enable_feature", "msg"},
    {"experimental_analytics_report", "tags"},
    {"experimental_metrics_settings", "**"},
    {"experimental_telemetry_cmd", "cmd cmd_bat period dir"},
    {"secret_settings", "disable_scrub"},
    {"set_team", "team_id"},
    {"update_settings",
     "max_parallel_updates k8s_upsert_timeout_secs suppress_unused_image_warnings "
     "k8s_server_side_apply"},
    {"version_settings", "check_updates constraint"},
    {"watch_settings", "ignore"},

    // Images and live update.
    {"custom_build",
     "ref command deps tag disable_push skips_local_docker live_update match_in_env_vars ignore "
     "entrypoint container_args command_bat_val outputs_image_ref_to command_bat image_deps env "
     "dir"},
    {"default_registry", "host host_from_cluster single_name"},
    {"docker_build",
     "ref context build_args dockerfile dockerfile_contents cache live_update match_in_env_vars "
     "ignore only entrypoint container_args target ssh secret network extra_tag cache_from pull "
     "platform extra_hosts"},
    {"fall_back_on", "paths"},
    {"initial_sync", ""},
    {"restart_container", ""},
    {"run", "cmd trigger echo_off"},
    {"sync", "local_path remote_path"},

    // Kubernetes.
    {"filter_yaml", "yaml labels name namespace kind api_version"},
    {"helm", "paths name namespace values set kube_version skip_crds"},
    {"k8s_context", ""},  // Tilt ignores its arguments; slant rejects them
    {"k8s_custom_deploy",
     "name apply_cmd delete_cmd deps image_selector live_update apply_dir apply_env apply_cmd_bat "
     "delete_dir delete_env delete_cmd_bat container_selector image_deps"},
    {"k8s_image_json_path", "paths api_version kind name namespace"},
    {"k8s_kind", "kind image_json_path api_version image_object pod_readiness"},
    {"k8s_namespace", ""},  // as k8s_context
    {"k8s_resource",
     "workload new_name port_forwards extra_pod_selectors trigger_mode resource_deps objects "
     "auto_init pod_readiness links labels discovery_strategy"},
    {"k8s_yaml", "yaml allow_duplicates"},
    {"kustomize", "paths kustomize_bin flags"},
    {"port_forward", "local_port container_port name link_path host"},
    {"workload_to_resource_function", "func"},

    // Docker Compose.
    {"dc_resource",
     "name image trigger_mode resource_deps infer_links links labels auto_init project_name "
     "new_name"},
    {"docker_compose", "configPaths env_file project_name profiles wait"},

    // Local resources, commands, probes, links.
    {"exec_action", "command"},
    {"http_get_action", "port host scheme path"},
    {"link", "url name"},
    {"local", "command quiet command_bat echo_off env dir stdin"},
    {"local_resource",
     "name cmd deps trigger_mode resource_deps ignore auto_init serve_cmd cmd_bat serve_cmd_bat "
     "allow_parallel links labels env serve_env readiness_probe dir serve_dir"},
    {"probe",
     "initial_delay_secs timeout_secs period_secs success_threshold failure_threshold exec "
     "http_get tcp_socket"},
    {"tcp_socket_action", "port host"},
    {"test",
     "name cmd deps trigger_mode resource_deps ignore auto_init serve_cmd cmd_bat serve_cmd_bat "
     "allow_parallel links labels env serve_env readiness_probe dir serve_dir"},
    {"trigger_mode", "trigger_mode"},

    // Files and data.
    {"blob", "input"},
    {"decode_json", "json"},
    {"decode_yaml", "yaml"},
    {"decode_yaml_stream", "yaml"},
    {"encode_json", "obj"},
    {"encode_yaml", "obj"},
    {"encode_yaml_stream", "objs"},
    {"listdir", "dir recursive"},
    {"local_git_repo", "paths"},
    {"read_file", "paths default"},
    {"read_json", "paths default"},
    {"read_yaml", "paths default"},
    {"read_yaml_stream", "paths default"},
    {"watch_file", "paths"},

    // Execution and values.
    {"exit", "code"},
    {"fail", "msg"},
    {"include", "path"},
    {"load_dynamic", "path"},
    {"module", "name **"},
    {"struct", "**"},
    {"warn", "msg"},

    // config.
    {"config.clear_enabled_resources", ""},
    {"config.define_bool", "name args usage"},
    {"config.define_object", "name args usage"},
    {"config.define_string", "name args usage"},
    {"config.define_string_list", "name args usage"},
    {"config.parse", ""},
    {"config.set_enabled_resources", "resources"},

    // os, shlex.
    {"os.getcwd", ""},
    {"os.getenv", "key default"},
    {"os.path.abspath", "path"},
    {"os.path.basename", "path"},
    {"os.path.dirname", "path"},
    {"os.path.exists", "path"},
    {"os.path.join", "**"},  // Tilt ignores its keyword arguments
    {"os.path.realpath", "path"},
    {"os.path.relpath", "targpath basepath"},
    {"os.putenv", "key value"},
    {"os.unsetenv", "key"},
    {"shlex.quote", "name"},

    // v1alpha1 objects and their spec helpers.
    {"v1alpha1.cmd",
     "name labels annotations args dir env readiness_probe restart_on start_on disable_source"},
    {"v1alpha1.config_map", "name labels annotations data"},
    {"v1alpha1.config_map_disable_source", "name key"},
    {"v1alpha1.disable_source", "config_map every_config_map"},
    {"v1alpha1.exec_action", "command"},
    {"v1alpha1.extension", "name labels annotations repo_name repo_path args"},
    {"v1alpha1.extension_repo", "name labels annotations url ref load_host git_subpath"},
    {"v1alpha1.file_watch", "name labels annotations watched_paths ignores disable_source"},
    {"v1alpha1.forward", "local_port container_port host name path"},
    {"v1alpha1.handler", "exec http_get tcp_socket"},
    {"v1alpha1.http_get_action", "path port host scheme http_headers"},
    {"v1alpha1.http_header", "name value"},
    {"v1alpha1.ignore_def", "base_path patterns"},
    {"v1alpha1.kubernetes_apply",
     "name labels annotations yaml image_maps image_locators timeout "
     "kubernetes_discovery_template_spec port_forward_template_spec pod_log_stream_template_spec "
     "discovery_strategy disable_source apply_cmd restart_on delete_cmd cluster "
     "server_side_apply"},
    {"v1alpha1.kubernetes_apply_cmd", "args dir env"},
    {"v1alpha1.kubernetes_discovery",
     "name labels annotations watches extra_selectors port_forward_template_spec "
     "pod_log_stream_template_spec cluster"},
    {"v1alpha1.kubernetes_discovery_template_spec", "extra_selectors"},
    {"v1alpha1.kubernetes_image_locator", "object_selector path object"},
    {"v1alpha1.kubernetes_image_object_descriptor", "repo_field tag_field"},
    {"v1alpha1.kubernetes_watch_ref", "uid namespace name"},
    {"v1alpha1.label_selector", "match_labels match_expressions"},
    {"v1alpha1.label_selector_requirement", "key operator values"},
    {"v1alpha1.object_selector", "api_version_regexp kind_regexp name_regexp namespace_regexp"},
    {"v1alpha1.pod_log_stream_template_spec", "since_time only_containers ignore_containers"},
    {"v1alpha1.port_forward_template_spec", "forwards"},
    {"v1alpha1.probe",
     "handler initial_delay_seconds timeout_seconds period_seconds success_threshold "
     "failure_threshold"},
    {"v1alpha1.restart_on_spec", "file_watches ui_buttons"},
    {"v1alpha1.start_on_spec", "start_after ui_buttons"},
    {"v1alpha1.tcp_socket_action", "port host"},
    {"v1alpha1.ui_bool_input_spec", "default_value true_string false_string"},
    {"v1alpha1.ui_button",
     "name labels annotations location text icon_name icon_svg disabled requires_confirmation "
     "inputs"},
    {"v1alpha1.ui_choice_input_spec", "choices"},
    {"v1alpha1.ui_component_location", "component_id component_type"},
    {"v1alpha1.ui_hidden_input_spec", "value"},
    {"v1alpha1.ui_input_spec", "name label text bool hidden choice"},
    {"v1alpha1.ui_text_input_spec", "default_value placeholder"},
};

std::vector<BuiltinParams> buildTable() {
  std::vector<BuiltinParams> table;
  for (const TableRow& row : kTable) {
    BuiltinParams entry{row.name, {}, false};
    std::string_view rest = row.params;
    while (!rest.empty()) {
      size_t sp = rest.find(' ');
      std::string_view word = rest.substr(0, sp);
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
      if (word.empty()) continue;
      if (word == "**") {
        entry.any_keywords = true;
      } else {
        entry.params.push_back(word);
      }
    }
    table.push_back(std::move(entry));
  }
  std::sort(table.begin(), table.end(),
            [](const BuiltinParams& a, const BuiltinParams& b) { return a.name < b.name; });
  return table;
}

// ---- helpers ------------------------------------------------------------------------------------

bool startsWith(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

std::optional<std::string> readWholeFile(const std::string& path, std::string* error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *error = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string absolute(std::string_view path) {
  if (!path.empty() && path.front() == '/') return cleanPath(path);
  std::error_code ec;
  std::string cwd = fs::current_path(ec).string();
  return joinPath(cwd, path);
}

// Splits "file:line:col: message" (file being `display`) into a problem; a line in any other
// shape becomes a problem of the whole file.
CheckProblem parseLocated(std::string_view text, const std::string& display) {
  CheckProblem p{display, 0, 0, std::string(text)};
  if (!startsWith(text, display) || text.size() <= display.size() || text[display.size()] != ':')
    return p;
  std::string_view rest = text.substr(display.size() + 1);
  auto number = [&rest](int* out) {
    const char* end = rest.data() + rest.size();
    auto r = std::from_chars(rest.data(), end, *out);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return false;
    rest = rest.substr(static_cast<size_t>(r.ptr - rest.data()) + 1);
    return true;
  };
  int line = 0;
  int col = 0;
  if (!number(&line)) return p;
  if (!number(&col)) {
    // "file:line: message"
    col = 0;
  }
  if (startsWith(rest, " ")) rest.remove_prefix(1);
  return CheckProblem{display, line, col, std::string(rest)};
}

std::string quote(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

// A value found by following a chain of predeclared names and module members, with the chain's
// qualified name ("os.path.join").
struct StaticValue {
  std::string name;
  Value value;
};

// Whether a value has a fixed set of members, so that a missing one is certainly an error: a
// module (also the host's own module types, such as config) or a struct.
bool hasFixedMembers(const Value& v) {
  if (!v.isObject()) return false;
  std::string_view type = v.object()->typeName();
  return type == "module" || type == "struct";
}

// The member `name` of a module or struct value, looked up as the evaluator would (some host
// modules compute members from the execution's State, hence the thread), or nullopt.
std::optional<Value> memberOf(starlark::Thread& thread, const Value& v, std::string_view name) {
  if (!hasFixedMembers(v)) return std::nullopt;
  auto r = v.object()->attr(thread, name);
  if (!r || !*r) return std::nullopt;
  return **r;
}

// The name of a keyword argument (name=value), or nullptr for any other argument.
const syn::Ident* keywordName(const syn::Expr* arg) {
  if (arg == nullptr || arg->kind != syn::NodeKind::kBinaryExpr) return nullptr;
  const auto* kw = static_cast<const syn::BinaryExpr*>(arg);
  if (kw->op != syn::Token::kEq || kw->x == nullptr || kw->x->kind != syn::NodeKind::kIdent)
    return nullptr;
  return static_cast<const syn::Ident*>(kw->x);
}

// ---- the checker --------------------------------------------------------------------------------

// Where a load, include or load_dynamic leads: the file's absolute and display paths, or why
// there is no such file.
struct Target {
  std::string abs;
  std::string display;
  std::string missing;  // non-empty: the reason the target cannot be loaded
};

struct FileInfo {
  bool checking = true;  // on the current load path (a load of it now is a cycle)
  bool parsed = false;   // exports are known
  std::vector<std::string> exports;
  std::vector<CheckProblem> problems;
};

class Checker {
 public:
  explicit Checker(const CheckOptions& options);
  CheckResult run();

  // Checks a file once (later calls return at once). Returns its info.
  FileInfo& checkFile(const std::string& abs, const std::string& display);
  Target resolveModule(const std::string& from_abs, const std::string& from_display,
                       std::string_view module) const;
  // The stack of files being checked, as display paths, for cycle messages.
  std::vector<std::string> stack;

  const starlark::StringDict& builtins() const { return builtins_; }
  starlark::Thread& thread() { return thread_; }
  const std::vector<std::string_view>& allNames() const { return all_names_; }
  bool isPredeclared(std::string_view name) const {
    return name == "__file__" || name == "__name__" || builtins_.find(name) != builtins_.end();
  }
  bool isUniversal(std::string_view name) const {
    return std::binary_search(universe_names_.begin(), universe_names_.end(), name);
  }
  FileInfo* info(const std::string& abs) {
    auto it = files_.find(abs);
    return it == files_.end() ? nullptr : it->second.get();
  }

 private:
  const CheckOptions& options_;
  std::string main_abs_;
  std::string main_display_;
  // Every value the check makes (the builtins, members looked up) lives in heap_, which is
  // destroyed last. The thread carries a State so that host modules can compute members.
  starlark::Heap heap_;
  starlark::HeapScope heap_scope_{&heap_};
  std::shared_ptr<State> state_;
  starlark::Thread thread_;
  starlark::StringDict builtins_;
  std::vector<std::string_view> universe_names_;  // sorted
  std::vector<std::string_view> all_names_;       // predeclared and universal, sorted
  std::map<std::string, std::unique_ptr<FileInfo>, std::less<>> files_;
  std::vector<std::pair<std::string, FileInfo*>> order_;  // display path, info
};

// Walks one resolved file.
class FileWalker {
 public:
  FileWalker(Checker& checker, FileInfo& info, std::string abs, std::string display)
      : checker_(checker), info_(info), abs_(std::move(abs)), display_(std::move(display)) {}

  void walkFile(const syn::File& file) {
    for (const syn::Stmt* s : file.stmts) walkStmt(s);
  }

 private:
  void problem(const syn::Position& pos, std::string message) {
    info_.problems.push_back(CheckProblem{display_, pos.line, pos.col, std::move(message)});
  }

  void walkStmts(std::span<syn::Stmt* const> stmts) {
    for (const syn::Stmt* s : stmts) walkStmt(s);
  }

  void walkStmt(const syn::Stmt* s) {
    using K = syn::NodeKind;
    switch (s->kind) {
      case K::kAssignStmt: {
        const auto* a = static_cast<const syn::AssignStmt*>(s);
        walkExpr(a->lhs);
        walkExpr(a->rhs);
        break;
      }
      case K::kBranchStmt:
        break;
      case K::kDefStmt: {
        const auto* d = static_cast<const syn::DefStmt*>(s);
        for (const syn::Expr* p : d->params) walkExpr(p);
        ++fn_depth_;
        walkStmts(d->body);
        --fn_depth_;
        break;
      }
      case K::kExprStmt:
        walkExpr(static_cast<const syn::ExprStmt*>(s)->x);
        break;
      case K::kForStmt: {
        const auto* f = static_cast<const syn::ForStmt*>(s);
        walkExpr(f->vars);
        walkExpr(f->x);
        ++cond_depth_;
        walkStmts(f->body);
        --cond_depth_;
        break;
      }
      case K::kWhileStmt: {
        const auto* w = static_cast<const syn::WhileStmt*>(s);
        walkExpr(w->cond);
        ++cond_depth_;
        walkStmts(w->body);
        --cond_depth_;
        break;
      }
      case K::kIfStmt: {
        const auto* i = static_cast<const syn::IfStmt*>(s);
        walkExpr(i->cond);
        ++cond_depth_;
        walkStmts(i->then_body);
        walkStmts(i->else_body);
        --cond_depth_;
        break;
      }
      case K::kLoadStmt:
        checkLoad(static_cast<const syn::LoadStmt*>(s));
        break;
      case K::kReturnStmt:
        walkExpr(static_cast<const syn::ReturnStmt*>(s)->result);
        break;
      default:
        break;
    }
  }

  void walkExprs(std::span<syn::Expr* const> xs) {
    for (const syn::Expr* x : xs) walkExpr(x);
  }

  void walkConditional(const syn::Node* n) {
    ++cond_depth_;
    walkNode(n);
    --cond_depth_;
  }

  void walkExpr(const syn::Expr* e) { walkNode(e); }

  void walkNode(const syn::Node* n) {
    if (n == nullptr) return;
    using K = syn::NodeKind;
    switch (n->kind) {
      case K::kBinaryExpr: {
        const auto* b = static_cast<const syn::BinaryExpr*>(n);
        walkNode(b->x);
        if (b->op == syn::Token::kAnd || b->op == syn::Token::kOr) {
          walkConditional(b->y);
        } else {
          walkNode(b->y);
        }
        break;
      }
      case K::kCallExpr: {
        const auto* c = static_cast<const syn::CallExpr*>(n);
        checkCall(c);
        walkNode(c->fn);
        walkExprs(c->args);
        break;
      }
      case K::kComprehension: {
        const auto* c = static_cast<const syn::Comprehension*>(n);
        ++cond_depth_;
        for (const syn::Node* clause : c->clauses) walkNode(clause);
        walkNode(c->body);
        --cond_depth_;
        break;
      }
      case K::kCondExpr: {
        const auto* c = static_cast<const syn::CondExpr*>(n);
        walkNode(c->cond);
        walkConditional(c->true_expr);
        walkConditional(c->false_expr);
        break;
      }
      case K::kDictEntry: {
        const auto* d = static_cast<const syn::DictEntry*>(n);
        walkNode(d->key);
        walkNode(d->value);
        break;
      }
      case K::kDictExpr:
        for (const syn::DictEntry* d : static_cast<const syn::DictExpr*>(n)->list) walkNode(d);
        break;
      case K::kDotExpr: {
        const auto* d = static_cast<const syn::DotExpr*>(n);
        checkMember(d);
        walkNode(d->x);
        break;
      }
      case K::kIdent:
      case K::kLiteral:
        break;
      case K::kIndexExpr: {
        const auto* i = static_cast<const syn::IndexExpr*>(n);
        walkNode(i->x);
        walkNode(i->y);
        break;
      }
      case K::kLambdaExpr: {
        const auto* l = static_cast<const syn::LambdaExpr*>(n);
        walkExprs(l->params);
        ++fn_depth_;
        walkNode(l->body);
        --fn_depth_;
        break;
      }
      case K::kListExpr:
        walkExprs(static_cast<const syn::ListExpr*>(n)->list);
        break;
      case K::kParenExpr:
        walkNode(static_cast<const syn::ParenExpr*>(n)->x);
        break;
      case K::kSliceExpr: {
        const auto* s = static_cast<const syn::SliceExpr*>(n);
        walkNode(s->x);
        walkNode(s->lo);
        walkNode(s->hi);
        walkNode(s->step);
        break;
      }
      case K::kTupleExpr:
        walkExprs(static_cast<const syn::TupleExpr*>(n)->list);
        break;
      case K::kUnaryExpr:
        walkNode(static_cast<const syn::UnaryExpr*>(n)->x);
        break;
      case K::kForClause: {
        const auto* f = static_cast<const syn::ForClause*>(n);
        walkNode(f->vars);
        walkNode(f->x);
        break;
      }
      case K::kIfClause:
        walkNode(static_cast<const syn::IfClause*>(n)->cond);
        break;
      default:
        break;
    }
  }

  // The value of an expression made only of predeclared names and module members.
  std::optional<StaticValue> staticValue(const syn::Expr* e) const {
    if (e == nullptr) return std::nullopt;
    switch (e->kind) {
      case syn::NodeKind::kIdent: {
        const auto* id = static_cast<const syn::Ident*>(e);
        if (id->binding == nullptr || id->binding->scope != syn::Scope::kPredeclared)
          return std::nullopt;
        auto it = checker_.builtins().find(id->name);
        if (it == checker_.builtins().end()) return std::nullopt;
        return StaticValue{std::string(id->name), it->second};
      }
      case syn::NodeKind::kParenExpr:
        return staticValue(static_cast<const syn::ParenExpr*>(e)->x);
      case syn::NodeKind::kDotExpr: {
        const auto* d = static_cast<const syn::DotExpr*>(e);
        std::optional<StaticValue> base = staticValue(d->x);
        if (!base || d->name == nullptr) return std::nullopt;
        std::optional<Value> member = memberOf(checker_.thread(), base->value, d->name->name);
        if (!member) return std::nullopt;
        return StaticValue{base->name + "." + std::string(d->name->name), *member};
      }
      default:
        return std::nullopt;
    }
  }

  // x.name where x is a predeclared module that has no such member.
  void checkMember(const syn::DotExpr* d) {
    if (d->name == nullptr) return;
    std::optional<StaticValue> base = staticValue(d->x);
    if (!base) return;
    if (!hasFixedMembers(base->value) || memberOf(checker_.thread(), base->value, d->name->name))
      return;
    std::vector<std::string> attrs = base->value.object()->attrNames();
    std::vector<std::string_view> names(attrs.begin(), attrs.end());
    std::string msg = std::string(base->value.object()->typeName()) + " " + base->name +
                      " has no ." + std::string(d->name->name) + " field or method";
    std::string_view hint = starlark::spell::nearest(d->name->name, names);
    if (!hint.empty()) msg += " (did you mean ." + std::string(hint) + "?)";
    problem(d->name_pos.line != 0 ? d->name_pos : d->name->pos, std::move(msg));
  }

  void checkCall(const syn::CallExpr* call) {
    std::optional<StaticValue> callee = staticValue(call->fn);
    if (!callee) return;
    if (callee->name == "include" || callee->name == "load_dynamic") checkInclude(call, *callee);
    const BuiltinParams* sig = findBuiltinParams(callee->name);
    if (sig == nullptr || sig->any_keywords) return;
    for (const syn::Expr* arg : call->args) {
      const syn::Ident* name = keywordName(arg);
      if (name == nullptr) continue;
      if (std::find(sig->params.begin(), sig->params.end(), name->name) != sig->params.end())
        continue;
      std::string msg = "unknown keyword argument " + quote(name->name) + " for " + callee->name;
      std::string_view hint = starlark::spell::nearest(name->name, sig->params);
      if (!hint.empty()) msg += " (did you mean " + quote(hint) + "?)";
      problem(name->pos, std::move(msg));
    }
  }

  // include('path') and load_dynamic('path') with a literal path.
  void checkInclude(const syn::CallExpr* call, const StaticValue& callee) {
    if (fn_depth_ > 0) return;  // the path would be relative to the caller's file
    // The path is the first positional argument or path=.
    const syn::Expr* path = nullptr;
    for (size_t i = 0; i < call->args.size(); ++i) {
      const syn::Expr* arg = call->args[i];
      if (const syn::Ident* kw = keywordName(arg)) {
        if (kw->name == "path") path = static_cast<const syn::BinaryExpr*>(arg)->y;
      } else if (i == 0 && arg->kind != syn::NodeKind::kUnaryExpr) {
        path = arg;
      }
    }
    if (path == nullptr || path->kind != syn::NodeKind::kLiteral) return;
    const auto* lit = static_cast<const syn::Literal*>(path);
    if (lit->token != syn::Token::kString) return;
    std::string module(lit->string_value);
    Target t = checker_.resolveModule(abs_, display_, module);
    if (!t.missing.empty()) {
      if (cond_depth_ == 0) {
        problem(lit->pos, callee.name + ": cannot load " + module + ": " + t.missing);
      }
      return;
    }
    checker_.checkFile(t.abs, t.display);
  }

  void checkLoad(const syn::LoadStmt* load) {
    if (load->module == nullptr) return;
    std::string module(load->module->string_value);
    Target t = checker_.resolveModule(abs_, display_, module);
    if (!t.missing.empty()) {
      problem(load->module->pos, "cannot load " + module + ": " + t.missing);
      return;
    }
    if (FileInfo* existing = checker_.info(t.abs); existing != nullptr && existing->checking) {
      std::string cycle;
      bool on_cycle = false;
      for (const std::string& f : checker_.stack) {
        if (f == t.display) on_cycle = true;
        if (on_cycle) cycle += f + " -> ";
      }
      cycle += t.display;
      problem(load->module->pos, "cannot load " + module + ": load cycle: " + cycle);
      return;
    }
    FileInfo& target = checker_.checkFile(t.abs, t.display);
    if (!target.parsed) return;
    for (const syn::Ident* from : load->from) {
      if (from == nullptr || from->name.empty() || from->name.front() == '_') continue;
      if (std::binary_search(target.exports.begin(), target.exports.end(), from->name)) continue;
      std::string msg = "load: name " + std::string(from->name) + " not found in module " + module;
      std::vector<std::string_view> names(target.exports.begin(), target.exports.end());
      std::string_view hint = starlark::spell::nearest(from->name, names);
      if (!hint.empty()) msg += " (did you mean " + std::string(hint) + "?)";
      problem(from->pos, std::move(msg));
    }
  }

  Checker& checker_;
  FileInfo& info_;
  std::string abs_;
  std::string display_;
  int fn_depth_ = 0;    // inside a def or lambda
  int cond_depth_ = 0;  // inside code that may not run
};

Checker::Checker(const CheckOptions& options) : options_(options) {
  main_display_ = cleanPath(options.tiltfile);
  main_abs_ = absolute(options.tiltfile);
  Options exec_options;
  exec_options.tiltfile = main_abs_;
  exec_options.extension_dirs = options.extension_dirs;
  exec_options.log = [](std::string_view) {};
  state_ = std::make_shared<State>(std::move(exec_options));
  thread_.setLocal("tiltfile", state_);
  builtins_ = makeBuiltins();
  for (const auto& [name, _] : starlark::universe()) universe_names_.push_back(name);
  std::sort(universe_names_.begin(), universe_names_.end());
  all_names_ = universe_names_;
  for (const auto& [name, _] : builtins_) all_names_.push_back(name);
  all_names_.push_back("__file__");
  all_names_.push_back("__name__");
  std::sort(all_names_.begin(), all_names_.end());
  all_names_.erase(std::unique(all_names_.begin(), all_names_.end()), all_names_.end());
}

CheckResult Checker::run() {
  std::error_code ec;
  if (!fs::exists(main_abs_, ec)) {
    CheckResult result;
    result.problems.push_back(
        CheckProblem{main_display_, 0, 0, "no such file (name another Tiltfile with -f FILE)"});
    return result;
  }
  checkFile(main_abs_, main_display_);
  CheckResult result;
  for (auto& [display, info] : order_) {
    result.files.push_back(display);
    std::stable_sort(info->problems.begin(), info->problems.end(),
                     [](const CheckProblem& a, const CheckProblem& b) {
                       return std::pair(a.line, a.col) < std::pair(b.line, b.col);
                     });
    for (CheckProblem& p : info->problems) result.problems.push_back(std::move(p));
  }
  return result;
}

Target Checker::resolveModule(const std::string& from_abs, const std::string& from_display,
                              std::string_view module) const {
  std::error_code ec;
  constexpr std::string_view kExt = "ext://";
  if (startsWith(module, kExt)) {
    std::string name(module.substr(kExt.size()));
    if (name.empty()) return Target{{}, {}, "empty extension name"};
    std::vector<Target> candidates;
    std::string rel = "tilt_modules/" + name + "/Tiltfile";
    candidates.push_back(
        Target{joinPath(dirName(main_abs_), rel), joinPath(dirName(main_display_), rel), {}});
    for (const std::string& dir : options_.extension_dirs) {
      std::string p = joinPath(joinPath(dirName(main_abs_), dir), name + "/Tiltfile");
      candidates.push_back(Target{p, p, {}});
    }
    std::string looked;
    for (const Target& c : candidates) {
      if (fs::is_regular_file(c.abs, ec)) return c;
      looked += (looked.empty() ? "" : ", ") + c.display;
    }
    return Target{
        {},
        {},
        "extension " + name + " not found (no " + looked + "); slant does not download extensions"};
  }
  Target t{joinPath(dirName(from_abs), module), joinPath(dirName(from_display), module), {}};
  if (fs::is_directory(t.abs, ec)) {
    t.missing = t.display + " is a directory";
  } else if (!fs::exists(t.abs, ec)) {
    t.missing = "no such file " + t.display;
  }
  return t;
}

FileInfo& Checker::checkFile(const std::string& abs, const std::string& display) {
  if (FileInfo* existing = info(abs)) return *existing;
  auto owned = std::make_unique<FileInfo>();
  FileInfo& fi = *owned;
  files_.emplace(abs, std::move(owned));
  order_.emplace_back(display, &fi);
  stack.push_back(display);

  std::string error;
  std::optional<std::string> source = readWholeFile(abs, &error);
  if (!source) {
    fi.problems.push_back(CheckProblem{display, 0, 0, "cannot read file: " + error});
  } else if (auto file = syn::parseFile(display, *source); !file) {
    fi.problems.push_back(parseLocated(file.error().message(), display));
  } else {
    auto resolved = starlark::resolve::resolveFile(
        **file, [this](std::string_view n) { return isPredeclared(n); },
        [this](std::string_view n) { return isUniversal(n); }, starlark::FileOptions::tilt());
    if (!resolved) {
      std::string_view all = resolved.error().message();
      while (!all.empty()) {
        size_t nl = all.find('\n');
        std::string_view line = all.substr(0, nl);
        all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
        if (line.empty()) continue;
        CheckProblem p = parseLocated(line, display);
        // The resolver suggests only names in scope; add the builtins and the universe.
        constexpr std::string_view kUndefined = "undefined: ";
        if (startsWith(p.message, kUndefined) &&
            p.message.find(" (did you mean ") == std::string::npos) {
          std::string_view name = std::string_view(p.message).substr(kUndefined.size());
          std::string_view hint = starlark::spell::nearest(name, all_names_);
          if (!hint.empty()) p.message += " (did you mean " + std::string(hint) + "?)";
        }
        fi.problems.push_back(std::move(p));
      }
    }
    for (const syn::Binding* b : (*file)->module.globals) {
      if (b != nullptr && b->first != nullptr) fi.exports.emplace_back(b->first->name);
    }
    std::sort(fi.exports.begin(), fi.exports.end());
    fi.parsed = true;
    FileWalker(*this, fi, abs, display).walkFile(**file);
  }
  stack.pop_back();
  fi.checking = false;
  return fi;
}

}  // namespace

std::string CheckProblem::str() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (col > 0) out += ":" + std::to_string(col);
  }
  out += ": " + message;
  return out;
}

const std::vector<BuiltinParams>& builtinParamsTable() {
  static const std::vector<BuiltinParams> table = buildTable();
  return table;
}

const BuiltinParams* findBuiltinParams(std::string_view name) {
  const std::vector<BuiltinParams>& table = builtinParamsTable();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const BuiltinParams& e, std::string_view n) { return e.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &*it;
}

CheckResult checkTiltfile(const CheckOptions& options) { return Checker(options).run(); }

}  // namespace slant::tiltfile
