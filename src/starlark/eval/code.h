// The evaluator's program representation: a compact tree compiled from the resolved syntax tree.
//
// The resolver leaves every identifier bound to a scope and a slot; compiling turns that into
// nodes the interpreter can run without looking anything up: a local is a slot index, a global
// an index into the module's vector, a predeclared or universal name a constant holding its
// value, a literal a constant holding a ready-made Value (a string literal is allocated once,
// not on every evaluation), x.f(...) a method-call node, and def/lambda a node carrying the
// function's code and how to capture its free variables.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/arena.h"
#include "starlark/starlark.h"
#include "starlark/syntax/ast.h"
#include "starlark/value.h"

namespace slant::starlark::eval {

using syntax::Position;
using syntax::Token;

/// What a node does; expressions, statements and assignment targets share one enum so the
/// interpreter switches once.
enum class Op : uint8_t {
  // expressions
  kConst,          ///< ConstNode
  kLocal,          ///< VarNode: frame slot
  kLocalCell,      ///< VarNode: frame slot holding a Cell
  kFree,           ///< VarNode: the function's free-variable cell
  kGlobal,         ///< VarNode: module global
  kNot,            ///< UnaryNode
  kUnary,          ///< UnaryNode (-x, +x, ~x)
  kBinary,         ///< BinaryNode (every strict binary operator, comparisons included)
  kAnd,            ///< BinaryNode
  kOr,             ///< BinaryNode
  kCond,           ///< CondNode
  kIndex,          ///< IndexNode
  kSlice,          ///< SliceNode
  kDot,            ///< DotNode
  kCall,           ///< CallNode
  kMethodCall,     ///< CallNode with a receiver and a method name
  kList,           ///< SeqNode
  kTuple,          ///< SeqNode
  kDict,           ///< DictNode
  kComprehension,  ///< CompNode
  kFunction,       ///< FuncNode (def or lambda)
  // assignment targets besides kLocal, kLocalCell, kGlobal, kIndex, kDot
  kUnpack,  ///< SeqNode of targets
  // statements
  kExprStmt,   ///< ExprStmtNode
  kAssign,     ///< AssignNode
  kAugAssign,  ///< AssignNode with a binary operator
  kIf,         ///< IfNode
  kFor,        ///< ForNode
  kWhile,      ///< WhileNode
  kBreak,      ///< Node
  kContinue,   ///< Node
  kReturn,     ///< ReturnNode
  kLoad,       ///< LoadNode
};

struct Frame;
struct Node;

/// How control leaves a statement. kError means the frame's `error` holds the error.
enum class Flow : uint8_t { kNormal, kBreak, kContinue, kReturn, kError };

/// The interpreter's entry points for a node (set by linkProgram in interp.cc): the value of an
/// expression (stored in `out`; false on error, which the frame's `error` then holds), the
/// execution of a statement, the store into an assignment target.
using EvalFn = bool (*)(Frame& fr, const Node* n, Value& out);
using ExecFn = Flow (*)(Frame& fr, const Node* n);
using StoreFn = Flow (*)(Frame& fr, const Node* n, Value&& v);

/// Base of every compiled node. `pos` is where a failure of this node is reported. Nodes live
/// in the Program's arena, which runs the destructor of each node type that has one; their
/// lists of children are arrays in the same arena (std::span), so most nodes need none.
struct Node {
  Node(Op o, Position p) : op(o), pos(p) {}
  Op op;
  Position pos;
  EvalFn eval_fn = nullptr;
  ExecFn exec_fn = nullptr;
  StoreFn store_fn = nullptr;
};

using Block = std::span<Node*>;

struct ConstNode : Node {
  ConstNode(Position p, Value v) : Node(Op::kConst, p), value(std::move(v)) {}
  Value value;
};

/// A variable: a local slot, a cell slot, a free variable or a global, by index.
struct VarNode : Node {
  VarNode(Op o, Position p, int32_t i, const std::string_view* n) : Node(o, p), index(i), name(n) {}
  int32_t index;
  const std::string_view* name;  ///< for "referenced before assignment"
};

struct UnaryNode : Node {
  UnaryNode(Op o, Position p, Token t, Node* operand) : Node(o, p), token(t), x(operand) {}
  Token token;
  Node* x;
};

struct BinaryNode : Node {
  BinaryNode(Op o, Position p, Token t, Node* l, Node* r) : Node(o, p), token(t), x(l), y(r) {}
  Token token;
  Node* x;
  Node* y;
};

struct CondNode : Node {
  CondNode(Position p, Node* c, Node* t, Node* f) : Node(Op::kCond, p), cond(c), t(t), f(f) {}
  Node* cond;
  Node* t;
  Node* f;
};

struct IndexNode : Node {
  IndexNode(Position p, Node* x, Node* y) : Node(Op::kIndex, p), x(x), y(y) {}
  Node* x;
  Node* y;
  /// When y is a string constant (`x["name"]`): its hash, and the dict slot where the key was
  /// last found (HashTable::findString's hint).
  uint32_t key_hash = 0;
  mutable std::atomic<uint32_t> slot_hint{0};
};

struct SliceNode : Node {
  SliceNode(Position p, Node* x) : Node(Op::kSlice, p), x(x) {}
  Node* x;
  Node* lo = nullptr;
  Node* hi = nullptr;
  Node* step = nullptr;
};

struct DotNode : Node {
  DotNode(Position p, Node* x, std::string_view n) : Node(Op::kDot, p), x(x), name(n) {}
  Node* x;
  std::string_view name;
};

/// fn(args) or, for kMethodCall, recv.name(args). pos is the '('.
struct CallNode : Node {
  CallNode(Op o, Position p) : Node(o, p) {}
  Node* fn = nullptr;     ///< the callee, or the receiver of a method call
  std::string_view name;  ///< the method name (kMethodCall)
  Position dot;           ///< the method's '.', for attribute errors
  std::span<Node*> args;  ///< positional arguments
  std::span<std::string_view> kw_names;
  std::span<Node*> kw_values;
  Node* varargs = nullptr;  ///< *args
  Node* kwargs = nullptr;   ///< **kwargs
  /// Only positional arguments: the common case, with a fast path.
  bool simple() const { return kw_names.empty() && varargs == nullptr && kwargs == nullptr; }
  /// For kMethodCall: the method last found for this call site, as a Method* whose low bits
  /// hold the receiver's ObjType (0 when empty). Methods of the built-in types depend on the
  /// type alone, so x.f(...) in a loop looks f up once.
  mutable std::atomic<uintptr_t> method_cache{0};
  /// For a kCall with keywords: the FuncCode::id of the def or lambda whose parameter slots
  /// for kw_names this site found (kw_slots, one per keyword), so a call in a loop matches
  /// names once. 0 while empty; filled once, by the first thread to claim it.
  mutable std::atomic<uint64_t> kw_cache{0};
  std::span<uint32_t> kw_slots;
};

/// A list or tuple display, or (kUnpack) a sequence of assignment targets.
struct SeqNode : Node {
  SeqNode(Op o, Position p) : Node(o, p) {}
  std::span<Node*> elems;
  /// For kUnpack: every target is a variable, so storing cannot modify the unpacked sequence.
  bool all_vars = false;
};

struct DictNode : Node {
  DictNode(Position p) : Node(Op::kDict, p) {}
  struct Entry {
    Node* key;
    Node* value;
    Position colon;
  };
  std::span<Entry> entries;
};

/// [body for ... if ...] or {k: v for ...}.
struct CompNode : Node {
  CompNode(Position p) : Node(Op::kComprehension, p) {}
  struct Clause {
    Node* target = nullptr;  ///< for a `for` clause; null for an `if` clause
    Node* x = nullptr;       ///< the iterable, or the `if` condition
    Position pos;            ///< the `for` keyword
  };
  bool curly = false;
  std::span<Clause> clauses;
  Node* body = nullptr;   ///< the element, or the key for a dict comprehension
  Node* value = nullptr;  ///< the value for a dict comprehension
  Position colon;
};

struct Program;

/// The compiled code of a def, a lambda or a file's top level.
struct FuncCode {
  /// Unique in the process and never reused (unlike an address): the key of call-site caches.
  uint64_t id = 0;
  std::string name;
  Position pos;  ///< of `def` or `lambda`; errors in binding arguments are reported here
  Block body;
  Program* program = nullptr;
  int32_t num_locals = 0;
  std::span<const std::string_view*> local_names;
  std::span<int32_t> cells;  ///< locals that closures capture: boxed on entry
  std::span<const std::string_view*> free_names;
  /// Parameters: the named ones first (positional, then keyword-only), then *args, then
  /// **kwargs. num_params counts them all, as go.starlark.net's NumParams.
  int32_t num_params = 0;
  int32_t num_kwonly = 0;
  bool has_varargs = false;
  bool has_kwargs = false;
  bool recursion = false;  ///< FileOptions::recursion of the defining file
};

/// def or lambda: makes a Function value.
struct FuncNode : Node {
  FuncNode(Position p, FuncCode* c) : Node(Op::kFunction, p), code(c) {}
  FuncCode* code;
  /// Default values in parameter order; null marks a mandatory keyword-only parameter.
  std::span<Node*> defaults;
  /// How to capture each free variable from the defining frame: a cell local (true) or one of
  /// the defining function's own free variables (false), by index.
  struct Capture {
    bool from_local;
    int32_t index;
  };
  std::span<Capture> captures;
};

struct ExprStmtNode : Node {
  ExprStmtNode(Position p, Node* x) : Node(Op::kExprStmt, p), x(x) {}
  Node* x;
};

/// lhs = rhs, or (kAugAssign) lhs op= rhs with `token` the binary operator. pos is the operator.
struct AssignNode : Node {
  AssignNode(Op o, Position p, Token t, Node* l, Node* r) : Node(o, p), token(t), lhs(l), rhs(r) {}
  Token token;
  Node* lhs;
  Node* rhs;
};

struct IfNode : Node {
  IfNode(Position p, Node* c) : Node(Op::kIf, p), cond(c) {}
  Node* cond;
  Block then_body;
  Block else_body;
};

struct ForNode : Node {
  ForNode(Position p, Node* t, Node* x) : Node(Op::kFor, p), target(t), x(x) {}
  Node* target;
  Node* x;
  Block body;
};

struct WhileNode : Node {
  WhileNode(Position p, Node* c) : Node(Op::kWhile, p), cond(c) {}
  Node* cond;
  Block body;
};

struct ReturnNode : Node {
  ReturnNode(Position p, Node* x) : Node(Op::kReturn, p), x(x) {}
  Node* x;  ///< may be null
};

struct LoadNode : Node {
  LoadNode(Position p) : Node(Op::kLoad, p) {}
  std::string module;
  std::span<std::string_view> from;
  std::span<Node*> to;  ///< targets (kLocal, kLocalCell or kGlobal)
};

/// A compiled file: its syntax tree (which positions and names point into), its nodes and
/// functions. Owned by the ModuleEnv of the execution.
struct Program {
  std::unique_ptr<syntax::File> file;
  Arena<Node> nodes;
  std::deque<FuncCode> functions;
  std::vector<ConstNode*> constants;  ///< every node holding a Value, for clearChildren
  FuncCode* toplevel = nullptr;
  std::vector<const std::string_view*> global_names;

  template <class T, class... A>
  T* make(A&&... args) {
    return nodes.make<T>(std::forward<A>(args)...);
  }
  /// n null (or zero) Ts in the arena, for a node's list.
  template <class T>
  std::span<T> array(size_t n) {
    return nodes.makeArray<T>(n);
  }
};

/// Compiles a resolved file (or expression, whose toplevel body is one return statement).
/// Predeclared and universal names become constants with their values.
std::unique_ptr<Program> compileProgram(std::unique_ptr<syntax::File> file,
                                        const StringDict& predeclared, const FileOptions& options);

/// The universe as a hash map, built once.
const Value* universeLookup(std::string_view name);

}  // namespace slant::starlark::eval
