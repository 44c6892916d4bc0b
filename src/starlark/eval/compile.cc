// Compiling a resolved syntax tree into the interpreter's nodes (code.h).
//
// This is a single walk over the tree. It does what go.starlark.net's internal/compile does
// besides emitting bytecode: it decides, once, how each identifier is reached (slot, cell, free
// variable, global, or a constant for predeclared and universal names), turns literals into
// Values, splits call arguments into positional, named, *args and **kwargs, recognises x.f(...)
// as a method call, and records for each function which locals must be boxed in cells and how
// each closure captures its free variables. Positions are chosen as the Go compiler chooses
// them (the '(' of a call, the '[' of an index, the operator of a binary expression, the `for`
// of a loop), because error messages and backtraces report them.
#include <atomic>
#include <unordered_map>

#include "starlark/eval/code.h"

namespace slant::starlark::eval {

namespace {

using syntax::AssignStmt;
using syntax::BinaryExpr;
using syntax::Binding;
using syntax::BranchStmt;
using syntax::CallExpr;
using syntax::Comprehension;
using syntax::CondExpr;
using syntax::DefStmt;
using syntax::DictExpr;
using syntax::DotExpr;
using syntax::Expr;
using syntax::ExprStmt;
using syntax::ForClause;
using syntax::ForStmt;
using syntax::FunctionInfo;
using syntax::Ident;
using syntax::IfClause;
using syntax::IfStmt;
using syntax::IndexExpr;
using syntax::LambdaExpr;
using syntax::ListExpr;
using syntax::Literal;
using syntax::LoadStmt;
using syntax::NodeKind;
using syntax::ParenExpr;
using syntax::ReturnStmt;
using syntax::Scope;
using syntax::SliceExpr;
using syntax::Stmt;
using syntax::TupleExpr;
using syntax::UnaryExpr;
using syntax::WhileStmt;

const Expr* unparen(const Expr* e) {
  while (e->kind == NodeKind::kParenExpr) e = static_cast<const ParenExpr*>(e)->x;
  return e;
}

class Compiler {
 public:
  Compiler(Program& prog, const StringDict& predeclared, const FileOptions& options)
      : prog_(prog), predeclared_(predeclared), options_(options) {}

  FuncCode* function(const FunctionInfo& fi) {
    static std::atomic<uint64_t> next_id{1};
    FuncCode& code = prog_.functions.emplace_back();
    code.id = next_id.fetch_add(1, std::memory_order_relaxed);
    code.program = &prog_;
    code.name = fi.name;
    code.pos = fi.pos;
    code.num_locals = static_cast<int32_t>(fi.locals.size());
    code.local_names = prog_.array<const std::string_view*>(fi.locals.size());
    size_t num_cells = 0;
    for (size_t i = 0; i < fi.locals.size(); ++i) {
      const Binding* b = fi.locals[i];
      code.local_names[i] = b->first != nullptr ? &b->first->name : &kUnknown;
      if (b->scope == Scope::kCell) ++num_cells;
    }
    code.cells = prog_.array<int32_t>(num_cells);
    for (size_t i = 0, cell = 0; i < fi.locals.size(); ++i) {
      if (fi.locals[i]->scope == Scope::kCell) code.cells[cell++] = static_cast<int32_t>(i);
    }
    code.free_names = prog_.array<const std::string_view*>(fi.free_vars.size());
    for (size_t i = 0; i < fi.free_vars.size(); ++i) {
      const Binding* b = fi.free_vars[i];
      code.free_names[i] = b->first != nullptr ? &b->first->name : &kUnknown;
    }
    code.num_params = static_cast<int32_t>(fi.params.size());
    if (fi.num_kwonly_params > 0 && !fi.has_varargs) code.num_params--;  // bare *
    code.num_kwonly = fi.num_kwonly_params;
    code.has_varargs = fi.has_varargs;
    code.has_kwargs = fi.has_kwargs;
    code.recursion = options_.recursion;
    stmts(fi.body, code.body);
    return &code;
  }

 private:
  static constexpr std::string_view kUnknown = "?";

  template <class T, class... A>
  T* make(A&&... args) {
    return prog_.make<T>(std::forward<A>(args)...);
  }

  Node* constant(Position pos, Value v) {
    auto* c = make<ConstNode>(pos, std::move(v));
    prog_.constants.push_back(c);
    return c;
  }

  // A tuple display whose elements are all frozen constants, `("dict", "list")`, is itself a
  // constant: made once here, not on every evaluation. (Starlark cannot tell two equal tuples
  // apart, and the tuple is as immutable as its elements.)
  Node* foldTuple(SeqNode* n) {
    ValueVector elems;
    elems.reserve(n->elems.size());
    for (const Node* x : n->elems) {
      if (x->op != Op::kConst) return n;
      const Value& v = static_cast<const ConstNode*>(x)->value;
      if (!isFrozen(v)) return n;
      elems.push_back(v);
    }
    Value t = starlark::make<Tuple>(std::move(elems));
    freeze(t);
    return constant(n->pos, std::move(t));
  }

  // A statement may compile to nothing (pass, a doc string): the block's nodes wait on
  // pending_, a stack shared by the nested blocks, until the block's length is known.
  void stmts(std::span<Stmt* const> in, Block& out) {
    size_t base = pending_.size();
    for (const Stmt* s : in) {
      if (Node* n = stmt(s)) pending_.push_back(n);
    }
    out = prog_.nodes.copyArray(std::span<Node* const>(pending_).subspan(base));
    pending_.resize(base);
  }

  // The nodes of `list`, compiled with `compile` (expr or a target), as an arena array.
  template <class F>
  std::span<Node*> nodes(std::span<Expr* const> list, F&& compile) {
    std::span<Node*> out = prog_.array<Node*>(list.size());
    for (size_t i = 0; i < list.size(); ++i) out[i] = compile(list[i]);
    return out;
  }

  Node* stmt(const Stmt* s) {
    switch (s->kind) {
      case NodeKind::kExprStmt: {
        auto* e = static_cast<const ExprStmt*>(s);
        if (e->x->kind == NodeKind::kLiteral) return nullptr;  // a doc string
        return make<ExprStmtNode>(s->pos, expr(e->x));
      }
      case NodeKind::kBranchStmt: {
        auto* b = static_cast<const BranchStmt*>(s);
        if (b->token == Token::kBreak) return make<Node>(Op::kBreak, s->pos);
        if (b->token == Token::kContinue) return make<Node>(Op::kContinue, s->pos);
        return nullptr;  // pass
      }
      case NodeKind::kIfStmt: {
        auto* i = static_cast<const IfStmt*>(s);
        auto* n = make<IfNode>(s->pos, expr(i->cond));
        stmts(i->then_body, n->then_body);
        stmts(i->else_body, n->else_body);
        return n;
      }
      case NodeKind::kAssignStmt: {
        auto* a = static_cast<const AssignStmt*>(s);
        if (a->op == Token::kEq) {
          Node* rhs = expr(a->rhs);
          return make<AssignNode>(Op::kAssign, a->pos, Token::kEq, target(a->lhs, a->pos), rhs);
        }
        Node* lhs = target(unparen(a->lhs), a->pos);
        return make<AssignNode>(Op::kAugAssign, a->pos, syntax::augmentedBase(a->op), lhs,
                                expr(a->rhs));
      }
      case NodeKind::kDefStmt: {
        auto* d = static_cast<const DefStmt*>(s);
        Node* fn = functionNode(d->function);
        return make<AssignNode>(Op::kAssign, d->pos, Token::kEq, target(d->name, d->pos), fn);
      }
      case NodeKind::kForStmt: {
        auto* f = static_cast<const ForStmt*>(s);
        Node* x = expr(f->x);
        auto* n = make<ForNode>(f->pos, target(f->vars, f->pos), x);
        stmts(f->body, n->body);
        return n;
      }
      case NodeKind::kWhileStmt: {
        auto* w = static_cast<const WhileStmt*>(s);
        auto* n = make<WhileNode>(w->pos, expr(w->cond));
        stmts(w->body, n->body);
        return n;
      }
      case NodeKind::kReturnStmt: {
        auto* r = static_cast<const ReturnStmt*>(s);
        return make<ReturnNode>(r->pos, r->result != nullptr ? expr(r->result) : nullptr);
      }
      case NodeKind::kLoadStmt: {
        auto* l = static_cast<const LoadStmt*>(s);
        auto* n = make<LoadNode>(l->pos);
        n->module = l->module->string_value;
        n->from = prog_.array<std::string_view>(l->from.size());
        n->to = prog_.array<Node*>(l->from.size());
        for (size_t i = 0; i < l->from.size(); ++i) {
          n->from[i] = l->from[i]->name;
          n->to[i] = target(l->to[i], l->pos);
        }
        return n;
      }
      default:
        return nullptr;
    }
  }

  // The node that stores into an assignment target. `pos` is where unpacking errors are
  // reported (the '=' of an assignment, the `for` of a loop).
  Node* target(const Expr* e, Position pos) {
    switch (e->kind) {
      case NodeKind::kParenExpr:
        return target(static_cast<const ParenExpr*>(e)->x, pos);
      case NodeKind::kIdent:
        return ident(static_cast<const Ident*>(e));
      case NodeKind::kTupleExpr:
      case NodeKind::kListExpr: {
        auto* n = make<SeqNode>(Op::kUnpack, pos);
        const auto& list = e->kind == NodeKind::kTupleExpr ? static_cast<const TupleExpr*>(e)->list
                                                           : static_cast<const ListExpr*>(e)->list;
        n->elems = nodes(list, [&](const Expr* x) { return target(x, pos); });
        return n;
      }
      case NodeKind::kIndexExpr:
      case NodeKind::kDotExpr:
        return expr(e);
      default:
        // The resolver rejects every other target.
        return constant(e->pos, Value());
    }
  }

  Node* ident(const Ident* id) {
    const Binding* b = id->binding;
    Scope scope = b != nullptr ? b->scope : Scope::kUndefined;
    switch (scope) {
      case Scope::kLocal:
        return make<VarNode>(Op::kLocal, id->pos, b->index, &id->name);
      case Scope::kCell:
        return make<VarNode>(Op::kLocalCell, id->pos, b->index, &id->name);
      case Scope::kFree:
        return make<VarNode>(Op::kFree, id->pos, b->index, &id->name);
      case Scope::kGlobal:
        return make<VarNode>(Op::kGlobal, id->pos, b->index, &id->name);
      case Scope::kPredeclared: {
        auto it = predeclared_.find(id->name);
        return constant(id->pos, it != predeclared_.end() ? it->second : Value());
      }
      case Scope::kUniversal: {
        const Value* v = universeLookup(id->name);
        return constant(id->pos, v != nullptr ? *v : Value());
      }
      case Scope::kUndefined:
        break;
    }
    return constant(id->pos, Value());
  }

  Node* literal(const Literal* lit) {
    switch (lit->token) {
      case Token::kInt:
        return constant(lit->pos, lit->is_big_int ? makeIntFromDecimal(lit->string_value)
                                                  : Value::smallInt(lit->int_value));
      case Token::kFloat:
        return constant(lit->pos, Value::floating(lit->float_value));
      default: {
        auto [it, added] = strings_.try_emplace(lit->string_value);
        if (added) it->second = makeString(std::string(lit->string_value));
        return constant(lit->pos, it->second);
      }
    }
  }

  Node* expr(const Expr* e) {
    switch (e->kind) {
      case NodeKind::kParenExpr:
        return expr(static_cast<const ParenExpr*>(e)->x);
      case NodeKind::kIdent:
        return ident(static_cast<const Ident*>(e));
      case NodeKind::kLiteral:
        return literal(static_cast<const Literal*>(e));
      case NodeKind::kListExpr:
      case NodeKind::kTupleExpr: {
        bool list = e->kind == NodeKind::kListExpr;
        auto* n = make<SeqNode>(list ? Op::kList : Op::kTuple, e->pos);
        const auto& elems =
            list ? static_cast<const ListExpr*>(e)->list : static_cast<const TupleExpr*>(e)->list;
        n->elems = nodes(elems, [&](const Expr* x) { return expr(x); });
        if (!list) return foldTuple(n);
        return n;
      }
      case NodeKind::kDictExpr: {
        auto* d = static_cast<const DictExpr*>(e);
        auto* n = make<DictNode>(e->pos);
        n->entries = prog_.array<DictNode::Entry>(d->list.size());
        for (size_t i = 0; i < d->list.size(); ++i) {
          const syntax::DictEntry* entry = d->list[i];
          Node* key = expr(entry->key);
          n->entries[i] = {key, expr(entry->value), entry->colon};
        }
        return n;
      }
      case NodeKind::kCondExpr: {
        auto* c = static_cast<const CondExpr*>(e);
        return make<CondNode>(e->pos, expr(c->cond), expr(c->true_expr), expr(c->false_expr));
      }
      case NodeKind::kIndexExpr: {
        auto* i = static_cast<const IndexExpr*>(e);
        return make<IndexNode>(i->lbrack, expr(i->x), expr(i->y));
      }
      case NodeKind::kSliceExpr: {
        auto* s = static_cast<const SliceExpr*>(e);
        auto* n = make<SliceNode>(s->lbrack, expr(s->x));
        if (s->lo != nullptr) n->lo = expr(s->lo);
        if (s->hi != nullptr) n->hi = expr(s->hi);
        if (s->step != nullptr) n->step = expr(s->step);
        return n;
      }
      case NodeKind::kDotExpr: {
        auto* d = static_cast<const DotExpr*>(e);
        return make<DotNode>(d->dot, expr(d->x), d->name->name);
      }
      case NodeKind::kCallExpr:
        return call(static_cast<const CallExpr*>(e));
      case NodeKind::kComprehension:
        return comprehension(static_cast<const Comprehension*>(e));
      case NodeKind::kUnaryExpr: {
        auto* u = static_cast<const UnaryExpr*>(e);
        Node* x = expr(u->x);
        if (u->op == Token::kNot) return make<UnaryNode>(Op::kNot, u->pos, u->op, x);
        return make<UnaryNode>(Op::kUnary, u->pos, u->op, x);
      }
      case NodeKind::kBinaryExpr: {
        auto* b = static_cast<const BinaryExpr*>(e);
        Node* x = expr(b->x);
        Node* y = expr(b->y);
        Op op = b->op == Token::kAnd ? Op::kAnd : b->op == Token::kOr ? Op::kOr : Op::kBinary;
        return make<BinaryNode>(op, b->pos, b->op, x, y);
      }
      case NodeKind::kLambdaExpr:
        return functionNode(static_cast<const LambdaExpr*>(e)->function);
      default:
        return constant(e->pos, Value());
    }
  }

  Node* call(const CallExpr* c) {
    const Expr* fn = unparen(c->fn);
    CallNode* n;
    if (fn->kind == NodeKind::kDotExpr) {
      auto* d = static_cast<const DotExpr*>(fn);
      n = make<CallNode>(Op::kMethodCall, c->lparen);
      n->fn = expr(d->x);
      n->name = d->name->name;
      n->dot = d->dot;
    } else {
      n = make<CallNode>(Op::kCall, c->lparen);
      n->fn = expr(fn);
    }
    auto kind = [](const Expr* arg) {
      if (arg->kind == NodeKind::kBinaryExpr &&
          static_cast<const BinaryExpr*>(arg)->op == Token::kEq) {
        return Token::kEq;
      }
      if (arg->kind == NodeKind::kUnaryExpr) {
        Token op = static_cast<const UnaryExpr*>(arg)->op;
        if (op == Token::kStar || op == Token::kStarStar) return op;
      }
      return Token::kIllegal;  // positional
    };
    size_t num_positional = 0, num_named = 0;
    for (const Expr* arg : c->args) {
      Token k = kind(arg);
      num_positional += k == Token::kIllegal;
      num_named += k == Token::kEq;
    }
    n->args = prog_.array<Node*>(num_positional);
    n->kw_names = prog_.array<std::string_view>(num_named);
    n->kw_values = prog_.array<Node*>(num_named);
    n->kw_slots = prog_.array<uint32_t>(num_named);
    size_t positional = 0, named = 0;
    for (const Expr* arg : c->args) {
      switch (kind(arg)) {
        case Token::kEq: {
          auto* b = static_cast<const BinaryExpr*>(arg);
          n->kw_names[named] = static_cast<const Ident*>(b->x)->name;
          n->kw_values[named++] = expr(b->y);
          break;
        }
        case Token::kStar:
          n->varargs = expr(static_cast<const UnaryExpr*>(arg)->x);
          break;
        case Token::kStarStar:
          n->kwargs = expr(static_cast<const UnaryExpr*>(arg)->x);
          break;
        default:
          n->args[positional++] = expr(arg);
          break;
      }
    }
    return n;
  }

  Node* comprehension(const Comprehension* c) {
    auto* n = make<CompNode>(c->pos);
    n->curly = c->curly;
    n->clauses = prog_.array<CompNode::Clause>(c->clauses.size());
    for (size_t i = 0; i < c->clauses.size(); ++i) {
      const syntax::Node* clause = c->clauses[i];
      CompNode::Clause& out = n->clauses[i];
      if (clause->kind == NodeKind::kForClause) {
        auto* f = static_cast<const ForClause*>(clause);
        out.x = expr(f->x);
        out.target = target(f->vars, f->pos);
        out.pos = f->pos;
      } else {
        auto* i = static_cast<const IfClause*>(clause);
        out.x = expr(i->cond);
        out.pos = i->pos;
      }
    }
    if (c->curly) {
      auto* entry = static_cast<const syntax::DictEntry*>(c->body);
      n->body = expr(entry->key);
      n->value = expr(entry->value);
      n->colon = entry->colon;
    } else {
      n->body = expr(c->body);
    }
    return n;
  }

  Node* functionNode(const FunctionInfo& fi) {
    FuncCode* code = function(fi);
    auto* n = make<FuncNode>(fi.pos, code);
    // A default for each parameter with one, and a null for each mandatory keyword-only one
    // (a plain name after * or *args).
    auto hasDefault = [](const Expr* param, bool seen_star) {
      return param->kind == NodeKind::kBinaryExpr || (seen_star && param->kind == NodeKind::kIdent);
    };
    size_t num_defaults = 0;
    bool seen_star = false;
    for (const Expr* param : fi.params) {
      seen_star |= param->kind == NodeKind::kUnaryExpr;
      num_defaults += hasDefault(param, seen_star);
    }
    n->defaults = prog_.array<Node*>(num_defaults);
    seen_star = false;
    size_t d = 0;
    for (const Expr* param : fi.params) {
      seen_star |= param->kind == NodeKind::kUnaryExpr;
      if (!hasDefault(param, seen_star)) continue;
      if (param->kind == NodeKind::kBinaryExpr) {
        n->defaults[d] = expr(static_cast<const BinaryExpr*>(param)->y);
      }
      ++d;
    }
    n->captures = prog_.array<FuncNode::Capture>(fi.free_vars.size());
    for (size_t i = 0; i < fi.free_vars.size(); ++i) {
      const Binding* b = fi.free_vars[i];
      n->captures[i] = {b->scope != Scope::kFree, b->index};
    }
    return n;
  }

  Program& prog_;
  const StringDict& predeclared_;
  const FileOptions& options_;
  // One Value per distinct string literal; the keys are the literals' own strings.
  std::unordered_map<std::string_view, Value> strings_;
  std::vector<Node*> pending_;  // see stmts()
};

}  // namespace

std::unique_ptr<Program> compileProgram(std::unique_ptr<syntax::File> file,
                                        const StringDict& predeclared, const FileOptions& options) {
  auto prog = std::make_unique<Program>();
  prog->file = std::move(file);
  Compiler c(*prog, predeclared, options);
  prog->toplevel = c.function(prog->file->toplevel);
  for (const Binding* b : prog->file->module.globals) prog->global_names.push_back(&b->first->name);
  return prog;
}

const Value* universeLookup(std::string_view name) {
  static const auto* table = [] {
    auto* m = new std::unordered_map<std::string_view, const Value*>();
    for (const auto& [n, v] : universe()) m->emplace(n, &v);
    return m;
  }();
  auto it = table->find(name);
  return it == table->end() ? nullptr : it->second;
}

}  // namespace slant::starlark::eval
