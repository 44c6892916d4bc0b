// The Starlark resolver.
//
// It follows go.starlark.net's resolve/resolve.go, whose essay this summarises. Every name is
// resolved statically to one of: a local of the innermost function (or of the file, for names
// bound by comprehensions and load statements outside any function), a cell (a local that a
// nested function captures), a free variable (a cell of an enclosing function, reached through
// the closure), a global of the module, a predeclared name of this module, or a universal builtin.
// Locals, free variables and globals each get a slot index, so the evaluator never looks a name
// up by string.
//
// The lexical environment is a tree of blocks rooted at the file block; functions and
// comprehensions open child blocks. Python-style scoping needs two passes, because a name is
// local to a function if the function binds it anywhere, even after a use. The first pass walks
// the tree, creating a binding for each binding occurrence (assignment, parameter, loop
// variable, def, load) and recording every use together with the block it occurs in. When a
// function (or the file) is finished, the uses that find a binding in their own function become
// local uses; the others wait. At the end of the file, the remaining uses are resolved bottom-up
// by lexical lookup: a name found in an enclosing function turns that function's local into a
// cell and adds a free variable to every function in between (memoized per block, so each
// closure captures a name once); a name not found in any function is a global, a predeclared
// name, a universal name, or an error "undefined: x", with a spelling suggestion.
//
// Because globals may be used before the statement that binds them (a function body may refer
// to a global defined later), global uses are resolved only at the end of the file. With the
// global_reassign option the legacy Bazel rule applies instead: at top level a name must be
// bound before it is used.
//
// Dialect options (FileOptions) enable sets, while loops, if/for/while at top level, and
// rebinding a global; recursion is not a static property and is checked by the evaluator.
// All errors are collected and reported together, in source order.
#include "starlark/resolve/resolve.h"

#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "starlark/spell.h"

namespace slant::starlark::resolve {

namespace {

using syntax::AssignStmt;
using syntax::BinaryExpr;
using syntax::Binding;
using syntax::BranchStmt;
using syntax::CallExpr;
using syntax::Comprehension;
using syntax::CondExpr;
using syntax::DefStmt;
using syntax::DictEntry;
using syntax::DictExpr;
using syntax::DotExpr;
using syntax::Expr;
using syntax::ExprStmt;
using syntax::File;
using syntax::ForClause;
using syntax::ForStmt;
using syntax::FunctionInfo;
using syntax::Ident;
using syntax::IfClause;
using syntax::IfStmt;
using syntax::IndexExpr;
using syntax::LambdaExpr;
using syntax::ListExpr;
using syntax::LoadStmt;
using syntax::Node;
using syntax::NodeKind;
using syntax::ParenExpr;
using syntax::Position;
using syntax::ReturnStmt;
using syntax::Scope;
using syntax::SliceExpr;
using syntax::startPos;
using syntax::Stmt;
using syntax::Token;
using syntax::TupleExpr;
using syntax::UnaryExpr;
using syntax::WhileStmt;

constexpr std::string_view kDoesnt = "this Starlark dialect does not ";

std::string_view scopeName(Scope s) {
  switch (s) {
    case Scope::kUndefined:
      return "undefined";
    case Scope::kLocal:
      return "local";
    case Scope::kCell:
      return "cell";
    case Scope::kFree:
      return "free";
    case Scope::kGlobal:
      return "global";
    case Scope::kPredeclared:
      return "predeclared";
    case Scope::kUniversal:
      return "universal";
  }
  return "undefined";
}

// The lowercased Go type name of an expression node, for "can't assign to literal".
std::string_view nodeTypeName(NodeKind k) {
  switch (k) {
    case NodeKind::kBinaryExpr:
      return "binaryexpr";
    case NodeKind::kCallExpr:
      return "callexpr";
    case NodeKind::kComprehension:
      return "comprehension";
    case NodeKind::kCondExpr:
      return "condexpr";
    case NodeKind::kDictEntry:
      return "dictentry";
    case NodeKind::kDictExpr:
      return "dictexpr";
    case NodeKind::kDotExpr:
      return "dotexpr";
    case NodeKind::kIdent:
      return "ident";
    case NodeKind::kIndexExpr:
      return "indexexpr";
    case NodeKind::kLambdaExpr:
      return "lambdaexpr";
    case NodeKind::kListExpr:
      return "listexpr";
    case NodeKind::kLiteral:
      return "literal";
    case NodeKind::kParenExpr:
      return "parenexpr";
    case NodeKind::kSliceExpr:
      return "sliceexpr";
    case NodeKind::kTupleExpr:
      return "tupleexpr";
    case NodeKind::kUnaryExpr:
      return "unaryexpr";
    default:
      return "expr";
  }
}

// ---- blocks ---------------------------------------------------------------------------------

// A map from names to bindings: a vector while small (the common case: a function's locals),
// with a hash index once it grows (the file's globals).
class NameMap {
 public:
  Binding* find(std::string_view name) const {
    if (!index_.empty()) {
      auto it = index_.find(name);
      return it == index_.end() ? nullptr : entries_[it->second].second;
    }
    for (const auto& [n, b] : entries_) {
      if (n == name) return b;
    }
    return nullptr;
  }

  void insert(std::string_view name, Binding* b) {
    entries_.emplace_back(name, b);
    if (!index_.empty()) {
      index_.emplace(name, entries_.size() - 1);
    } else if (entries_.size() > kLinearLimit) {
      index_.reserve(entries_.size() * 2);
      for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
    }
  }

  void appendNames(std::vector<std::string_view>& out) const {
    for (const auto& e : entries_) out.push_back(e.first);
  }

 private:
  static constexpr size_t kLinearLimit = 12;
  std::vector<std::pair<std::string_view, Binding*>> entries_;
  std::unordered_map<std::string_view, size_t> index_;
};

struct Block;

// An identifier and the block in which it occurs.
struct Use {
  Ident* id;
  Block* env;
};

// A lexical block: the file, a function, or a comprehension.
struct Block {
  Block* parent = nullptr;
  FunctionInfo* function = nullptr;  // set for function blocks only
  NameMap bindings;
  std::vector<Block*> children;
  std::vector<Use> uses;  // uses in this container not yet resolved (function and file only)
};

struct ResolveError {
  Position pos;
  std::string msg;
};

class Resolver {
 public:
  Resolver(File& file, const NamePredicate& is_predeclared, const NamePredicate& is_universal,
           const FileOptions& options)
      : file_(file),
        is_predeclared_(is_predeclared),
        is_universal_(is_universal),
        options_(options) {
    file_block_ = &blocks_.emplace_back();
    env_ = file_block_;
  }

  void resolveStmts(std::span<Stmt* const> stmts) {
    for (Stmt* s : stmts) stmt(s);
  }

  void resolveExpr(Expr* e) { expr(e); }

  // Resolves the uses left over at the end of the file and records the module's bindings.
  Result<void> finish() {
    resolveLocalUses(file_block_);
    resolveNonLocalUses(file_block_);

    file_.module.locals = module_locals_;
    file_.module.globals = module_globals_;
    file_.toplevel.name = "<toplevel>";
    file_.toplevel.pos = Position{&file_.path, 1, 1};
    file_.toplevel.locals = module_locals_;

    if (errors_.empty()) return {};
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const ResolveError& a, const ResolveError& b) {
                       if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
                       return a.pos.col < b.pos.col;
                     });
    std::string msg;
    for (const ResolveError& e : errors_) {
      if (!msg.empty()) msg += '\n';
      msg += e.pos.str();
      msg += ": ";
      msg += e.msg;
    }
    return makeError(std::move(msg));
  }

 private:
  void error(Position pos, std::string msg) { errors_.push_back({pos, std::move(msg)}); }

  Binding* newBinding(Scope scope, size_t index, Ident* first) {
    Binding* b = file_.arena.makeTrivial<Binding>();
    b->scope = scope;
    b->index = static_cast<int32_t>(index);
    b->first = first;
    return b;
  }

  // The innermost enclosing function block, or the file block.
  Block* container() const {
    Block* b = env_;
    while (b->function == nullptr && b != file_block_) b = b->parent;
    return b;
  }

  Block* push(FunctionInfo* function) {
    Block* b = &blocks_.emplace_back();
    b->function = function;
    b->parent = env_;
    env_->children.push_back(b);
    env_ = b;
    return b;
  }

  void pop() { env_ = env_->parent; }

  // Creates a binding for id: a global at top level, a local elsewhere. At top level, rebinding
  // an existing global or file-local is an error unless global_reassign. Returns whether a
  // binding already existed.
  bool bind(Ident* id) {
    if (env_ != file_block_) return bindLocal(id);
    Binding* b = file_block_->bindings.find(id->name);
    bool existed = b != nullptr;
    if (!existed) {
      b = globals_.find(id->name);
      existed = b != nullptr;
      if (!existed) {
        b = newBinding(Scope::kGlobal, module_globals_.size(), id);
        globals_.insert(id->name, b);
        module_globals_.push_back(b);
      }
    }
    if (existed && !options_.global_reassign) {
      error(id->pos, "cannot reassign " + std::string(scopeName(b->scope)) + " " +
                         std::string(id->name) + " declared at " + b->first->pos.str());
    }
    id->binding = b;
    return existed;
  }

  // Binds id as a local of the current block, allotting a slot in the enclosing container.
  bool bindLocal(Ident* id) {
    bool existed = env_->bindings.find(id->name) != nullptr;
    if (!existed) {
      FunctionInfo* fn = container()->function;
      std::vector<Binding*>& locals = fn != nullptr ? fn->locals : module_locals_;
      Binding* b = newBinding(Scope::kLocal, locals.size(), id);
      env_->bindings.insert(id->name, b);
      locals.push_back(b);
    }
    use(id);
    return existed;
  }

  void use(Ident* id) {
    Use u{id, env_};
    // Legacy (global_reassign) semantics: at top level a name refers to what is bound so far.
    if (options_.global_reassign && env_ == file_block_) {
      useToplevel(u);
      return;
    }
    container()->uses.push_back(u);
  }

  // Resolves a use of a name visible at top level: file-local, global, predeclared, universal.
  Binding* useToplevel(const Use& u) {
    Ident* id = u.id;
    Binding* b = file_block_->bindings.find(id->name);
    if (b == nullptr) b = globals_.find(id->name);
    if (b == nullptr) b = predeclared_.find(id->name);
    if (b == nullptr) {
      if (is_predeclared_ && is_predeclared_(id->name)) {
        b = newBinding(Scope::kPredeclared, 0, nullptr);
        predeclared_.insert(id->name, b);
      } else if (is_universal_ && is_universal_(id->name)) {
        if (!options_.set && id->name == "set") {
          error(id->pos, std::string(kDoesnt) + "support sets");
        }
        b = newBinding(Scope::kUniversal, 0, nullptr);
        predeclared_.insert(id->name, b);
      } else {
        b = newBinding(Scope::kUndefined, 0, nullptr);
        std::string msg = "undefined: " + std::string(id->name);
        std::string_view hint = spellcheck(u);
        if (!hint.empty()) {
          msg += " (did you mean ";
          msg += hint;
          msg += "?)";
        }
        error(id->pos, std::move(msg));
      }
    }
    id->binding = b;
    return b;
  }

  // Returns the name in scope at the use that is most likely what was meant, or "".
  std::string_view spellcheck(const Use& u) {
    std::vector<std::string_view> names;
    for (Block* b = u.env; b != nullptr; b = b->parent) b->bindings.appendNames(names);
    for (Binding* b : module_globals_) names.push_back(b->first->name);
    std::sort(names.begin(), names.end());
    return spell::nearest(u.id->name, names);
  }

  // Looks a use up in its own function (through enclosing comprehension blocks).
  static Binding* lookupLocal(const Use& u) {
    for (Block* env = u.env; env != nullptr; env = env->parent) {
      if (Binding* b = env->bindings.find(u.id->name)) return b;
      if (env->function != nullptr) break;
    }
    return nullptr;
  }

  // On leaving a container, binds the uses of its own locals and keeps the rest for later.
  static void resolveLocalUses(Block* b) {
    auto out = b->uses.begin();
    for (const Use& u : b->uses) {
      Binding* bind = lookupLocal(u);
      if (bind != nullptr && (bind->scope == Scope::kLocal || bind->scope == Scope::kCell)) {
        u.id->binding = bind;
      } else {
        *out++ = u;
      }
    }
    b->uses.erase(out, b->uses.end());
  }

  void resolveNonLocalUses(Block* b) {
    for (Block* child : b->children) resolveNonLocalUses(child);
    for (const Use& u : b->uses) u.id->binding = lookupLexical(u, u.env);
  }

  // Looks a use up in env and its enclosing blocks, creating free variables for names found in
  // an enclosing function.
  Binding* lookupLexical(const Use& u, Block* env) {
    if (env == file_block_) return useToplevel(u);
    Binding* b = env->bindings.find(u.id->name);
    if (b != nullptr) return b;
    b = lookupLexical(u, env->parent);
    if (env->function != nullptr &&
        (b->scope == Scope::kLocal || b->scope == Scope::kFree || b->scope == Scope::kCell)) {
      // Found in an enclosing function: capture it. The outer local becomes a cell.
      if (b->scope == Scope::kLocal) b->scope = Scope::kCell;
      size_t index = env->function->free_vars.size();
      env->function->free_vars.push_back(b);
      b = newBinding(Scope::kFree, index, b->first);
    }
    // Memoize, so that a closure captures each name once and failed lookups are not repeated.
    env->bindings.insert(u.id->name, b);
    return b;
  }

  void stmt(Stmt* s) {
    switch (s->kind) {
      case NodeKind::kExprStmt:
        expr(static_cast<ExprStmt*>(s)->x);
        break;

      case NodeKind::kBranchStmt: {
        auto* branch = static_cast<BranchStmt*>(s);
        if (loops_ == 0 && (branch->token == Token::kBreak || branch->token == Token::kContinue)) {
          error(s->pos, std::string(syntax::tokenString(branch->token)) + " not in a loop");
        }
        break;
      }

      case NodeKind::kIfStmt: {
        auto* if_stmt = static_cast<IfStmt*>(s);
        if (!options_.top_level_control && container()->function == nullptr) {
          error(s->pos, "if statement not within a function");
        }
        expr(if_stmt->cond);
        ifstmts_++;
        resolveStmts(if_stmt->then_body);
        resolveStmts(if_stmt->else_body);
        ifstmts_--;
        break;
      }

      case NodeKind::kAssignStmt: {
        auto* assign = static_cast<AssignStmt*>(s);
        expr(assign->rhs);
        assignTo(assign->lhs, assign->op != Token::kEq);
        break;
      }

      case NodeKind::kDefStmt: {
        auto* def = static_cast<DefStmt*>(s);
        bind(def->name);
        FunctionInfo& fn = def->function;
        fn.name = def->name->name;
        fn.pos = def->pos;
        fn.params = def->params;
        fn.body = def->body;
        function(&fn);
        break;
      }

      case NodeKind::kForStmt: {
        auto* for_stmt = static_cast<ForStmt*>(s);
        if (!options_.top_level_control && container()->function == nullptr) {
          error(s->pos, "for loop not within a function");
        }
        expr(for_stmt->x);
        assignTo(for_stmt->vars, false);
        loops_++;
        resolveStmts(for_stmt->body);
        loops_--;
        break;
      }

      case NodeKind::kWhileStmt: {
        auto* while_stmt = static_cast<WhileStmt*>(s);
        if (!options_.while_loops) error(s->pos, std::string(kDoesnt) + "support while loops");
        if (!options_.top_level_control && container()->function == nullptr) {
          error(s->pos, "while loop not within a function");
        }
        expr(while_stmt->cond);
        loops_++;
        resolveStmts(while_stmt->body);
        loops_--;
        break;
      }

      case NodeKind::kReturnStmt: {
        auto* ret = static_cast<ReturnStmt*>(s);
        if (container()->function == nullptr) {
          error(s->pos, "return statement not within a function");
        }
        if (ret->result != nullptr) expr(ret->result);
        break;
      }

      case NodeKind::kLoadStmt: {
        auto* load = static_cast<LoadStmt*>(s);
        // A load statement may not be nested in any other statement.
        if (container()->function != nullptr) {
          error(s->pos, "load statement within a function");
        } else if (loops_ > 0) {
          error(s->pos, "load statement within a loop");
        } else if (ifstmts_ > 0) {
          error(s->pos, "load statement within a conditional");
        }
        for (size_t i = 0; i < load->from.size(); ++i) {
          const Ident* from = load->from[i];
          if (from->name.empty()) {
            error(from->pos, "load: empty identifier");
            continue;
          }
          if (from->name[0] == '_') {
            error(from->pos, "load: names with leading underscores are not exported: " +
                                 std::string(from->name));
          }
          Ident* id = load->to[i];
          if (options_.load_binds_globally) {
            bind(id);
          } else if (bindLocal(id) && !options_.global_reassign) {
            // The previous declaration cannot be named: its binding may not be resolved yet.
            error(id->pos, "cannot reassign top-level " + std::string(id->name));
          }
        }
        break;
      }

      default:
        error(s->pos, "internal error: unexpected statement");
    }
  }

  void assignTo(Expr* lhs, bool augmented) {
    switch (lhs->kind) {
      case NodeKind::kIdent:
        bind(static_cast<Ident*>(lhs));
        break;
      case NodeKind::kIndexExpr: {
        auto* index = static_cast<IndexExpr*>(lhs);
        expr(index->x);
        expr(index->y);
        break;
      }
      case NodeKind::kDotExpr:
        expr(static_cast<DotExpr*>(lhs)->x);
        break;
      case NodeKind::kTupleExpr:
        if (augmented) {
          error(startPos(lhs), "can't use tuple expression in augmented assignment");
        }
        for (Expr* elem : static_cast<TupleExpr*>(lhs)->list) assignTo(elem, augmented);
        break;
      case NodeKind::kListExpr:
        if (augmented) error(startPos(lhs), "can't use list expression in augmented assignment");
        for (Expr* elem : static_cast<ListExpr*>(lhs)->list) assignTo(elem, augmented);
        break;
      case NodeKind::kParenExpr:
        assignTo(static_cast<ParenExpr*>(lhs)->x, augmented);
        break;
      default:
        error(startPos(lhs), "can't assign to " + std::string(nodeTypeName(lhs->kind)));
    }
  }

  void expr(Expr* e) {
    switch (e->kind) {
      case NodeKind::kIdent:
        use(static_cast<Ident*>(e));
        break;

      case NodeKind::kLiteral:
        break;

      case NodeKind::kListExpr:
        for (Expr* x : static_cast<ListExpr*>(e)->list) expr(x);
        break;

      case NodeKind::kCondExpr: {
        auto* cond = static_cast<CondExpr*>(e);
        expr(cond->cond);
        expr(cond->true_expr);
        expr(cond->false_expr);
        break;
      }

      case NodeKind::kIndexExpr: {
        auto* index = static_cast<IndexExpr*>(e);
        expr(index->x);
        expr(index->y);
        break;
      }

      case NodeKind::kDictEntry: {
        auto* entry = static_cast<DictEntry*>(e);
        expr(entry->key);
        expr(entry->value);
        break;
      }

      case NodeKind::kSliceExpr: {
        auto* slice = static_cast<SliceExpr*>(e);
        expr(slice->x);
        if (slice->lo != nullptr) expr(slice->lo);
        if (slice->hi != nullptr) expr(slice->hi);
        if (slice->step != nullptr) expr(slice->step);
        break;
      }

      case NodeKind::kComprehension:
        comprehension(static_cast<Comprehension*>(e));
        break;

      case NodeKind::kTupleExpr:
        for (Expr* x : static_cast<TupleExpr*>(e)->list) expr(x);
        break;

      case NodeKind::kDictExpr:
        for (DictEntry* entry : static_cast<DictExpr*>(e)->list) {
          expr(entry->key);
          expr(entry->value);
        }
        break;

      case NodeKind::kUnaryExpr: {
        auto* unary = static_cast<UnaryExpr*>(e);
        if (unary->x != nullptr) expr(unary->x);
        break;
      }

      case NodeKind::kBinaryExpr: {
        auto* binary = static_cast<BinaryExpr*>(e);
        expr(binary->x);
        expr(binary->y);
        break;
      }

      case NodeKind::kDotExpr:
        expr(static_cast<DotExpr*>(e)->x);
        break;

      case NodeKind::kCallExpr:
        call(static_cast<CallExpr*>(e));
        break;

      case NodeKind::kLambdaExpr: {
        auto* lambda = static_cast<LambdaExpr*>(e);
        FunctionInfo& fn = lambda->function;
        fn.name = "lambda";
        fn.pos = lambda->pos;
        fn.params = lambda->params;
        auto* ret = file_.arena.make<ReturnStmt>();
        ret->pos = startPos(lambda->body);
        ret->result = lambda->body;
        fn.body = file_.arena.makeArray<Stmt*>(1);
        fn.body[0] = ret;
        function(&fn);
        break;
      }

      case NodeKind::kParenExpr:
        expr(static_cast<ParenExpr*>(e)->x);
        break;

      default:
        error(e->pos, "internal error: unexpected expression");
    }
  }

  void comprehension(Comprehension* comp) {
    // The operand of the first clause (always a for) is resolved in the enclosing block:
    // consider [x for x in x].
    auto* first = static_cast<ForClause*>(comp->clauses.front());
    expr(first->x);

    // A comprehension is a new lexical block; its variables take slots in the enclosing
    // container (function or file).
    push(nullptr);
    assignTo(first->vars, false);
    for (size_t i = 1; i < comp->clauses.size(); ++i) {
      Node* clause = comp->clauses[i];
      if (clause->kind == NodeKind::kIfClause) {
        expr(static_cast<IfClause*>(clause)->cond);
      } else {
        auto* for_clause = static_cast<ForClause*>(clause);
        assignTo(for_clause->vars, false);
        expr(for_clause->x);
      }
    }
    expr(comp->body);
    pop();
  }

  void call(CallExpr* c) {
    expr(c->fn);
    bool seen_varargs = false;
    bool seen_kwargs = false;
    std::vector<std::string_view> seen_names;
    int num_positional = 0;
    int num_named = 0;
    for (Expr* arg : c->args) {
      Position pos = startPos(arg);
      if (arg->kind == NodeKind::kUnaryExpr &&
          static_cast<UnaryExpr*>(arg)->op == Token::kStarStar) {
        if (seen_kwargs) error(pos, "multiple **kwargs not allowed");
        seen_kwargs = true;
        expr(arg);
      } else if (arg->kind == NodeKind::kUnaryExpr &&
                 static_cast<UnaryExpr*>(arg)->op == Token::kStar) {
        if (seen_kwargs) {
          error(pos, "*args may not follow **kwargs");
        } else if (seen_varargs) {
          error(pos, "multiple *args not allowed");
        }
        seen_varargs = true;
        expr(arg);
      } else if (arg->kind == NodeKind::kBinaryExpr &&
                 static_cast<BinaryExpr*>(arg)->op == Token::kEq) {
        auto* binary = static_cast<BinaryExpr*>(arg);
        num_named++;
        if (seen_kwargs) {
          error(pos, "keyword argument may not follow **kwargs");
        } else if (seen_varargs) {
          error(pos, "keyword argument may not follow *args");
        }
        auto* name = static_cast<Ident*>(binary->x);
        if (std::find(seen_names.begin(), seen_names.end(), name->name) != seen_names.end()) {
          error(name->pos, "keyword argument " + std::string(name->name) + " repeated");
        } else {
          seen_names.push_back(name->name);
        }
        expr(binary->y);
      } else {
        num_positional++;
        if (seen_varargs) {
          error(pos, "positional argument may not follow *args");
        } else if (seen_kwargs) {
          error(pos, "positional argument may not follow **kwargs");
        } else if (!seen_names.empty()) {
          error(pos, "positional argument may not follow named");
        }
        expr(arg);
      }
    }
    // Limits imposed by go.starlark.net's compiler, kept for compatibility.
    if (num_positional >= 256) {
      error(startPos(c),
            std::to_string(num_positional) + " positional arguments in call, limit is 255");
    }
    if (num_named >= 256) {
      error(startPos(c), std::to_string(num_named) + " keyword arguments in call, limit is 255");
    }
  }

  void function(FunctionInfo* fn) {
    // Defaults are resolved in the enclosing block.
    for (Expr* param : fn->params) {
      if (param->kind == NodeKind::kBinaryExpr) expr(static_cast<BinaryExpr*>(param)->y);
    }

    Block* b = push(fn);

    bool seen_optional = false;
    UnaryExpr* star = nullptr;   // * or *args
    Ident* star_star = nullptr;  // **kwargs
    int num_kwonly = 0;
    for (Expr* param : fn->params) {
      switch (param->kind) {
        case NodeKind::kIdent: {
          auto* id = static_cast<Ident*>(param);
          if (star_star != nullptr) {
            error(id->pos, "required parameter may not follow **" + std::string(star_star->name));
          } else if (star != nullptr) {
            num_kwonly++;
          } else if (seen_optional) {
            error(id->pos, "required parameter may not follow optional");
          }
          if (bind(id)) error(id->pos, "duplicate parameter: " + std::string(id->name));
          break;
        }
        case NodeKind::kBinaryExpr: {
          auto* binary = static_cast<BinaryExpr*>(param);
          if (star_star != nullptr) {
            error(binary->pos,
                  "optional parameter may not follow **" + std::string(star_star->name));
          } else if (star != nullptr) {
            num_kwonly++;
          }
          auto* id = static_cast<Ident*>(binary->x);
          if (bind(id)) error(binary->pos, "duplicate parameter: " + std::string(id->name));
          seen_optional = true;
          break;
        }
        case NodeKind::kUnaryExpr: {
          auto* unary = static_cast<UnaryExpr*>(param);
          if (unary->op == Token::kStar) {
            if (star_star != nullptr) {
              error(unary->pos, "* parameter may not follow **" + std::string(star_star->name));
            } else if (star != nullptr) {
              error(unary->pos, "multiple * parameters not allowed");
            } else {
              star = unary;
            }
          } else {
            if (star_star != nullptr) error(unary->pos, "multiple ** parameters not allowed");
            star_star = static_cast<Ident*>(unary->x);
          }
          break;
        }
        default:
          break;
      }
    }

    // *args and **kwargs are bound last, so that the named parameters take contiguous slots
    // and a bare * leaves no hole.
    if (star != nullptr) {
      if (auto* id = static_cast<Ident*>(star->x)) {
        if (bind(id)) error(id->pos, "duplicate parameter: " + std::string(id->name));
        fn->has_varargs = true;
      } else if (num_kwonly == 0) {
        error(star->pos, "bare * must be followed by keyword-only parameters");
      }
    }
    if (star_star != nullptr) {
      if (bind(star_star))
        error(star_star->pos, "duplicate parameter: " + std::string(star_star->name));
      fn->has_kwargs = true;
    }
    fn->num_kwonly_params = num_kwonly;

    resolveStmts(fn->body);
    resolveLocalUses(b);
    pop();
    // Uses of globals and enclosing locals are resolved at the end of the file.
  }

  File& file_;
  const NamePredicate& is_predeclared_;
  const NamePredicate& is_universal_;
  const FileOptions& options_;

  std::deque<Block> blocks_;  // owns every block; deque keeps addresses stable
  Block* file_block_;
  Block* env_;

  std::vector<Binding*> module_locals_;
  std::vector<Binding*> module_globals_;
  NameMap globals_;
  NameMap predeclared_;  // predeclared and universal names seen so far

  int loops_ = 0;
  int ifstmts_ = 0;
  std::vector<ResolveError> errors_;
};

}  // namespace

Result<void> resolveFile(syntax::File& file, const NamePredicate& is_predeclared,
                         const NamePredicate& is_universal, const FileOptions& options) {
  Resolver r(file, is_predeclared, is_universal, options);
  r.resolveStmts(file.stmts);
  file.toplevel.body = file.stmts;
  return r.finish();
}

Result<void> resolveExpr(syntax::File& file, const NamePredicate& is_predeclared,
                         const NamePredicate& is_universal, const FileOptions& options) {
  if (file.stmts.size() != 1 || file.stmts[0]->kind != NodeKind::kExprStmt) {
    return makeError(file.path +
                     ": internal error: resolveExpr needs a file holding one expression");
  }
  Expr* x = static_cast<ExprStmt*>(file.stmts[0])->x;
  Resolver r(file, is_predeclared, is_universal, options);
  r.resolveExpr(x);
  auto* ret = file.arena.make<ReturnStmt>();
  ret->pos = startPos(x);
  ret->result = x;
  file.toplevel.body = file.arena.makeArray<Stmt*>(1);
  file.toplevel.body[0] = ret;
  return r.finish();
}

}  // namespace slant::starlark::resolve
