// The Starlark syntax tree.
//
// The shapes follow go.starlark.net's syntax package (syntax.go) node for node, so that its
// parser, resolver and evaluator can be read side by side with ours. Differences:
//  - nodes are bump-allocated in an AstArena owned by the parsed File and are never freed one
//    by one; children are plain pointers into that arena, and lists of children (Go's slices)
//    are arrays in it (std::span), sized once the parser has seen the whole list;
//  - every node carries a `kind` so that the evaluator can switch on it without RTTI;
//  - the resolver's annotations (Binding, FunctionInfo, ModuleInfo) live in this header too, as
//    plain fields the resolver fills in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "starlark/arena.h"
#include "starlark/syntax/token.h"

namespace slant::starlark::syntax {

/// A position in a source file: 1-based line and column; 0 means unknown. As in go.starlark.net,
/// the column counts UTF-8 code points (it equals the byte column on ASCII lines).
struct Position {
  const std::string* file = nullptr;  ///< points at File::path, which outlives every node
  int32_t line = 0;
  int32_t col = 0;

  /// Returns "file:line:col" (or as much of it as is known).
  std::string str() const;
};

enum class NodeKind : uint8_t {
  // statements
  kAssignStmt,
  kBranchStmt,
  kDefStmt,
  kExprStmt,
  kForStmt,
  kWhileStmt,
  kIfStmt,
  kLoadStmt,
  kReturnStmt,
  // expressions
  kBinaryExpr,
  kCallExpr,
  kComprehension,
  kCondExpr,
  kDictEntry,
  kDictExpr,
  kDotExpr,
  kIdent,
  kIndexExpr,
  kLambdaExpr,
  kListExpr,
  kLiteral,
  kParenExpr,
  kSliceExpr,
  kTupleExpr,
  kUnaryExpr,
  // comprehension clauses
  kForClause,
  kIfClause,
};

/// Base of every node.
struct Node {
  explicit Node(NodeKind k) : kind(k) {}
  NodeKind kind;
  Position pos;  ///< start of the node (for a BinaryExpr, the operator; see go.starlark.net)
};

struct Expr : Node {
  using Node::Node;
};
struct Stmt : Node {
  using Node::Node;
};

// ---- resolver annotations ------------------------------------------------------------------

/// The kind of scope a name was resolved to (go.starlark.net resolve.Scope).
enum class Scope : uint8_t { kUndefined, kLocal, kCell, kFree, kGlobal, kPredeclared, kUniversal };

struct Ident;

/// Ties together all identifiers that denote the same variable.
struct Binding {
  Scope scope = Scope::kUndefined;
  /// Index into FunctionInfo::locals (kLocal/kCell), FunctionInfo::free_vars (kFree) or
  /// ModuleInfo::globals (kGlobal); 0 otherwise.
  int32_t index = 0;
  Ident* first = nullptr;  ///< first binding occurrence (kLocal, kCell, kFree, kGlobal)
};

/// What the resolver records about a def, a lambda, or a file's top level.
struct FunctionInfo {
  Position pos;                     ///< of `def` or `lambda`
  std::string name;                 ///< def's name, "lambda", or "<toplevel>"
  std::span<Expr*> params;          ///< Ident | BinaryExpr(EQ: Ident=default) | UnaryExpr(STAR
                                    ///< [Ident]) | UnaryExpr(STARSTAR Ident)
  std::span<Stmt*> body;            ///< for a lambda, a synthetic ReturnStmt
  bool has_varargs = false;         ///< params include *args
  bool has_kwargs = false;          ///< params include **kwargs
  int32_t num_kwonly_params = 0;    ///< keyword-only parameters (after * or *args)
  std::vector<Binding*> locals;     ///< locals and cells, parameters first
  std::vector<Binding*> free_vars;  ///< enclosing cells captured by this closure
};

/// What the resolver records about a whole file.
struct ModuleInfo {
  std::vector<Binding*> locals;   ///< the file's comprehension-local (and top-level-loop) locals
  std::vector<Binding*> globals;  ///< the file's global variables, in order of first binding
};

// ---- expressions ---------------------------------------------------------------------------

struct Ident : Expr {
  Ident() : Expr(NodeKind::kIdent) {}
  std::string_view name;       ///< into File::source, or a load's Literal::string_value
  Binding* binding = nullptr;  ///< set by the resolver
};

/// A literal: INT (small or big), FLOAT or STRING.
struct Literal : Expr {
  Literal() : Expr(NodeKind::kLiteral) {}
  Token token = Token::kIllegal;  ///< kInt, kFloat or kString
  std::string_view raw;           ///< source text (a view into File::source)
  // Decoded value: exactly one of these is meaningful, chosen by `token` (and `is_big_int`).
  int64_t int_value = 0;
  bool is_big_int = false;  ///< the INT does not fit int64; digits are in `string_value`
                            ///< as a decimal string
  double float_value = 0;
  std::string_view string_value;  ///< for kString: the decoded bytes (in the File's arena)
};

struct ParenExpr : Expr {
  ParenExpr() : Expr(NodeKind::kParenExpr) {}
  Expr* x = nullptr;
  Position rparen;
};

/// An argument is an Expr, BinaryExpr(EQ: Ident=value) for a keyword argument, or
/// UnaryExpr(STAR|STARSTAR, x) for *args / **kwargs.
struct CallExpr : Expr {
  CallExpr() : Expr(NodeKind::kCallExpr) {}
  Expr* fn = nullptr;
  Position lparen;
  std::span<Expr*> args;
  Position rparen;
};

struct DotExpr : Expr {
  DotExpr() : Expr(NodeKind::kDotExpr) {}
  Expr* x = nullptr;
  Position dot;
  Ident* name = nullptr;
  Position name_pos;
};

/// [body for x in y if cond] or {k: v for ...}; clauses are ForClause / IfClause.
struct Comprehension : Expr {
  Comprehension() : Expr(NodeKind::kComprehension) {}
  bool curly = false;    ///< {x:y for ...} or {x for ...}, versus [x for ...]
  Expr* body = nullptr;  ///< for a dict comprehension, a DictEntry
  std::span<Node*> clauses;
  Position rbrack;
};

struct ForClause : Node {
  ForClause() : Node(NodeKind::kForClause) {}
  Expr* vars = nullptr;  ///< name, or tuple/list of names
  Position in;
  Expr* x = nullptr;
};

struct IfClause : Node {
  IfClause() : Node(NodeKind::kIfClause) {}
  Expr* cond = nullptr;
};

struct DictEntry : Expr {
  DictEntry() : Expr(NodeKind::kDictEntry) {}
  Expr* key = nullptr;
  Position colon;
  Expr* value = nullptr;
};

struct DictExpr : Expr {
  DictExpr() : Expr(NodeKind::kDictExpr) {}
  std::span<DictEntry*> list;
  Position rbrace;
};

struct LambdaExpr : Expr {
  LambdaExpr() : Expr(NodeKind::kLambdaExpr) {}
  std::span<Expr*> params;  ///< as FunctionInfo::params
  Expr* body = nullptr;
  FunctionInfo function;  ///< set by the resolver (params/body copied, body wrapped in return)
};

struct ListExpr : Expr {
  ListExpr() : Expr(NodeKind::kListExpr) {}
  std::span<Expr*> list;
  Position rbrack;
};

struct CondExpr : Expr {
  CondExpr() : Expr(NodeKind::kCondExpr) {}
  Expr* cond = nullptr;
  Expr* true_expr = nullptr;
  Position else_pos;
  Expr* false_expr = nullptr;
};

/// A tuple, with or without parentheses (pos is the lparen, or the first element).
struct TupleExpr : Expr {
  TupleExpr() : Expr(NodeKind::kTupleExpr) {}
  bool parenthesized = false;
  std::span<Expr*> list;
  Position rparen;
};

/// -x, +x, ~x, not x; also *x and **x in call arguments and parameters (x may be null for a bare
/// `*` parameter).
struct UnaryExpr : Expr {
  UnaryExpr() : Expr(NodeKind::kUnaryExpr) {}
  Token op = Token::kIllegal;
  Expr* x = nullptr;
};

/// x op y. Also `name=value` (op kEq) in call arguments and parameter defaults.
struct BinaryExpr : Expr {
  BinaryExpr() : Expr(NodeKind::kBinaryExpr) {}
  Expr* x = nullptr;
  Token op = Token::kIllegal;  ///< pos is the operator's position
  Expr* y = nullptr;
};

struct SliceExpr : Expr {
  SliceExpr() : Expr(NodeKind::kSliceExpr) {}
  Expr* x = nullptr;
  Position lbrack;
  Expr* lo = nullptr;  ///< each of lo, hi, step may be null
  Expr* hi = nullptr;
  Expr* step = nullptr;
  Position rbrack;
};

struct IndexExpr : Expr {
  IndexExpr() : Expr(NodeKind::kIndexExpr) {}
  Expr* x = nullptr;
  Position lbrack;
  Expr* y = nullptr;
  Position rbrack;
};

// ---- statements ----------------------------------------------------------------------------

/// lhs = rhs, or lhs op= rhs (op is kEq or an augmented operator such as kPlusEq).
struct AssignStmt : Stmt {
  AssignStmt() : Stmt(NodeKind::kAssignStmt) {}
  Token op = Token::kEq;  ///< pos is the operator's position
  Expr* lhs = nullptr;
  Expr* rhs = nullptr;
};

/// break, continue or pass.
struct BranchStmt : Stmt {
  BranchStmt() : Stmt(NodeKind::kBranchStmt) {}
  Token token = Token::kPass;
};

struct DefStmt : Stmt {
  DefStmt() : Stmt(NodeKind::kDefStmt) {}
  Ident* name = nullptr;
  std::span<Expr*> params;
  std::span<Stmt*> body;
  FunctionInfo function;  ///< set by the resolver
};

struct ExprStmt : Stmt {
  ExprStmt() : Stmt(NodeKind::kExprStmt) {}
  Expr* x = nullptr;
};

struct IfStmt : Stmt {
  IfStmt() : Stmt(NodeKind::kIfStmt) {}
  Expr* cond = nullptr;
  std::span<Stmt*> then_body;
  Position else_pos;             ///< of `else` or `elif`, or unknown
  std::span<Stmt*> else_body;  ///< an `elif` is an else_body holding one IfStmt
};

/// load(module, "a", b="c"): `from` are the names in the module, `to` the local names.
struct LoadStmt : Stmt {
  LoadStmt() : Stmt(NodeKind::kLoadStmt) {}
  Literal* module = nullptr;  ///< a STRING literal
  std::span<Ident*> from;   ///< name in the loaded module (pos of its string literal)
  std::span<Ident*> to;     ///< name bound in this file
  Position rparen;
};

struct ReturnStmt : Stmt {
  ReturnStmt() : Stmt(NodeKind::kReturnStmt) {}
  Expr* result = nullptr;  ///< may be null
};

struct ForStmt : Stmt {
  ForStmt() : Stmt(NodeKind::kForStmt) {}
  Expr* vars = nullptr;
  Expr* x = nullptr;
  std::span<Stmt*> body;
};

struct WhileStmt : Stmt {
  WhileStmt() : Stmt(NodeKind::kWhileStmt) {}
  Expr* cond = nullptr;
  std::span<Stmt*> body;
};

/// Returns where the node's source text begins (go.starlark.net's syntax.Start): the left operand
/// for a BinaryExpr or an AssignStmt, whose `pos` is the operator; `pos` for every other node.
Position startPos(const Node* n);

// ---- files ---------------------------------------------------------------------------------

/// Owns every node of one parsed file, and the resolver's bindings (see starlark/arena.h).
using AstArena = Arena<Node>;

/// A parsed (and, once resolved, annotated) source file. Not copyable: nodes point into it.
struct File {
  std::string path;    ///< as given to the parser; Position::file points here
  std::string source;  ///< the text parsed; Literal::raw points into it
  std::span<Stmt*> stmts;
  AstArena arena;
  ModuleInfo module;      ///< set by the resolver
  FunctionInfo toplevel;  ///< set by the resolver: locals of the top level (name "<toplevel>")

  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
};

}  // namespace slant::starlark::syntax
