// The tree-walking interpreter.
//
// Every compiled node (code.h) carries pointers to the handlers that run it: eval_fn computes an
// expression's value, exec_fn runs a statement and reports how control leaves it (normally, by
// break, continue or return, or with an error), store_fn assigns to a target. linkProgram picks
// the handlers once per program, choosing specialised ones where a node's shape allows
// (`x = e` and `x += e` on a local, a binary operator whose operands are locals or constants,
// calls with positional arguments only). Dispatching through the node keeps each handler a small
// function with a small stack frame; a single big switch would give every evaluation the
// prologue and stack frame of its biggest case.
//
// Each call of a Starlark function gets a Frame on the C++ stack whose locals live in a small
// inline array (or one heap block for big functions), indexed by the resolver's slot numbers;
// locals that closures capture are boxed in Cells on entry, so the defining frame and every
// closure share them. Globals are a vector in the module's environment; predeclared and
// universal names were turned into constants by the compiler, so no name is ever looked up by
// string while running.
//
// Errors. An expression handler stores its value in an out-parameter and returns false on error;
// a statement handler returns Flow::kError. Either way the error waits in the frame, so the hot
// path passes no Result objects around (calls between frames and the value operations of
// value.h still return Result). The first frame to see an error that has no call stack yet
// records the whole stack (thread.internal().frames, outermost first) with its own position set
// to the failing node, so that the stack names the precise operation, as go.starlark.net's
// program counter does; outer frames report the '(' of the call in progress.
//
// Fast paths keep the common cases cheap: arithmetic and comparison of small ints inline (with
// overflow checks) before falling back to binary(); operands that are locals or constants are
// read in place, without copying; indexing lists and tuples with small ints; for-loops over
// lists, tuples and ranges without an Iterator; `x["name"]` on a dict tries first the slot
// where that site last found the key, with the hash computed once (configuration code indexes
// many dicts of one shape with the same literal keys); `[e for x in xs if c]` runs as one loop,
// and `for k, v in pairs` stores 2-tuples straight into its two locals; the universe's type(x)
// and len(x) are answered in place, as is xs.append(x) on a list;
// x.f(...) on built-in types calls the method directly with its receiver (no bound-method
// object), found once per call site and receiver type; arguments are evaluated into a small
// buffer on the C++ stack, and a plain positional call moves them straight into the callee's
// slots. (The compiler adds one more: a tuple display of constants is itself a constant.)
//
// The step counter is advanced on every call and every loop iteration (the back-edges), which
// is where a runaway computation spends its time; cancellation is checked at the same points.
#include "starlark/eval/interp.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <span>

#include "starlark/spell.h"

namespace slant::starlark::eval {

namespace {

// A vector that keeps its first N elements on the C++ stack.
template <class T, size_t N>
class SmallVec {
 public:
  SmallVec() = default;
  SmallVec(const SmallVec&) = delete;
  SmallVec& operator=(const SmallVec&) = delete;

  void push_back(T v) {
    if (!spilled_) {
      if (size_ < N) {
        inline_[size_++] = std::move(v);
        return;
      }
      spill(N * 2);
    }
    heap_.push_back(std::move(v));
    ++size_;
  }
  void reserve(size_t n) {
    if (!spilled_ && n > N) spill(n);
  }
  T* data() { return spilled_ ? heap_.data() : inline_.data(); }
  const T* data() const { return spilled_ ? heap_.data() : inline_.data(); }
  size_t size() const { return size_; }
  T& operator[](size_t i) { return data()[i]; }
  std::span<const T> span() const { return {data(), size_}; }

 private:
  void spill(size_t capacity) {
    heap_.reserve(capacity);
    for (size_t i = 0; i < size_; ++i) heap_.push_back(std::move(inline_[i]));
    spilled_ = true;
  }

  std::array<T, N> inline_;
  std::vector<T> heap_;
  size_t size_ = 0;
  bool spilled_ = false;
};

using ArgVec = SmallVec<Value, 6>;
using KwVec = SmallVec<Kwarg, 4>;

// Keeps a container's `iterating` count raised while alive.
class IterGuard {
 public:
  explicit IterGuard(int32_t* counter) : counter_(counter) { ++*counter_; }
  ~IterGuard() { --*counter_; }
  IterGuard(const IterGuard&) = delete;
  IterGuard& operator=(const IterGuard&) = delete;

 private:
  int32_t* counter_;
};

constexpr size_t kMaxFrames = 100000;
constexpr size_t kMaxFramesUnknownStack = 2000;

// ---- errors ---------------------------------------------------------------------------------

// Records err in the frame (with the call stack, if it has none yet, at pos) and returns false,
// the failure of an expression handler.
[[gnu::cold, gnu::noinline]] bool fail(Frame& fr, Error err, const Position& pos) {
  if (!err.hasStack()) {
    fr.pos = &pos;
    captureStack(*fr.thread, err);
  }
  fr.error = std::move(err);
  return false;
}

[[gnu::cold, gnu::noinline]] bool fail(Frame& fr, std::string msg, const Position& pos) {
  return fail(fr, Error(std::move(msg)), pos);
}

// As fail, for statement handlers.
[[gnu::cold, gnu::noinline]] Flow raise(Frame& fr, Error err, const Position& pos) {
  fail(fr, std::move(err), pos);
  return Flow::kError;
}

[[gnu::cold, gnu::noinline]] Flow raise(Frame& fr, std::string msg, const Position& pos) {
  fail(fr, Error(std::move(msg)), pos);
  return Flow::kError;
}

[[gnu::cold, gnu::noinline]] bool unboundLocal(Frame& fr, const Node* n) {
  return fail(fr,
              "local variable " + std::string(*static_cast<const VarNode*>(n)->name) +
                  " referenced before assignment",
              n->pos);
}

[[gnu::cold, gnu::noinline]] bool unboundGlobal(Frame& fr, const Node* n) {
  return fail(fr,
              "global variable " + std::string(*static_cast<const VarNode*>(n)->name) +
                  " referenced before assignment",
              n->pos);
}

// In an expression handler (bool, with `fr` in scope): evaluates node into out, or fails.
#define EV(node, out)                                     \
  do {                                                    \
    if (!(node)->eval_fn(fr, (node), (out))) [[unlikely]] \
      return false;                                       \
  } while (0)

// As EV, in a statement handler.
#define EVF(node, out)                                    \
  do {                                                    \
    if (!(node)->eval_fn(fr, (node), (out))) [[unlikely]] \
      return Flow::kError;                                \
  } while (0)

// In an expression handler: stores the value of a Result<Value> operation in out, or fails at
// pos.
#define OP(expr, out, pos)                            \
  do {                                                \
    auto&& _op = (expr);                              \
    if (!_op) [[unlikely]]                            \
      return fail(fr, std::move(_op).error(), (pos)); \
    (out) = std::move(*_op);                          \
  } while (0)

// As OP, in a statement handler.
#define OPF(expr, out, pos)                            \
  do {                                                 \
    auto&& _op = (expr);                               \
    if (!_op) [[unlikely]]                             \
      return raise(fr, std::move(_op).error(), (pos)); \
    (out) = std::move(*_op);                           \
  } while (0)

// A Result<void> operation, in an expression handler / a statement handler.
#define OPV(expr, pos)                                \
  do {                                                \
    auto&& _op = (expr);                              \
    if (!_op) [[unlikely]]                            \
      return fail(fr, std::move(_op).error(), (pos)); \
  } while (0)

#define OPVF(expr, pos)                                \
  do {                                                 \
    auto&& _op = (expr);                               \
    if (!_op) [[unlikely]]                             \
      return raise(fr, std::move(_op).error(), (pos)); \
  } while (0)

inline Flow store(Frame& fr, const Node* target, Value&& v) {
  return target->store_fn(fr, target, std::move(v));
}

inline Flow execBlock(Frame& fr, const Block& block) {
  for (const Node* s : block) {
    Flow f = s->exec_fn(fr, s);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

inline bool isTrue(const Value& v) {
  switch (v.tag()) {
    case Value::Tag::kBool:
      return v.asBool();
    case Value::Tag::kNone:
      return false;
    case Value::Tag::kInt:
      return v.asSmallInt() != 0;
    default:
      return truth(v);
  }
}

// ---- limits -----------------------------------------------------------------------------------

// The lowest address this OS thread's stack may reach, leaving a margin for the deepest
// non-call recursion (nested expressions, repr of nested values) and for builtins.
uintptr_t stackLimitForThisThread() {
  thread_local uintptr_t limit = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    if (rc != 0 || size < (256u << 10)) return uintptr_t{0};
    return reinterpret_cast<uintptr_t>(addr) + size / 4;
  }();
  return limit;
}

inline bool tooDeep(Thread& thread) {
  auto& ti = thread.internal();
  size_t depth = ti.frames.size();
  if (ti.stack_limit == 0) [[unlikely]] {
    ti.stack_limit = stackLimitForThisThread();
    if (ti.stack_limit == 0) return depth >= kMaxFramesUnknownStack;
  }
  auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  return here < ti.stack_limit || depth >= kMaxFrames;
}

// Advances the step counter; true when the computation must stop (step limit or cancel()).
inline bool tick(Thread& thread) {
  return ++thread.steps_ > thread.max_steps_ - 1 ||
         thread.cancelled.load(std::memory_order_relaxed);
}

[[gnu::cold, gnu::noinline]] Error cancelledError(Thread& thread) {
  if (thread.max_steps_ != 0 && thread.steps_ >= thread.max_steps_) thread.cancel("too many steps");
  auto& ti = thread.internal();
  std::lock_guard<std::mutex> lock(ti.cancel_mu);
  return Error("Starlark computation cancelled: " + ti.cancel_reason);
}

// ---- value helpers ----------------------------------------------------------------------------

// Stores an inline value (None, bool, int, float) in slot. Cheaper than assignment: when the
// slot holds no object there is nothing to release.
[[gnu::always_inline]] inline void setInline(Value& slot, Value v) {
  if (slot.isObject()) [[unlikely]] {
    slot = std::move(v);
    return;
  }
  std::construct_at(&slot, std::move(v));
}

// Copies x into slot.
[[gnu::always_inline]] inline void setValue(Value& slot, const Value& x) {
  if (!x.isObject() && !slot.isObject()) {
    std::construct_at(&slot, Value(x));
    return;
  }
  slot = x;
}

// Small-int arithmetic and comparison into out; false when the operation needs binary().
[[gnu::always_inline]] inline bool smallIntOp(Token op, int64_t a, int64_t b, Value& out) {
  int64_t r;
  switch (op) {
    case Token::kPlus:
      if (__builtin_add_overflow(a, b, &r)) return false;
      break;
    case Token::kMinus:
      if (__builtin_sub_overflow(a, b, &r)) return false;
      break;
    case Token::kStar:
      if (__builtin_mul_overflow(a, b, &r)) return false;
      break;
    case Token::kSlashSlash:
      if (b == 0 || (a == INT64_MIN && b == -1)) return false;
      r = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0))) --r;
      break;
    case Token::kPercent:
      if (b == 0 || (a == INT64_MIN && b == -1)) return false;
      r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      break;
    case Token::kAmp:
      r = a & b;
      break;
    case Token::kPipe:
      r = a | b;
      break;
    case Token::kCircumflex:
      r = a ^ b;
      break;
    case Token::kEql:
      setInline(out, Value::boolean(a == b));
      return true;
    case Token::kNeq:
      setInline(out, Value::boolean(a != b));
      return true;
    case Token::kLt:
      setInline(out, Value::boolean(a < b));
      return true;
    case Token::kLe:
      setInline(out, Value::boolean(a <= b));
      return true;
    case Token::kGt:
      setInline(out, Value::boolean(a > b));
      return true;
    case Token::kGe:
      setInline(out, Value::boolean(a >= b));
      return true;
    default:
      return false;
  }
  setInline(out, Value::smallInt(r));
  return true;
}

[[gnu::noinline]] bool binarySlow(Frame& fr, Token op, const Value& x, const Value& y, Value& out,
                                  const Position& pos) {
  OP(binary(op, x, y), out, pos);
  return true;
}

[[gnu::always_inline]] inline bool binaryOp(Frame& fr, Token op, const Value& x, const Value& y,
                                            Value& out, const Position& pos) {
  if (x.isSmallInt() && y.isSmallInt() && smallIntOp(op, x.asSmallInt(), y.asSmallInt(), out)) {
    return true;
  }
  // String equality, the commonest comparison in configuration code.
  if ((op == Token::kEql || op == Token::kNeq) && x.isString() && y.isString()) {
    bool eq = x.identical(y) || x.str() == y.str();
    setInline(out, Value::boolean(eq == (op == Token::kEql)));
    return true;
  }
  return binarySlow(fr, op, x, y, out, pos);
}

bool indexValue(Frame& fr, const Value& x, const Value& y, Value& out, const Position& pos) {
  if (y.isSmallInt() && x.isObject()) {
    const ValueVector* elems = nullptr;
    if (x.is(ObjType::kList)) {
      elems = &x.as<List>()->elems();
    } else if (x.is(ObjType::kTuple)) {
      elems = &x.as<Tuple>()->elems();
    }
    if (elems != nullptr) {
      int64_t i = y.asSmallInt();
      auto n = static_cast<int64_t>(elems->size());
      if (i < 0) i += n;
      if (i >= 0 && i < n) {
        out = (*elems)[static_cast<size_t>(i)];
        return true;
      }
    }
  }
  OP(getIndex(x, y), out, pos);
  return true;
}

// x.name for fields (not built-in methods), with go.starlark.net's error and spelling hint.
bool attrField(Frame& fr, const Value& x, std::string_view name, Value& out, const Position& pos) {
  if (x.isObject()) {
    auto r = x.object()->attr(*fr.thread, name);
    if (!r) return fail(fr, std::move(r).error(), pos);
    if (*r) {
      out = std::move(**r);
      return true;
    }
  }
  return fail(fr, noSuchAttrMessage(x, name), pos);
}

// x.name for a value that is not being called: a bound method or a field.
bool getAttr(Frame& fr, const Value& x, std::string_view name, Value& out, const Position& pos) {
  if (const Method* m = findMethod(x, name)) {
    out = make<Builtin>(std::string(m->name), m->fn, x);
    return true;
  }
  return attrField(fr, x, name, out, pos);
}

bool setField(Frame& fr, const Value& x, std::string_view name, Value v, const Position& pos) {
  if (!x.isObject()) {
    return fail(
        fr, "can't assign to ." + std::string(name) + " field of " + std::string(typeName(x)), pos);
  }
  OPV(x.object()->setAttr(name, std::move(v)), pos);
  return true;
}

// x op= y: list += iterable extends the list in place, as go.starlark.net's INPLACE_ADD.
bool inplace(Frame& fr, Token op, const Value& x, const Value& y, Value& out, const Position& pos) {
  if (op == Token::kPlus && x.is(ObjType::kList)) {
    List* list = x.as<List>();
    if (y.is(ObjType::kList) || y.is(ObjType::kTuple)) {
      OPV(list->checkMutable("apply += to"), pos);
      const auto& src = y.is(ObjType::kList) ? y.as<List>()->elems() : y.as<Tuple>()->elems();
      if (y.object() == x.object()) {
        ValueVector copy = src;
        for (Value& e : copy) list->mutableElems().push_back(std::move(e));
      } else {
        list->mutableElems().insert(list->mutableElems().end(), src.begin(), src.end());
      }
      out = x;
      return true;
    }
    if (!y.isString() && y.isObject()) {
      auto it = Iterator::of(y);
      if (it) {
        OPV(list->checkMutable("apply += to"), pos);
        Value e;
        while ((*it)->next(e)) list->mutableElems().push_back(std::move(e));
        out = x;
        return true;
      }
    }
  }
  return binaryOp(fr, op, x, y, out, pos);
}

// Calls body(elem) for each element of x; body returns kBreak to stop, kReturn or kError to
// stop and propagate. Reports "T value is not iterable" at pos.
template <class F>
Flow forEach(Frame& fr, const Value& x, const Position& pos, F&& body) {
  Thread& thread = *fr.thread;
  if (x.is(ObjType::kList)) {
    List* list = x.as<List>();
    IterGuard guard(&list->iterating);
    for (size_t i = 0; i < list->elems().size(); ++i) {
      if (tick(thread)) [[unlikely]]
        return raise(fr, cancelledError(thread), pos);
      Flow f = body(list->elems()[i]);
      if (f != Flow::kNormal) [[unlikely]] {
        if (f == Flow::kBreak) break;
        return f;
      }
    }
    return Flow::kNormal;
  }
  if (x.is(ObjType::kTuple)) {
    for (const Value& e : x.as<Tuple>()->elems()) {
      if (tick(thread)) [[unlikely]]
        return raise(fr, cancelledError(thread), pos);
      Flow f = body(e);
      if (f != Flow::kNormal) [[unlikely]] {
        if (f == Flow::kBreak) break;
        return f;
      }
    }
    return Flow::kNormal;
  }
  if (x.is(ObjType::kRange)) {
    const Range* r = x.as<Range>();
    const int64_t n = *r->length();
    const int64_t step = r->step();
    int64_t v = r->start();
    for (int64_t i = 0; i < n; ++i, v += step) {
      if (tick(thread)) [[unlikely]]
        return raise(fr, cancelledError(thread), pos);
      Flow f = body(Value::smallInt(v));
      if (f != Flow::kNormal) [[unlikely]] {
        if (f == Flow::kBreak) break;
        return f;
      }
    }
    return Flow::kNormal;
  }
  auto it = x.isString() ? Result<std::unique_ptr<Iterator>>(makeError("")) : Iterator::of(x);
  if (!it) return raise(fr, std::string(typeName(x)) + " value is not iterable", pos);
  Value e;
  while ((*it)->next(e)) {
    if (tick(thread)) [[unlikely]]
      return raise(fr, cancelledError(thread), pos);
    Flow f = body(e);
    if (f != Flow::kNormal) [[unlikely]] {
      if (f == Flow::kBreak) break;
      return f;
    }
  }
  return Flow::kNormal;
}

// ---- expressions ------------------------------------------------------------------------------

bool evalConst(Frame&, const Node* n, Value& out) {
  setValue(out, static_cast<const ConstNode*>(n)->value);
  return true;
}

bool evalLocal(Frame& fr, const Node* n, Value& out) {
  const Value& x = fr.locals[static_cast<const VarNode*>(n)->index];
  if (x.isUnbound()) [[unlikely]]
    return unboundLocal(fr, n);
  setValue(out, x);
  return true;
}

bool evalLocalCell(Frame& fr, const Node* n, Value& out) {
  const Value& x = fr.locals[static_cast<const VarNode*>(n)->index].as<Cell>()->value;
  if (x.isUnbound()) [[unlikely]]
    return unboundLocal(fr, n);
  out = x;
  return true;
}

bool evalFree(Frame& fr, const Node* n, Value& out) {
  const Value& x =
      fr.fn->freevars[static_cast<size_t>(static_cast<const VarNode*>(n)->index)].as<Cell>()->value;
  if (x.isUnbound()) [[unlikely]]
    return unboundLocal(fr, n);
  out = x;
  return true;
}

bool evalGlobal(Frame& fr, const Node* n, Value& out) {
  const Value& x = fr.module->globals[static_cast<size_t>(static_cast<const VarNode*>(n)->index)];
  if (x.isUnbound()) [[unlikely]]
    return unboundGlobal(fr, n);
  out = x;
  return true;
}

bool evalNot(Frame& fr, const Node* n, Value& out) {
  Value x;
  EV(static_cast<const UnaryNode*>(n)->x, x);
  out = Value::boolean(!isTrue(x));
  return true;
}

bool evalUnary(Frame& fr, const Node* n, Value& out) {
  auto* u = static_cast<const UnaryNode*>(n);
  Value x;
  EV(u->x, x);
  if (x.isSmallInt()) {
    int64_t i = x.asSmallInt();
    if (u->token == Token::kMinus && i != INT64_MIN) {
      out = Value::smallInt(-i);
      return true;
    }
    if (u->token == Token::kPlus) {
      out = x;
      return true;
    }
    if (u->token == Token::kTilde) {
      out = Value::smallInt(~i);
      return true;
    }
  }
  OP(unary(u->token, x), out, n->pos);
  return true;
}

// The value of an operand: variables and constants are read in place, other expressions are
// evaluated into tmp. Returns null on error. (Nothing an expression evaluates can rebind a
// variable of its own frame or module, so a pointer to a variable stays valid while the next
// operand is evaluated.) Constants and locals, the common operands, are read inline; the rest
// goes through operandSlow.
[[gnu::noinline]] const Value* operandSlow(Frame& fr, const Node* n, Value& tmp) {
  const Value* v;
  switch (n->op) {
    case Op::kLocal:
      v = &fr.locals[static_cast<const VarNode*>(n)->index];
      break;
    case Op::kLocalCell:
      v = &fr.locals[static_cast<const VarNode*>(n)->index].as<Cell>()->value;
      break;
    case Op::kFree:
      v = &fr.fn->freevars[static_cast<size_t>(static_cast<const VarNode*>(n)->index)]
               .as<Cell>()
               ->value;
      break;
    case Op::kGlobal:
      v = &fr.module->globals[static_cast<size_t>(static_cast<const VarNode*>(n)->index)];
      if (v->isUnbound()) [[unlikely]] {
        unboundGlobal(fr, n);
        return nullptr;
      }
      return v;
    default:
      return n->eval_fn(fr, n, tmp) ? &tmp : nullptr;
  }
  if (v->isUnbound()) [[unlikely]] {
    unboundLocal(fr, n);
    return nullptr;
  }
  return v;
}

[[gnu::always_inline]] inline const Value* operand(Frame& fr, const Node* n, Value& tmp) {
  if (n->op == Op::kConst) return &static_cast<const ConstNode*>(n)->value;
  if (n->op == Op::kLocal) {
    const Value* v = &fr.locals[static_cast<const VarNode*>(n)->index];
    if (!v->isUnbound()) [[likely]]
      return v;
  }
  return operandSlow(fr, n, tmp);
}

bool evalBinary(Frame& fr, const Node* n, Value& out) {
  auto* b = static_cast<const BinaryNode*>(n);
  Value tx, ty;
  const Value* x = operand(fr, b->x, tx);
  if (x == nullptr) return false;
  const Value* y = operand(fr, b->y, ty);
  if (y == nullptr) return false;
  return binaryOp(fr, b->token, *x, *y, out, n->pos);
}

// A binary operator whose operands are each a local or a constant: read in place. (Nothing an
// expression evaluates can rebind a local slot of its own frame, so the first operand's slot is
// stable while the second is read.)
template <Op kX, Op kY>
bool evalBinaryLC(Frame& fr, const Node* n, Value& out) {
  auto* b = static_cast<const BinaryNode*>(n);
  const Value* x;
  if constexpr (kX == Op::kLocal) {
    x = &fr.locals[static_cast<const VarNode*>(b->x)->index];
    if (x->isUnbound()) [[unlikely]]
      return unboundLocal(fr, b->x);
  } else {
    x = &static_cast<const ConstNode*>(b->x)->value;
  }
  const Value* y;
  if constexpr (kY == Op::kLocal) {
    y = &fr.locals[static_cast<const VarNode*>(b->y)->index];
    if (y->isUnbound()) [[unlikely]]
      return unboundLocal(fr, b->y);
  } else {
    y = &static_cast<const ConstNode*>(b->y)->value;
  }
  return binaryOp(fr, b->token, *x, *y, out, n->pos);
}

bool evalAnd(Frame& fr, const Node* n, Value& out) {
  auto* b = static_cast<const BinaryNode*>(n);
  EV(b->x, out);
  if (!isTrue(out)) return true;
  EV(b->y, out);
  return true;
}

bool evalOr(Frame& fr, const Node* n, Value& out) {
  auto* b = static_cast<const BinaryNode*>(n);
  EV(b->x, out);
  if (isTrue(out)) return true;
  EV(b->y, out);
  return true;
}

bool evalCond(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CondNode*>(n);
  Value cond;
  EV(c->cond, cond);
  const Node* branch = isTrue(cond) ? c->t : c->f;
  EV(branch, out);
  return true;
}

bool evalIndex(Frame& fr, const Node* n, Value& out) {
  auto* i = static_cast<const IndexNode*>(n);
  Value tx, ty;
  const Value* x = operand(fr, i->x, tx);
  if (x == nullptr) return false;
  const Value* y = operand(fr, i->y, ty);
  if (y == nullptr) return false;
  return indexValue(fr, *x, *y, out, n->pos);
}

// x["name"]: a dict is searched for the constant key with its precomputed hash, trying first the
// slot where this site last found it.
bool evalIndexString(Frame& fr, const Node* n, Value& out) {
  auto* i = static_cast<const IndexNode*>(n);
  Value tx;
  const Value* x = operand(fr, i->x, tx);
  if (x == nullptr) return false;
  const Value& key = static_cast<const ConstNode*>(i->y)->value;
  if (x->is(ObjType::kDict)) {
    uint32_t hint = i->slot_hint.load(std::memory_order_relaxed);
    if (const Value* v = x->as<Dict>()->table.findString(key, i->key_hash, hint)) {
      i->slot_hint.store(hint, std::memory_order_relaxed);
      out = *v;
      return true;
    }
  }
  return indexValue(fr, *x, key, out, n->pos);
}

bool evalSlice(Frame& fr, const Node* n, Value& out) {
  auto* s = static_cast<const SliceNode*>(n);
  Value x, lo, hi, step;
  EV(s->x, x);
  if (s->lo != nullptr) EV(s->lo, lo);
  if (s->hi != nullptr) EV(s->hi, hi);
  if (s->step != nullptr) EV(s->step, step);
  OP(slice(x, lo, hi, step), out, n->pos);
  return true;
}

bool evalDot(Frame& fr, const Node* n, Value& out) {
  auto* d = static_cast<const DotNode*>(n);
  Value x;
  EV(d->x, x);
  return getAttr(fr, x, d->name, out, n->pos);
}

bool evalElems(Frame& fr, const SeqNode* s, ValueVector& elems) {
  elems.resize(s->elems.size());
  for (size_t i = 0; i < elems.size(); ++i) EV(s->elems[i], elems[i]);
  return true;
}

bool evalList(Frame& fr, const Node* n, Value& out) {
  ValueVector elems;
  if (!evalElems(fr, static_cast<const SeqNode*>(n), elems)) return false;
  out = make<List>(std::move(elems));
  return true;
}

bool evalTuple(Frame& fr, const Node* n, Value& out) {
  ValueVector elems;
  if (!evalElems(fr, static_cast<const SeqNode*>(n), elems)) return false;
  out = make<Tuple>(std::move(elems));
  return true;
}

bool evalDict(Frame& fr, const Node* n, Value& out) {
  auto* d = static_cast<const DictNode*>(n);
  Value dict = make<Dict>();
  HashTable& table = dict.as<Dict>()->table;
  table.reserve(d->entries.size());
  for (const DictNode::Entry& e : d->entries) {
    Value k, v;
    EV(e.key, k);
    EV(e.value, v);
    size_t before = table.size();
    OPV(table.insert(k, std::move(v)), e.colon);
    if (table.size() == before) [[unlikely]]
      return fail(fr, "duplicate key: " + repr(k), e.colon);
  }
  out = std::move(dict);
  return true;
}

Flow comprehension(Frame& fr, const CompNode* c, size_t i, const Value& acc) {
  if (i == c->clauses.size()) {
    if (c->curly) {
      Value k, v;
      EVF(c->body, k);
      EVF(c->value, v);
      OPVF(acc.as<Dict>()->table.insert(k, std::move(v)), c->colon);
    } else {
      Value v;
      EVF(c->body, v);
      acc.as<List>()->mutableElems().push_back(std::move(v));
    }
    return Flow::kNormal;
  }
  const CompNode::Clause& clause = c->clauses[i];
  if (clause.target == nullptr) {
    Value cond;
    EVF(clause.x, cond);
    if (isTrue(cond)) return comprehension(fr, c, i + 1, acc);
    return Flow::kNormal;
  }
  Value x;
  EVF(clause.x, x);
  return forEach(fr, x, clause.pos, [&](const Value& e) -> Flow {
    Flow f = store(fr, clause.target, Value(e));
    if (f != Flow::kNormal) [[unlikely]]
      return f;
    return comprehension(fr, c, i + 1, acc);
  });
}

// [body for x in xs] and [body for x in xs if cond] with x a local: the shape of nearly every
// comprehension, run as one loop without comprehension()'s recursion per clause.
template <bool kCond>
bool evalListCompSimple(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CompNode*>(n);
  const CompNode::Clause& loop = c->clauses[0];
  Value tx;
  const Value* xs = operand(fr, loop.x, tx);
  if (xs == nullptr) return false;
  Value acc = make<List>();
  ValueVector& elems = acc.as<List>()->mutableElems();
  Value& slot = fr.locals[static_cast<const VarNode*>(loop.target)->index];
  const Flow f = forEach(fr, *xs, loop.pos, [&](const Value& e) -> Flow {
    setValue(slot, e);
    if constexpr (kCond) {
      Value cond;
      EVF(c->clauses[1].x, cond);
      if (!isTrue(cond)) return Flow::kNormal;
    }
    Value v;
    EVF(c->body, v);
    elems.push_back(std::move(v));
    return Flow::kNormal;
  });
  if (f == Flow::kError) return false;
  out = std::move(acc);
  return true;
}

bool evalComprehension(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CompNode*>(n);
  Value acc = c->curly ? make<Dict>() : make<List>();
  if (comprehension(fr, c, 0, acc) == Flow::kError) return false;
  out = std::move(acc);
  return true;
}

bool evalFunction(Frame& fr, const Node* n, Value& out) {
  auto* fnode = static_cast<const FuncNode*>(n);
  Value fv = make<Function>(fnode->code, Value(fr.module));
  Function* f = fv.as<Function>();
  f->defaults.resize(fnode->defaults.size());
  for (size_t i = 0; i < fnode->defaults.size(); ++i) {
    const Node* d = fnode->defaults[i];
    if (d == nullptr) {
      f->defaults[i] = Value::unbound();
    } else {
      EV(d, f->defaults[i]);
    }
  }
  f->freevars.reserve(fnode->captures.size());
  for (const FuncNode::Capture& c : fnode->captures) {
    f->freevars.push_back(c.from_local ? fr.locals[c.index]
                                       : fr.fn->freevars[static_cast<size_t>(c.index)]);
  }
  out = std::move(fv);
  return true;
}

// ---- calls ------------------------------------------------------------------------------------

// Up to N argument values on the C++ stack, constructed only as used.
template <size_t N>
class ArgArray {
 public:
  explicit ArgArray(size_t n) {
    if (n > N) {
      heap_ = std::make_unique<Value[]>(n);
      data_ = heap_.get();
    } else {
      data_ = inline_;
      inline_used_ = n;
      for (size_t i = 0; i < n; ++i) std::construct_at(&inline_[i]);
    }
    size_ = n;
  }
  ~ArgArray() {
    for (size_t i = 0; i < inline_used_; ++i) std::destroy_at(&inline_[i]);
  }
  ArgArray(const ArgArray&) = delete;
  ArgArray& operator=(const ArgArray&) = delete;
  Value& operator[](size_t i) { return data_[i]; }
  std::span<const Value> span() const { return {data_, size_}; }
  std::span<Value> span() { return {data_, size_}; }

 private:
  union {
    Value inline_[N];
  };
  Value* data_;
  size_t size_;
  size_t inline_used_ = 0;
  std::unique_ptr<Value[]> heap_;
};

// The method of a built-in type's receiver, through the call site's cache.
inline const Method* cachedMethod(const CallNode* c, const Value& recv) {
  if (!recv.isObject()) return nullptr;
  const auto type = static_cast<uintptr_t>(recv.object()->objType());
  if (type >= alignof(Method)) return findMethod(recv, c->name);
  uintptr_t cached = c->method_cache.load(std::memory_order_relaxed);
  if (cached != 0 && (cached & (alignof(Method) - 1)) == type) {
    return reinterpret_cast<const Method*>(cached & ~uintptr_t{alignof(Method) - 1});
  }
  const Method* m = findMethod(recv, c->name);
  if (m != nullptr) {
    c->method_cache.store(reinterpret_cast<uintptr_t>(m) | type, std::memory_order_relaxed);
  }
  return m;
}

Result<Value> callMethod(Thread& thread, const Method* m, const Value& recv, const CallArgs& args) {
  auto& frames = thread.internal().frames;
  frames.push_back({nullptr, m->name});
  Result<Value> r = m->fn(thread, BuiltinCall{m->name, recv, nullptr, args});
  if (!r) [[unlikely]]
    captureStack(thread, r.error());
  frames.pop_back();
  return r;
}

// The callee of a call node: a method of a built-in type (with its receiver), or any value.
struct Callee {
  Value fn;
  Value recv;
  const Method* method = nullptr;
};

inline bool evalCallee(Frame& fr, const CallNode* c, Callee& out) {
  if (c->op == Op::kMethodCall) {
    EV(c->fn, out.recv);
    out.method = cachedMethod(c, out.recv);
    if (out.method == nullptr) return attrField(fr, out.recv, c->name, out.fn, c->dot);
    return true;
  }
  EV(c->fn, out.fn);
  return true;
}

inline bool invoke(Frame& fr, const CallNode* c, const Callee& callee, const CallArgs& args,
                   Value& out) {
  fr.pos = &c->pos;
  Result<Value> r = callee.method != nullptr
                        ? callMethod(*fr.thread, callee.method, callee.recv, args)
                        : callValue(*fr.thread, callee.fn, args);
  if (!r) [[unlikely]]
    return fail(fr, std::move(r).error(), c->pos);
  out = std::move(*r);
  return true;
}

// f(args) with positional arguments only.
bool evalCallSimple(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CallNode*>(n);
  Value tmp;
  const Value* fnp = operand(fr, c->fn, tmp);
  if (fnp == nullptr) return false;
  const Value& fn = *fnp;
  const size_t nargs = c->args.size();
  ArgArray<6> args(nargs);
  for (size_t i = 0; i < nargs; ++i) EV(c->args[i], args[i]);
  fr.pos = &c->pos;
  if (fn.is(ObjType::kFunction)) {
    // Starlark to Starlark: no Result in between; the callee's error already has its stack.
    return invokeFunction(*fr.thread, *fn.as<Function>(), CallArgs{args.span(), {}}, &args[0], out,
                          fr.error);
  }
  Result<Value> r = callValue(*fr.thread, fn, CallArgs{args.span(), {}});
  if (!r) [[unlikely]]
    return fail(fr, std::move(r).error(), c->pos);
  out = std::move(*r);
  return true;
}

// type(x) and len(x) with the universe's builtins, the commonest calls of configuration code:
// answered in place. len of a value without a length goes through the builtin for its error.
bool evalCallType(Frame& fr, const Node* n, Value& out) {
  Value tmp;
  const Value* x = operand(fr, static_cast<const CallNode*>(n)->args[0], tmp);
  if (x == nullptr) return false;
  out = typeString(*x);
  return true;
}

bool evalCallLen(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CallNode*>(n);
  Value tmp;
  const Value* x = operand(fr, c->args[0], tmp);
  if (x == nullptr) return false;
  if (const std::optional<int64_t> len = length(*x)) [[likely]] {
    setInline(out, makeInt(*len));
    return true;
  }
  fr.pos = &c->pos;
  OP(callValue(*fr.thread, static_cast<const ConstNode*>(c->fn)->value,
               CallArgs{std::span<const Value>(x, 1), {}}),
     out, c->pos);
  return true;
}

// recv.name(args) with positional arguments only, the receiver evaluated.
bool methodCallSimple(Frame& fr, const CallNode* c, const Value& recv, Value& out) {
  const Method* m = cachedMethod(c, recv);
  Value fn;
  if (m == nullptr && !attrField(fr, recv, c->name, fn, c->dot)) return false;
  const size_t nargs = c->args.size();
  ArgArray<6> args(nargs);
  for (size_t i = 0; i < nargs; ++i) EV(c->args[i], args[i]);
  fr.pos = &c->pos;
  Result<Value> r = m != nullptr ? callMethod(*fr.thread, m, recv, CallArgs{args.span(), {}})
                                 : callValue(*fr.thread, fn, CallArgs{args.span(), {}});
  if (!r) [[unlikely]]
    return fail(fr, std::move(r).error(), c->pos);
  out = std::move(*r);
  return true;
}

bool evalMethodCallSimple(Frame& fr, const Node* n, Value& out) {
  Value recv;
  EV(static_cast<const CallNode*>(n)->fn, recv);
  return methodCallSimple(fr, static_cast<const CallNode*>(n), recv, out);
}

// x.append(e), the commonest method call: on a list that may be mutated the element is pushed in
// place. Any other receiver, or a frozen or iterated list (for the error), takes the general
// path. (A list's append is always the built-in one, and the general path, too, evaluates the
// argument before checking that the list may change.)
bool evalAppendCall(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CallNode*>(n);
  Value recv;
  EV(c->fn, recv);
  if (!recv.is(ObjType::kList)) return methodCallSimple(fr, c, recv, out);
  Value arg;
  EV(c->args[0], arg);
  List* list = recv.as<List>();
  if (!list->frozen() && list->iterating == 0) [[likely]] {
    list->mutableElems().push_back(std::move(arg));
    setInline(out, Value());
    return true;
  }
  fr.pos = &c->pos;
  OP(callMethod(*fr.thread, cachedMethod(c, recv), recv,
                CallArgs{std::span<const Value>(&arg, 1), {}}),
     out, c->pos);
  return true;
}

bool invokeFunctionKw(Thread& thread, Function& fn, const CallNode* c, std::span<Value> values,
                      Value& out, std::optional<Error>& err);

// f(args, name=value, ...) without *args or **kwargs. A def or lambda gets its arguments bound
// straight into its locals; any other callee gets them as CallArgs.
bool evalCallKw(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CallNode*>(n);
  Value tmp;
  const Value* fnp = operand(fr, c->fn, tmp);
  if (fnp == nullptr) return false;
  const Value& fn = *fnp;
  const size_t npos = c->args.size();
  const size_t nkw = c->kw_names.size();
  ArgArray<8> values(npos + nkw);
  for (size_t i = 0; i < npos; ++i) EV(c->args[i], values[i]);
  for (size_t i = 0; i < nkw; ++i) EV(c->kw_values[i], values[npos + i]);
  fr.pos = &c->pos;
  if (fn.is(ObjType::kFunction)) {
    return invokeFunctionKw(*fr.thread, *fn.as<Function>(), c, values.span(), out, fr.error);
  }
  KwVec kwargs;
  for (size_t i = 0; i < nkw; ++i) {
    kwargs.push_back(Kwarg{c->kw_names[i], std::move(values[npos + i])});
  }
  Result<Value> r = callValue(*fr.thread, fn, CallArgs{values.span().first(npos), kwargs.span()});
  if (!r) [[unlikely]]
    return fail(fr, std::move(r).error(), c->pos);
  out = std::move(*r);
  return true;
}

bool evalCall(Frame& fr, const Node* n, Value& out) {
  auto* c = static_cast<const CallNode*>(n);
  Callee callee;
  if (!evalCallee(fr, c, callee)) return false;
  ArgVec args;
  for (const Node* a : c->args) {
    Value v;
    EV(a, v);
    args.push_back(std::move(v));
  }
  KwVec kwargs;
  for (size_t i = 0; i < c->kw_names.size(); ++i) {
    Value v;
    EV(c->kw_values[i], v);
    kwargs.push_back(Kwarg{c->kw_names[i], std::move(v)});
  }
  Value varargs;
  if (c->varargs != nullptr) {
    EV(c->varargs, varargs);
    if (varargs.is(ObjType::kTuple) || varargs.is(ObjType::kList)) {
      const auto& elems =
          varargs.is(ObjType::kTuple) ? varargs.as<Tuple>()->elems() : varargs.as<List>()->elems();
      args.reserve(args.size() + elems.size());
      for (const Value& e : elems) args.push_back(e);
    } else {
      auto it = varargs.isString() ? Result<std::unique_ptr<Iterator>>(makeError(""))
                                   : Iterator::of(varargs);
      if (!it) {
        return fail(fr, "argument after * must be iterable, not " + std::string(typeName(varargs)),
                    c->pos);
      }
      Value e;
      while ((*it)->next(e)) args.push_back(std::move(e));
    }
  }
  Value kwdict;
  if (c->kwargs != nullptr) {
    EV(c->kwargs, kwdict);
    if (!kwdict.is(ObjType::kDict)) {
      return fail(fr, "argument after ** must be a mapping, not " + std::string(typeName(kwdict)),
                  c->pos);
    }
    Value bad_key = Value::unbound();
    kwdict.as<Dict>()->table.forEach([&](const HashTable::Entry& e) {
      if (!e.key.isString()) {
        bad_key = e.key;
        return false;
      }
      kwargs.push_back(Kwarg{e.key.str(), e.value});
      return true;
    });
    if (!bad_key.isUnbound()) {
      return fail(fr, "keywords must be strings, not " + std::string(typeName(bad_key)), c->pos);
    }
  }
  return invoke(fr, c, callee, CallArgs{args.span(), kwargs.span()}, out);
}

// ---- assignment targets -----------------------------------------------------------------------

Flow storeLocal(Frame& fr, const Node* n, Value&& v) {
  fr.locals[static_cast<const VarNode*>(n)->index] = std::move(v);
  return Flow::kNormal;
}

Flow storeLocalCell(Frame& fr, const Node* n, Value&& v) {
  fr.locals[static_cast<const VarNode*>(n)->index].as<Cell>()->value = std::move(v);
  return Flow::kNormal;
}

Flow storeGlobal(Frame& fr, const Node* n, Value&& v) {
  fr.module->globals[static_cast<size_t>(static_cast<const VarNode*>(n)->index)] = std::move(v);
  return Flow::kNormal;
}

Flow storeIndex(Frame& fr, const Node* n, Value&& v) {
  auto* i = static_cast<const IndexNode*>(n);
  Value x, y;
  EVF(i->x, x);
  EVF(i->y, y);
  // Fast path: an element of a mutable list that is not being iterated.
  if (x.is(ObjType::kList) && y.isSmallInt()) {
    List* list = x.as<List>();
    int64_t k = y.asSmallInt();
    auto len = static_cast<int64_t>(list->elems().size());
    if (k < 0) k += len;
    if (!list->frozen() && list->iterating == 0 && k >= 0 && k < len) {
      list->mutableElems()[static_cast<size_t>(k)] = std::move(v);
      return Flow::kNormal;
    }
  }
  OPVF(setIndex(x, y, std::move(v)), n->pos);
  return Flow::kNormal;
}

Flow storeDot(Frame& fr, const Node* n, Value&& v) {
  auto* d = static_cast<const DotNode*>(n);
  Value x;
  EVF(d->x, x);
  if (!setField(fr, x, d->name, std::move(v), n->pos)) return Flow::kError;
  return Flow::kNormal;
}

[[gnu::cold, gnu::noinline]] Flow unpackCountError(Frame& fr, const Node* n, bool many, int64_t got,
                                                   size_t want) {
  return raise(fr,
               std::string(many ? "too many" : "too few") + " values to unpack (got " +
                   std::to_string(got) + ", want " + std::to_string(want) + ")",
               n->pos);
}

// The general case of unpacking: any iterable, and lists whose targets might modify them.
[[gnu::noinline]] Flow unpackSlow(Frame& fr, const SeqNode* s, const Value& v,
                                  const ValueVector* elems) {
  const size_t want = s->elems.size();
  ArgVec values;
  if (elems != nullptr) {
    if (elems->size() != want) {
      return unpackCountError(fr, s, elems->size() > want, static_cast<int64_t>(elems->size()),
                              want);
    }
    // Copy first: assigning to the targets may modify the sequence (a[0], a[1] = a).
    for (const Value& e : *elems) values.push_back(e);
  } else {
    auto it = v.isString() ? Result<std::unique_ptr<Iterator>>(makeError("")) : Iterator::of(v);
    if (!it) {
      return raise(fr, "got " + std::string(typeName(v)) + " in sequence assignment", s->pos);
    }
    Value e;
    size_t got = 0;
    while (got < want && (*it)->next(e)) {
      values.push_back(std::move(e));
      ++got;
    }
    if (got == want && (*it)->next(e)) {
      auto len = length(v);
      return unpackCountError(fr, s, true, len ? *len : -1, want);
    }
    if (got < want) return unpackCountError(fr, s, false, static_cast<int64_t>(got), want);
  }
  for (size_t i = 0; i < want; ++i) {
    Flow f = store(fr, s->elems[i], std::move(values[i]));
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

Flow storeUnpack(Frame& fr, const Node* n, Value&& v) {
  auto* s = static_cast<const SeqNode*>(n);
  const size_t want = s->elems.size();
  const ValueVector* elems = nullptr;
  if (v.is(ObjType::kTuple)) {
    elems = &v.as<Tuple>()->elems();
  } else if (v.is(ObjType::kList)) {
    elems = &v.as<List>()->elems();
  }
  // Fast path: storing cannot modify the sequence (a tuple, or only variables as targets), so
  // store straight from its elements; v keeps it alive.
  if (elems != nullptr && elems->size() == want && (s->all_vars || v.is(ObjType::kTuple)))
      [[likely]] {
    for (size_t i = 0; i < want; ++i) {
      Flow f = store(fr, s->elems[i], Value((*elems)[i]));
      if (f != Flow::kNormal) [[unlikely]]
        return f;
    }
    return Flow::kNormal;
  }
  return unpackSlow(fr, s, v, elems);
}

// ---- statements -------------------------------------------------------------------------------

Flow execExpr(Frame& fr, const Node* n) {
  Value v;
  EVF(static_cast<const ExprStmtNode*>(n)->x, v);
  return Flow::kNormal;
}

Flow execAssign(Frame& fr, const Node* n) {
  auto* a = static_cast<const AssignNode*>(n);
  Value v;
  EVF(a->rhs, v);
  return store(fr, a->lhs, std::move(v));
}

Flow execAssignLocal(Frame& fr, const Node* n) {
  auto* a = static_cast<const AssignNode*>(n);
  Value v;
  EVF(a->rhs, v);
  fr.locals[static_cast<const VarNode*>(a->lhs)->index] = std::move(v);
  return Flow::kNormal;
}

[[gnu::noinline]] Flow augLocalSlow(Frame& fr, const AssignNode* a, Value& slot, const Value& y) {
  Value x = slot;
  Value z;
  if (!inplace(fr, a->token, x, y, z, a->pos)) return Flow::kError;
  slot = std::move(z);
  return Flow::kNormal;
}

// x op= y for a local x; kConstRhs when y is a constant, read in place.
template <bool kConstRhs>
Flow execAugLocal(Frame& fr, const Node* n) {
  auto* a = static_cast<const AssignNode*>(n);
  Value& slot = fr.locals[static_cast<const VarNode*>(a->lhs)->index];
  if (slot.isUnbound()) [[unlikely]] {
    unboundLocal(fr, a->lhs);
    return Flow::kError;
  }
  if constexpr (kConstRhs) {
    const Value& y = static_cast<const ConstNode*>(a->rhs)->value;
    if (slot.isSmallInt() && y.isSmallInt() &&
        smallIntOp(a->token, slot.asSmallInt(), y.asSmallInt(), slot)) {
      return Flow::kNormal;
    }
    return augLocalSlow(fr, a, slot, y);
  } else {
    Value y;
    EVF(a->rhs, y);
    if (slot.isSmallInt() && y.isSmallInt() &&
        smallIntOp(a->token, slot.asSmallInt(), y.asSmallInt(), slot)) {
      return Flow::kNormal;
    }
    return augLocalSlow(fr, a, slot, y);
  }
}

Flow execAugAssign(Frame& fr, const Node* n) {
  auto* a = static_cast<const AssignNode*>(n);
  const Node* lhs = a->lhs;
  switch (lhs->op) {
    case Op::kIndex: {
      // The operand and index are evaluated once.
      auto* i = static_cast<const IndexNode*>(lhs);
      Value x, y, old, rhs, z;
      EVF(i->x, x);
      EVF(i->y, y);
      if (!indexValue(fr, x, y, old, lhs->pos)) return Flow::kError;
      EVF(a->rhs, rhs);
      if (!inplace(fr, a->token, old, rhs, z, n->pos)) return Flow::kError;
      OPVF(setIndex(x, y, std::move(z)), lhs->pos);
      return Flow::kNormal;
    }
    case Op::kDot: {
      auto* d = static_cast<const DotNode*>(lhs);
      Value x, old, rhs, z;
      EVF(d->x, x);
      if (!getAttr(fr, x, d->name, old, lhs->pos)) return Flow::kError;
      EVF(a->rhs, rhs);
      if (!inplace(fr, a->token, old, rhs, z, n->pos)) return Flow::kError;
      if (!setField(fr, x, d->name, std::move(z), lhs->pos)) return Flow::kError;
      return Flow::kNormal;
    }
    default: {
      Value old, rhs, z;
      EVF(lhs, old);
      EVF(a->rhs, rhs);
      if (!inplace(fr, a->token, old, rhs, z, n->pos)) return Flow::kError;
      return store(fr, lhs, std::move(z));
    }
  }
}

Flow execIf(Frame& fr, const Node* n) {
  auto* i = static_cast<const IfNode*>(n);
  Value c;
  EVF(i->cond, c);
  return execBlock(fr, isTrue(c) ? i->then_body : i->else_body);
}

Flow execFor(Frame& fr, const Node* n) {
  auto* f = static_cast<const ForNode*>(n);
  Value x;
  EVF(f->x, x);
  const Node* target = f->target;
  const Block& body = f->body;
  return forEach(fr, x, n->pos, [&](const Value& e) -> Flow {
    Flow s = store(fr, target, Value(e));
    if (s != Flow::kNormal) [[unlikely]]
      return s;
    Flow r = execBlock(fr, body);
    return r == Flow::kContinue ? Flow::kNormal : r;
  });
}

// `for k, v in pairs` with two locals as the target: a 2-tuple (from items(), enumerate(),
// zip()) is stored into the slots directly; anything else goes through storeUnpack.
Flow execForPair(Frame& fr, const Node* n) {
  auto* f = static_cast<const ForNode*>(n);
  Value x;
  EVF(f->x, x);
  const Node* target = f->target;
  const auto& targets = static_cast<const SeqNode*>(target)->elems;
  Value* first = &fr.locals[static_cast<const VarNode*>(targets[0])->index];
  Value* second = &fr.locals[static_cast<const VarNode*>(targets[1])->index];
  const Block& body = f->body;
  return forEach(fr, x, n->pos, [&](const Value& e) -> Flow {
    if (e.is(ObjType::kTuple) && e.as<Tuple>()->elems().size() == 2) [[likely]] {
      const ValueVector& pair = e.as<Tuple>()->elems();
      setValue(*first, pair[0]);
      setValue(*second, pair[1]);
    } else {
      Flow s = store(fr, target, Value(e));
      if (s != Flow::kNormal) [[unlikely]]
        return s;
    }
    Flow r = execBlock(fr, body);
    return r == Flow::kContinue ? Flow::kNormal : r;
  });
}

// A for loop whose target is a single local.
Flow execForLocal(Frame& fr, const Node* n) {
  auto* f = static_cast<const ForNode*>(n);
  Value x;
  EVF(f->x, x);
  Value* slot = &fr.locals[static_cast<const VarNode*>(f->target)->index];
  const Block& body = f->body;
  if (x.is(ObjType::kRange)) {
    Thread& thread = *fr.thread;
    const Range* r = x.as<Range>();
    const int64_t len = *r->length();
    const int64_t step = r->step();
    int64_t v = r->start();
    for (int64_t i = 0; i < len; ++i, v += step) {
      if (tick(thread)) [[unlikely]]
        return raise(fr, cancelledError(thread), n->pos);
      setInline(*slot, Value::smallInt(v));
      Flow res = execBlock(fr, body);
      if (res != Flow::kNormal) [[unlikely]] {
        if (res == Flow::kContinue) continue;
        if (res == Flow::kBreak) break;
        return res;
      }
    }
    return Flow::kNormal;
  }
  return forEach(fr, x, n->pos, [&](const Value& e) -> Flow {
    setValue(*slot, e);
    Flow r = execBlock(fr, body);
    return r == Flow::kContinue ? Flow::kNormal : r;
  });
}

Flow execWhile(Frame& fr, const Node* n) {
  auto* w = static_cast<const WhileNode*>(n);
  Value c;
  for (;;) {
    if (tick(*fr.thread)) [[unlikely]]
      return raise(fr, cancelledError(*fr.thread), n->pos);
    EVF(w->cond, c);
    if (!isTrue(c)) break;
    Flow f = execBlock(fr, w->body);
    if (f == Flow::kBreak) break;
    if (f == Flow::kReturn || f == Flow::kError) return f;
  }
  return Flow::kNormal;
}

Flow execBreak(Frame&, const Node*) { return Flow::kBreak; }

Flow execContinue(Frame&, const Node*) { return Flow::kContinue; }

Flow execReturn(Frame& fr, const Node* n) {
  auto* r = static_cast<const ReturnNode*>(n);
  if (r->x != nullptr) {
    EVF(r->x, fr.result);
  } else {
    fr.result = Value();
  }
  return Flow::kReturn;
}

Flow execLoad(Frame& fr, const Node* node) {
  auto* n = static_cast<const LoadNode*>(node);
  Thread& thread = *fr.thread;
  if (!thread.load()) return raise(fr, "load not implemented by this application", n->pos);
  fr.pos = &n->pos;
  auto dict = thread.load()(thread, n->module);
  if (!dict) {
    return raise(fr, "cannot load " + n->module + ": " + dict.error().message(), n->pos);
  }
  ArgVec values;
  for (std::string_view from : n->from) {
    auto it = dict->find(from);
    if (it == dict->end()) {
      std::string msg = "load: name " + std::string(from) + " not found in module " + n->module;
      std::vector<std::string_view> keys;
      for (const auto& [k, v] : *dict) keys.push_back(k);
      std::string_view hint = spell::nearest(from, keys);
      if (!hint.empty()) msg += " (did you mean " + std::string(hint) + "?)";
      return raise(fr, std::move(msg), n->pos);
    }
    values.push_back(it->second);
  }
  for (size_t i = 0; i < n->to.size(); ++i) {
    Flow f = store(fr, n->to[i], std::move(values[i]));
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

[[gnu::cold]] bool evalInvalid(Frame& fr, const Node* n, Value&) {
  return fail(fr, "internal error: node is not an expression", n->pos);
}

[[gnu::cold]] Flow execInvalid(Frame& fr, const Node* n) {
  return raise(fr, "internal error: node is not a statement", n->pos);
}

[[gnu::cold]] Flow storeInvalid(Frame& fr, const Node* n, Value&&) {
  return raise(fr, "internal error: node is not an assignment target", n->pos);
}

bool isLocalOrConst(const Node* n) { return n->op == Op::kLocal || n->op == Op::kConst; }

EvalFn binaryHandler(const BinaryNode* b) {
  if (!isLocalOrConst(b->x) || !isLocalOrConst(b->y)) return evalBinary;
  bool xl = b->x->op == Op::kLocal;
  bool yl = b->y->op == Op::kLocal;
  if (xl && yl) return evalBinaryLC<Op::kLocal, Op::kLocal>;
  if (xl) return evalBinaryLC<Op::kLocal, Op::kConst>;
  if (yl) return evalBinaryLC<Op::kConst, Op::kLocal>;
  return evalBinaryLC<Op::kConst, Op::kConst>;
}

void link(Node* n) {
  n->eval_fn = evalInvalid;
  n->exec_fn = execInvalid;
  n->store_fn = storeInvalid;
  switch (n->op) {
    case Op::kConst:
      n->eval_fn = evalConst;
      break;
    case Op::kLocal:
      n->eval_fn = evalLocal;
      n->store_fn = storeLocal;
      break;
    case Op::kLocalCell:
      n->eval_fn = evalLocalCell;
      n->store_fn = storeLocalCell;
      break;
    case Op::kFree:
      n->eval_fn = evalFree;
      break;
    case Op::kGlobal:
      n->eval_fn = evalGlobal;
      n->store_fn = storeGlobal;
      break;
    case Op::kNot:
      n->eval_fn = evalNot;
      break;
    case Op::kUnary:
      n->eval_fn = evalUnary;
      break;
    case Op::kBinary:
      n->eval_fn = binaryHandler(static_cast<const BinaryNode*>(n));
      break;
    case Op::kAnd:
      n->eval_fn = evalAnd;
      break;
    case Op::kOr:
      n->eval_fn = evalOr;
      break;
    case Op::kCond:
      n->eval_fn = evalCond;
      break;
    case Op::kIndex: {
      auto* i = static_cast<IndexNode*>(n);
      n->eval_fn = evalIndex;
      if (i->y->op == Op::kConst && static_cast<const ConstNode*>(i->y)->value.isString()) {
        n->eval_fn = evalIndexString;
        i->key_hash = hashBytes(static_cast<const ConstNode*>(i->y)->value.str());
      }
      n->store_fn = storeIndex;
      break;
    }
    case Op::kSlice:
      n->eval_fn = evalSlice;
      break;
    case Op::kDot:
      n->eval_fn = evalDot;
      n->store_fn = storeDot;
      break;
    case Op::kCall: {
      auto* c = static_cast<const CallNode*>(n);
      n->eval_fn = c->simple() ? evalCallSimple : evalCall;
      if (!c->simple() && c->varargs == nullptr && c->kwargs == nullptr) n->eval_fn = evalCallKw;
      if (c->simple() && c->args.size() == 1 && c->fn->op == Op::kConst) {
        const Value& fn = static_cast<const ConstNode*>(c->fn)->value;
        if (fn.identical(*universeLookup("type"))) n->eval_fn = evalCallType;
        if (fn.identical(*universeLookup("len"))) n->eval_fn = evalCallLen;
      }
      break;
    }
    case Op::kMethodCall: {
      auto* c = static_cast<const CallNode*>(n);
      n->eval_fn = c->simple() ? evalMethodCallSimple : evalCall;
      if (c->simple() && c->name == "append" && c->args.size() == 1) n->eval_fn = evalAppendCall;
      break;
    }
    case Op::kList:
      n->eval_fn = evalList;
      break;
    case Op::kTuple:
      n->eval_fn = evalTuple;
      break;
    case Op::kDict:
      n->eval_fn = evalDict;
      break;
    case Op::kComprehension: {
      auto* c = static_cast<const CompNode*>(n);
      const auto& cl = c->clauses;
      n->eval_fn = evalComprehension;
      if (!c->curly && cl[0].target->op == Op::kLocal) {
        if (cl.size() == 1) n->eval_fn = evalListCompSimple<false>;
        if (cl.size() == 2 && cl[1].target == nullptr) n->eval_fn = evalListCompSimple<true>;
      }
      break;
    }
    case Op::kFunction:
      n->eval_fn = evalFunction;
      break;
    case Op::kUnpack: {
      auto* seq = static_cast<SeqNode*>(n);
      seq->all_vars = std::all_of(seq->elems.begin(), seq->elems.end(), [](const Node* t) {
        return t->op == Op::kLocal || t->op == Op::kLocalCell || t->op == Op::kGlobal;
      });
      n->store_fn = storeUnpack;
      break;
    }
    case Op::kExprStmt:
      n->exec_fn = execExpr;
      break;
    case Op::kAssign:
      n->exec_fn =
          static_cast<const AssignNode*>(n)->lhs->op == Op::kLocal ? execAssignLocal : execAssign;
      break;
    case Op::kAugAssign: {
      auto* a = static_cast<const AssignNode*>(n);
      if (a->lhs->op != Op::kLocal) {
        n->exec_fn = execAugAssign;
      } else if (a->rhs->op == Op::kConst) {
        n->exec_fn = execAugLocal<true>;
      } else {
        n->exec_fn = execAugLocal<false>;
      }
      break;
    }
    case Op::kIf:
      n->exec_fn = execIf;
      break;
    case Op::kFor: {
      const Node* target = static_cast<const ForNode*>(n)->target;
      n->exec_fn = execFor;
      if (target->op == Op::kLocal) {
        n->exec_fn = execForLocal;
      } else if (target->op == Op::kUnpack) {
        const auto& elems = static_cast<const SeqNode*>(target)->elems;
        if (elems.size() == 2 && elems[0]->op == Op::kLocal && elems[1]->op == Op::kLocal) {
          n->exec_fn = execForPair;
        }
      }
      break;
    }
    case Op::kWhile:
      n->exec_fn = execWhile;
      break;
    case Op::kBreak:
      n->exec_fn = execBreak;
      break;
    case Op::kContinue:
      n->exec_fn = execContinue;
      break;
    case Op::kReturn:
      n->exec_fn = execReturn;
      break;
    case Op::kLoad:
      n->exec_fn = execLoad;
      break;
  }
}

}  // namespace

void linkProgram(Program& program) {
  for (Node* n : program.nodes.objects()) link(n);
}

void captureStack(Thread& thread, Error& err) {
  if (err.hasStack()) return;
  auto& stack = err.mutableStack();
  stack.clear();
  for (const auto& rec : thread.internal().frames) {
    StackFrame sf;
    if (rec.frame != nullptr) {
      sf.function = rec.frame->fn->code().name;
      if (const Position* p = rec.frame->pos) {
        if (p->file != nullptr) sf.file = *p->file;
        sf.line = p->line;
        sf.col = p->col;
      }
    } else {
      sf.function = std::string(rec.builtin);
    }
    stack.push_back(std::move(sf));
  }
  err.setHasStack();
}

namespace {

// Whether code is already active on the thread (other than in the newest frame).
[[gnu::noinline]] bool calledRecursively(const Thread::Internal& ti, const FuncCode& code) {
  for (size_t i = 0; i + 1 < ti.frames.size(); ++i) {
    const Frame* other = ti.frames[i].frame;
    if (other != nullptr && &other->fn->code() == &code) return true;
  }
  return false;
}

// The general case of binding arguments to parameters; false (error in the frame) on failure.
[[gnu::noinline]] bool bindArgs(Frame& fr, const CallArgs& args) {
  auto ok = setArgs(fr.locals, *fr.fn, args);
  if (!ok) return fail(fr, std::move(ok).error(), fr.fn->code().pos);
  return true;
}

// The local slots of one call, unbound on entry; small functions keep them on the C++ stack.
class Locals {
 public:
  explicit Locals(size_t n) : size_(n) {
    data_ = n <= kInline ? reinterpret_cast<Value*>(inline_)
                         : static_cast<Value*>(::operator new(n * sizeof(Value)));
  }
  ~Locals() {
    for (size_t i = 0; i < size_; ++i) std::destroy_at(&data_[i]);
    if (size_ > kInline) ::operator delete(data_);
  }
  Locals(const Locals&) = delete;
  Locals& operator=(const Locals&) = delete;
  Value* data() { return data_; }

 private:
  static constexpr size_t kInline = 16;
  alignas(Value) unsigned char inline_[kInline * sizeof(Value)];
  Value* data_;
  size_t size_;
};

// Runs fn's body in a new frame over `locals`, which hold the arguments if `bound`; otherwise
// bind(frame) binds them, returning false with the error in the frame.
template <class Bind>
bool runFunction(Thread& thread, Function& fn, Value* locals, bool bound, const Bind& bind,
                 Value& out, std::optional<Error>& err) {
  const FuncCode& code = fn.code();
  auto& ti = thread.internal();
  Frame fr{&thread, &fn, &fn.module(), locals, &code.pos, Value(), std::nullopt};
  ti.frames.push_back({&fr, {}});
  struct Pop {
    std::vector<Thread::Internal::FrameRec>& frames;
    ~Pop() { frames.pop_back(); }
  } pop{ti.frames};

  Flow f;
  if (tick(thread)) [[unlikely]] {
    fail(fr, cancelledError(thread), code.pos);
    f = Flow::kError;
  } else if (tooDeep(thread)) [[unlikely]] {
    fail(fr, "maximum recursion depth exceeded", code.pos);
    f = Flow::kError;
  } else if (!code.recursion && calledRecursively(ti, code)) [[unlikely]] {
    fail(fr, "function " + code.name + " called recursively", code.pos);
    f = Flow::kError;
  } else if (!bound && !bind(fr)) [[unlikely]] {
    f = Flow::kError;
  } else {
    for (int32_t c : code.cells) locals[c] = make<Cell>(std::move(locals[c]));
    f = execBlock(fr, code.body);
  }
  if (f == Flow::kError) [[unlikely]] {
    err = std::move(fr.error);
    return false;
  }
  if (f == Flow::kReturn) {
    out = std::move(fr.result);
  } else {
    setInline(out, Value());
  }
  return true;
}

// The parameter slots of fn's code that call site c's keywords name, from the site's cache, or
// null when a keyword names no parameter or one given positionally (an error for setArgs to
// word) or fn takes *args or **kwargs (setArgs's work).
const uint32_t* kwSlots(const CallNode* c, const FuncCode& code, size_t npos) {
  constexpr uint64_t kEmpty = 0, kBusy = ~uint64_t{0};
  const uint64_t cached = c->kw_cache.load(std::memory_order_acquire);
  if (cached == code.id) [[likely]]
    return c->kw_slots.data();
  const auto nparams = static_cast<size_t>(code.num_params);
  if (code.has_varargs || code.has_kwargs || nparams > 64 ||
      npos > nparams - static_cast<size_t>(code.num_kwonly)) {
    return nullptr;
  }
  constexpr size_t kMaxKw = 16;
  const size_t nkw = c->kw_names.size();
  if (nkw > kMaxKw) return nullptr;
  std::array<uint32_t, kMaxKw> slots;
  for (size_t k = 0; k < nkw; ++k) {
    size_t i = npos;
    while (i < nparams && *code.local_names[i] != c->kw_names[k]) ++i;
    if (i == nparams) return nullptr;
    slots[k] = static_cast<uint32_t>(i);
  }
  // The first callee seen keeps the cache: call sites rarely call more than one function.
  uint64_t expected = kEmpty;
  if (cached == kEmpty &&
      c->kw_cache.compare_exchange_strong(expected, kBusy, std::memory_order_acquire)) {
    std::copy_n(slots.begin(), nkw, c->kw_slots.begin());
    c->kw_cache.store(code.id, std::memory_order_release);
    return c->kw_slots.data();
  }
  // Another callee owns the cache: the slots go to a per-thread copy.
  thread_local std::array<uint32_t, kMaxKw> uncached;
  uncached = slots;
  return uncached.data();
}

// Constructs fn's locals (raw storage) from the values of call site c (positional, then
// keyword), the rest unbound, when the binding is plain: fn has no *args or **kwargs, no more
// positional arguments than positional parameters, each keyword names a parameter not given
// positionally, and each parameter left has a default. Anything else (an error, unless fn
// takes *args or **kwargs) returns false with locals and values untouched, for setArgs. (The
// resolver has already rejected a repeated keyword.)
bool bindKwFast(Value* locals, const Function& fn, const CallNode* c, std::span<Value> values) {
  const FuncCode& code = fn.code();
  const size_t nkw = c->kw_names.size();
  const size_t npos = values.size() - nkw;
  const uint32_t* slots = kwSlots(c, code, npos);
  if (slots == nullptr) return false;
  const auto nparams = static_cast<size_t>(code.num_params);
  uint64_t given = 0;
  for (size_t k = 0; k < nkw; ++k) given |= uint64_t{1} << slots[k];
  const size_t first_default = nparams - fn.defaults.size();
  for (size_t i = npos; i < nparams; ++i) {
    if ((given >> i & 1) == 0 &&
        (i < first_default || fn.defaults[i - first_default].isUnbound())) {
      return false;  // missing
    }
  }
  for (size_t i = 0; i < npos; ++i) std::construct_at(&locals[i], std::move(values[i]));
  for (size_t i = npos; i < nparams; ++i) {
    if ((given >> i & 1) == 0) {
      std::construct_at(&locals[i], fn.defaults[i - first_default]);
      continue;
    }
    size_t k = 0;
    while (slots[k] != i) ++k;
    std::construct_at(&locals[i], std::move(values[npos + k]));
  }
  for (size_t i = nparams; i < static_cast<size_t>(code.num_locals); ++i) {
    std::construct_at(&locals[i], Value::unbound());
  }
  return true;
}

}  // namespace

bool invokeFunction(Thread& thread, Function& fn, const CallArgs& args, Value* movable, Value& out,
                    std::optional<Error>& err) {
  const FuncCode& code = fn.code();
  const auto nlocals = static_cast<size_t>(code.num_locals);
  Locals storage(nlocals);
  Value* locals = storage.data();

  // Fast path: exactly the positional arguments a plain function wants, moved from the
  // caller's buffer when it allows.
  size_t first_unbound = 0;
  const bool plain = args.named.empty() && !code.has_varargs && !code.has_kwargs &&
                     code.num_kwonly == 0 &&
                     args.positional.size() == static_cast<size_t>(code.num_params);
  if (plain) {
    first_unbound = args.positional.size();
    if (movable != nullptr) {
      for (size_t i = 0; i < first_unbound; ++i) {
        std::construct_at(&locals[i], std::move(movable[i]));
      }
    } else {
      for (size_t i = 0; i < first_unbound; ++i) std::construct_at(&locals[i], args.positional[i]);
    }
  }
  for (size_t i = first_unbound; i < nlocals; ++i) std::construct_at(&locals[i], Value::unbound());
  return runFunction(
      thread, fn, locals, plain, [&](Frame& fr) { return bindArgs(fr, args); }, out, err);
}

namespace {

bool invokeFunctionKw(Thread& thread, Function& fn, const CallNode* c, std::span<Value> values,
                      Value& out, std::optional<Error>& err) {
  const auto nlocals = static_cast<size_t>(fn.code().num_locals);
  Locals storage(nlocals);
  Value* locals = storage.data();
  const bool bound = bindKwFast(locals, fn, c, values);
  if (!bound) {
    for (size_t i = 0; i < nlocals; ++i) std::construct_at(&locals[i], Value::unbound());
  }
  const std::span<const std::string_view> kw_names = c->kw_names;
  const size_t npos = values.size() - kw_names.size();
  return runFunction(
      thread, fn, locals, bound,
      [&](Frame& fr) {
        KwVec kwargs;
        for (size_t k = 0; k < kw_names.size(); ++k) {
          kwargs.push_back(Kwarg{kw_names[k], std::move(values[npos + k])});
        }
        return bindArgs(fr, CallArgs{values.first(npos), kwargs.span()});
      },
      out, err);
}

}  // namespace

Result<Value> callFunction(Thread& thread, Function& fn, const CallArgs& args, Value* movable) {
  Value out;
  std::optional<Error> err;
  if (!invokeFunction(thread, fn, args, movable, out, err)) return std::unexpected(std::move(*err));
  return out;
}

Result<Value> callValue(Thread& thread, const Value& fn, const CallArgs& args) {
  if (fn.isObject()) {
    Object* o = fn.object();
    switch (o->objType()) {
      case ObjType::kFunction:
        return callFunction(thread, *static_cast<Function*>(o), args);
      case ObjType::kBuiltin: {
        auto* b = static_cast<Builtin*>(o);
        auto& frames = thread.internal().frames;
        frames.push_back({nullptr, b->name()});
        Result<Value> r = b->fn()(thread, BuiltinCall{b->name(), b->receiver(), b->data(), args});
        if (!r) [[unlikely]]
          captureStack(thread, r.error());
        frames.pop_back();
        return r;
      }
      case ObjType::kOther:
        if (auto* c = dynamic_cast<Callable*>(o)) {
          auto& frames = thread.internal().frames;
          frames.push_back({nullptr, c->name()});
          Result<Value> r = c->call(thread, args);
          if (!r) [[unlikely]]
            captureStack(thread, r.error());
          frames.pop_back();
          return r;
        }
        break;
      default:
        break;
    }
  }
  return makeError("invalid call of non-function (" + std::string(typeName(fn)) + ")");
}

Result<Value> runToplevel(Thread& thread, ModuleEnv& module, std::string_view name) {
  Program& prog = module.program();
  if (!name.empty()) prog.toplevel->name = std::string(name);
  Value fn = make<Function>(prog.toplevel, Value(&module));
  return callFunction(thread, *fn.as<Function>(), CallArgs{});
}

}  // namespace slant::starlark::eval

namespace slant::starlark {

Result<Value> call(Thread& thread, const Value& fn, CallArgs args) {
  return eval::callValue(thread, fn, args);
}

}  // namespace slant::starlark
