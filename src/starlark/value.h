// Starlark values: the representation every stage of the interpreter shares.
//
// A Value is 16 bytes: a tag and a payload. None, bools, ints that fit in int64 and floats are
// stored inline; everything else is an Object on the heap with an intrusive, non-atomic
// reference count (a Starlark program runs on one thread).
//
// Memory. Reference counting frees temporaries as soon as they die, which keeps peak memory low
// in loops. Reference cycles (`x = []; x.append(x)`) cannot be freed by counting alone, so every
// object created while a Heap is current (see HeapScope) is also linked into that Heap; dropping
// the Heap frees whatever is left, cycles included. The host keeps one Heap per execution of a
// program (a Tiltfile with everything it loads) and drops it with the results, so re-executing a
// file a thousand times does not grow memory. Objects made with no current Heap (the universe's
// builtins) live until their count drops to zero.
//
// Errors never cross a function boundary as exceptions: fallible operations return
// Result<T> = std::expected<T, Error>, and TRY propagates the error.
#pragma once

#include <cstdint>
#include <cstring>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "starlark/syntax/token.h"

namespace slant::starlark {

class Object;
class Thread;
class Heap;
class Iterator;

// ---- errors --------------------------------------------------------------------------------

/// One frame of a Starlark call stack, innermost last in Error::stack().
struct StackFrame {
  std::string function;  ///< "<toplevel>", a def's name, "lambda", or a builtin's name
  std::string file;      ///< empty for a builtin
  int32_t line = 0;
  int32_t col = 0;
};

/// An evaluation error: a message plus the call stack at the point it was raised.
class Error {
 public:
  explicit Error(std::string message) : data_(std::make_shared<Data>()) {
    data_->message = std::move(message);
  }

  /// The message alone, as go.starlark.net's EvalError.Msg / Error() ("key "x" not in dict").
  const std::string& message() const { return data_->message; }
  /// The call stack, outermost first; empty until the evaluator fills it in.
  const std::vector<StackFrame>& stack() const { return data_->stack; }
  std::vector<StackFrame>& mutableStack() { return data_->stack; }
  /// Whether the evaluator has already recorded the call stack.
  bool hasStack() const { return data_->has_stack; }
  void setHasStack() { data_->has_stack = true; }
  /// The full report, as go.starlark.net's EvalError.Backtrace():
  /// "Traceback (most recent call last):\n  f.star:3:1: in <toplevel>\n...Error: msg".
  std::string backtrace() const;

 private:
  struct Data {
    std::string message;
    std::vector<StackFrame> stack;
    bool has_stack = false;
  };
  std::shared_ptr<Data> data_;
};

template <class T>
using Result = std::expected<T, Error>;

/// Returns an error result with a message built from the arguments (strings, string_views, ints).
inline std::unexpected<Error> makeError(std::string message) {
  return std::unexpected<Error>(Error(std::move(message)));
}

/// Evaluates a Result-returning expression; on error returns the error from the enclosing
/// function, else yields the value.
#define TRY(expr)                                                             \
  ({                                                                          \
    auto&& _try_result = (expr);                                              \
    if (!_try_result) return std::unexpected(std::move(_try_result).error()); \
    std::move(_try_result).value();                                           \
  })

/// As TRY, for Result<void>.
#define TRY_VOID(expr)                                                        \
  do {                                                                        \
    auto&& _try_result = (expr);                                              \
    if (!_try_result) return std::unexpected(std::move(_try_result).error()); \
  } while (0)

// ---- values --------------------------------------------------------------------------------

/// The kinds of heap objects the interpreter knows; kOther is any host-defined type.
enum class ObjType : uint8_t {
  kString,
  kBigInt,
  kList,
  kTuple,
  kDict,
  kSet,
  kRange,
  kFunction,  ///< a def or lambda (eval/)
  kBuiltin,   ///< a C++ function or bound method
  kStruct,
  kModule,
  kOther,
};

/// A Starlark value. Copying shares the object (reference counting); moving steals it.
class Value {
 public:
  /// kUnbound is never seen by Starlark code: it marks an unassigned local variable slot or a
  /// deleted hash-table entry.
  enum class Tag : uint8_t { kNone, kBool, kInt, kFloat, kObject, kUnbound };

  Value() : tag_(Tag::kNone) { u_.i = 0; }
  static Value none() { return Value(); }
  static Value unbound() {
    Value v;
    v.tag_ = Tag::kUnbound;
    return v;
  }
  bool isUnbound() const { return tag_ == Tag::kUnbound; }
  static Value boolean(bool b) {
    Value v;
    v.tag_ = Tag::kBool;
    v.u_.b = b;
    return v;
  }
  /// A small int (use makeInt for results of arithmetic that may need a BigInt).
  static Value smallInt(int64_t i) {
    Value v;
    v.tag_ = Tag::kInt;
    v.u_.i = i;
    return v;
  }
  static Value floating(double f) {
    Value v;
    v.tag_ = Tag::kFloat;
    v.u_.f = f;
    return v;
  }
  /// Wraps an object, taking a new reference to it.
  explicit Value(Object* o);
  /// Wraps a freshly made object whose count is already 1 (see make<T>()).
  static Value adopt(Object* o) {
    Value v;
    v.tag_ = Tag::kObject;
    v.u_.o = o;
    return v;
  }

  Value(const Value& other) : tag_(other.tag_), u_(other.u_) { incref(); }
  Value(Value&& other) noexcept : tag_(other.tag_), u_(other.u_) { other.tag_ = Tag::kNone; }
  Value& operator=(const Value& other) {
    if (this != &other) {
      Value copy(other);
      swap(copy);
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      decref();
      tag_ = other.tag_;
      u_ = other.u_;
      other.tag_ = Tag::kNone;
    }
    return *this;
  }
  ~Value() { decref(); }
  void swap(Value& other) noexcept {
    std::swap(tag_, other.tag_);
    std::swap(u_, other.u_);
  }

  Tag tag() const { return tag_; }
  bool isNone() const { return tag_ == Tag::kNone; }
  bool isBool() const { return tag_ == Tag::kBool; }
  bool isSmallInt() const { return tag_ == Tag::kInt; }
  bool isFloat() const { return tag_ == Tag::kFloat; }
  bool isObject() const { return tag_ == Tag::kObject; }
  /// Whether this is an int, small or big.
  bool isInt() const;
  bool isString() const;
  bool is(ObjType t) const;

  bool asBool() const { return u_.b; }
  int64_t asSmallInt() const { return u_.i; }
  double asFloat() const { return u_.f; }
  Object* object() const { return u_.o; }
  /// The object as T (unchecked: test is(T::kType) first).
  template <class T>
  T* as() const {
    return static_cast<T*>(u_.o);
  }
  /// The object as T, or nullptr if this value is not a T.
  template <class T>
  T* tryAs() const {
    return is(T::kType) ? static_cast<T*>(u_.o) : nullptr;
  }
  /// The bytes of a string value (unchecked: test isString() first).
  std::string_view str() const;

  /// Identity: same tag and payload (same object). Not Starlark equality; see equal().
  bool identical(const Value& o) const { return tag_ == o.tag_ && u_.i == o.u_.i; }

 private:
  inline void incref() const;
  inline void decref();

  Tag tag_;
  union {
    bool b;
    int64_t i;
    double f;
    Object* o;
  } u_;
};

/// Blocks of up to 256 bytes come from per-thread free lists of 16-byte size classes (value.cc):
/// glibc's malloc is slow for the bursts of small blocks an interpreter makes and frees. Objects
/// and the element buffers of lists, tuples and dicts use it. poolFree must be given the size
/// that poolAllocate was.
void* poolAllocate(size_t size);
void poolFree(void* p, size_t size) noexcept;

/// An allocator over poolAllocate, for containers of Values.
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() noexcept = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)
  T* allocate(size_t n) { return static_cast<T*>(poolAllocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { poolFree(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }
};

/// The elements of a list or tuple, a call's arguments: a vector whose buffer is pooled.
using ValueVector = std::vector<Value, PoolAllocator<Value>>;

/// A heap-allocated Starlark value. Subclasses override the protocols they support; the defaults
/// say "not supported".
class Object {
 public:
  explicit Object(ObjType type);
  virtual ~Object();
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  ObjType objType() const { return type_; }
  /// The Starlark type name, as type(x) returns it ("list", "builtin_function_or_method").
  virtual std::string_view typeName() const = 0;
  /// Appends str(x) (quoted=false) or repr(x) (quoted=true). `path` holds the containers being
  /// printed, so that a cyclic list prints as [...].
  virtual void write(std::string& out, bool quoted, std::vector<const Object*>& path) const = 0;
  virtual bool truth() const { return true; }
  /// Returns the hash, or an error "unhashable type: T".
  virtual Result<uint32_t> hash() const;
  /// Makes this value and everything reachable from it immutable. Must tolerate cycles (set
  /// frozen_ before recursing).
  virtual void freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }

  /// Equality with another object of the same objType (or kOther subclasses); `depth` bounds
  /// recursion. The default is identity.
  virtual Result<bool> equals(const Object& other, int depth) const { return this == &other; }
  /// Ordered comparison with another object of the same type; the default is an error
  /// "T < T not implemented" (the caller formats it).
  virtual Result<int> compare(const Object& other, int depth) const;

  /// len(x), or nullopt if x has no length.
  virtual std::optional<int64_t> length() const { return std::nullopt; }

  /// Attribute x.name for fields (struct, module, host types); methods are found through
  /// findMethod. Returns nullopt when there is no such attribute.
  virtual Result<std::optional<Value>> attr(Thread& thread, std::string_view name) const {
    return std::nullopt;
  }
  /// All attribute names (fields and methods), sorted, for dir().
  virtual std::vector<std::string> attrNames() const { return {}; }
  /// What x.name says when attr found nothing (go.starlark.net's NoSuchAttrError); the default
  /// is "T has no .name field or method".
  virtual std::string noSuchAttr(std::string_view name) const;
  /// x.name = v. Default: error "T has no .name field" / cannot set.
  virtual Result<void> setAttr(std::string_view name, Value v);

  /// Releases every Value this object holds (used by Heap teardown to break cycles).
  virtual void clearChildren() {}

  /// Objects are allocated from per-thread free lists of small blocks (value.cc), which makes the
  /// interpreter's many short-lived lists, tuples and strings cheap to create and free.
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size);

  /// For iterable host types (kOther; e.g. the value of "abc".elems()): a new iterator over the
  /// elements, or nullptr if the type is not iterable (the default). Iterator::of falls back to
  /// it for types it does not know.
  virtual std::unique_ptr<Iterator> iterate() const;

  /// Which operand of a binary operator an object is, for binaryOp.
  enum class Side : uint8_t { kLeft, kRight };
  /// x op y for types that define their own operators (struct + struct, host types): `side` says
  /// whether this object is the left or the right operand. Returns nullopt when the operation is
  /// not defined here; binary() then reports "unknown binary op".
  virtual Result<std::optional<Value>> binaryOp(syntax::Token op, const Value& other,
                                                Side side) const {
    return std::nullopt;
  }

  // --- reference counting (for Value only) ---
  void incref() { ++refs_; }
  /// Returns true when the count reached zero and the object must be deleted.
  bool decref() { return --refs_ == 0; }

 protected:
  bool frozen_ = false;

 private:
  friend class Heap;
  uint32_t refs_ = 1;
  ObjType type_;
  Heap* heap_ = nullptr;
  Object* heap_prev_ = nullptr;
  Object* heap_next_ = nullptr;
};

inline void Value::incref() const {
  if (tag_ == Tag::kObject) u_.o->incref();
}
inline void Value::decref() {
  if (tag_ == Tag::kObject && u_.o->decref()) delete u_.o;
}
inline Value::Value(Object* o) : tag_(Tag::kObject) {
  u_.o = o;
  o->incref();
}
inline bool Value::is(ObjType t) const { return tag_ == Tag::kObject && u_.o->objType() == t; }
inline bool Value::isString() const { return is(ObjType::kString); }
inline bool Value::isInt() const { return tag_ == Tag::kInt || is(ObjType::kBigInt); }

/// Creates a T (an Object subclass) and wraps it in a Value that owns it.
template <class T, class... A>
Value make(A&&... args) {
  return Value::adopt(new T(std::forward<A>(args)...));
}

/// The objects created while it is current, so that dropping it frees them all, cycles included.
class Heap {
 public:
  Heap() = default;
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;
  /// Frees every object still linked here. No Value into this heap may be used afterwards.
  ~Heap();

  /// The heap new objects are linked into on this thread, or nullptr.
  static Heap* current();
  /// Number of live objects linked into this heap.
  size_t size() const { return size_; }

 private:
  friend class Object;
  friend class HeapScope;
  friend Value makeString(std::string s);
  friend Value typeString(const Value& x);
  void link(Object* o);
  void unlink(Object* o);
  Object* head_ = nullptr;
  size_t size_ = 0;
  // The empty string (index 256) and the one-byte strings, made on first use; each slot holds a
  // reference. Sharing them per heap (not per process) keeps reference counts single-threaded.
  Object* short_strings_[257] = {};
  // typeString's names of the built-in types, made on first use, each slot holding a reference:
  // the inline kinds by Value::Tag, then the objects by ObjType.
  Object* type_names_[16] = {};
};

/// Makes `heap` current on this thread for its lifetime (restoring the previous one after).
class HeapScope {
 public:
  explicit HeapScope(Heap* heap);
  ~HeapScope();
  HeapScope(const HeapScope&) = delete;
  HeapScope& operator=(const HeapScope&) = delete;

 private:
  Heap* previous_;
};

// ---- built-in object types -----------------------------------------------------------------

/// An immutable byte string. Starlark strings are byte sequences (usually UTF-8).
class String final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kString;
  explicit String(std::string s) : Object(kType), s_(std::move(s)) { frozen_ = true; }
  std::string_view typeName() const override { return "string"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return !s_.empty(); }
  Result<uint32_t> hash() const override;
  Result<bool> equals(const Object& other, int depth) const override;
  Result<int> compare(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return static_cast<int64_t>(s_.size()); }
  const std::string& value() const { return s_; }

 private:
  std::string s_;
  mutable uint32_t hash_ = 0;  // 0 = not computed yet
};

inline std::string_view Value::str() const { return as<String>()->value(); }

/// Makes a string value.
Value makeString(std::string s);

/// type(x) as a string value. The names of the built-in types are made once per heap and shared,
/// as type() is called over and over in configuration code.
Value typeString(const Value& x);

/// An int outside int64's range (GMP's mpz). Arithmetic results are normalised: a value that fits
/// int64 is always a small int, never a BigInt.
class BigInt;

/// Returns an int value for i.
inline Value makeInt(int64_t i) { return Value::smallInt(i); }

/// A mutable list.
class List final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kList;
  List() : Object(kType) {}
  explicit List(ValueVector elems) : Object(kType), elems_(std::move(elems)) {}
  std::string_view typeName() const override { return "list"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return !elems_.empty(); }
  void freeze() override;
  Result<bool> equals(const Object& other, int depth) const override;
  Result<int> compare(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return static_cast<int64_t>(elems_.size()); }
  void clearChildren() override { elems_.clear(); }

  const ValueVector& elems() const { return elems_; }
  /// Returns an error if the list is frozen or being iterated ("cannot append to list during
  /// iteration", "cannot append to frozen list"); `verb` names the operation.
  Result<void> checkMutable(std::string_view verb) const;
  /// Direct access for mutators that have called checkMutable.
  ValueVector& mutableElems() { return elems_; }

  /// Active iterations; mutation is an error while non-zero.
  int32_t iterating = 0;

 private:
  ValueVector elems_;
};

/// An immutable tuple.
class Tuple final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kTuple;
  Tuple() : Object(kType) {}
  explicit Tuple(ValueVector elems) : Object(kType), elems_(std::move(elems)) {}
  std::string_view typeName() const override { return "tuple"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return !elems_.empty(); }
  Result<uint32_t> hash() const override;
  void freeze() override;
  Result<bool> equals(const Object& other, int depth) const override;
  Result<int> compare(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return static_cast<int64_t>(elems_.size()); }
  void clearChildren() override { elems_.clear(); }
  const ValueVector& elems() const { return elems_; }

 private:
  ValueVector elems_;
};

/// An insertion-ordered hash table from hashable values to values (go.starlark.net's
/// hashtable.go): the representation of dict and set.
class HashTable {
 public:
  struct Entry {
    Value key;
    Value value;
    uint32_t hash;
  };
  /// The value for key, or nullopt; errors if key is unhashable.
  Result<std::optional<Value>> get(const Value& key) const;
  /// The value for a string key whose hash is h, or null. `hint` is the slot position to try
  /// first; it is set to where the key was found. A call site that looks up the same literal key
  /// in dicts built alike (`obj["metadata"]` over a list of objects) finds it at once. Comparing
  /// a string with any key cannot fail, so this needs no Result.
  const Value* findString(const Value& key, uint32_t h, uint32_t& hint) const {
    if (hint < slots_.size()) {
      const Entry& e = slots_[hint];
      if (e.hash == h && e.key.identical(key)) return &e.value;
    }
    return findStringSlow(key, h, hint);
  }
  /// Inserts or replaces. The caller checks mutability first.
  Result<void> insert(const Value& key, Value value);
  /// Removes key and returns its value, or nullopt if absent.
  Result<std::optional<Value>> remove(const Value& key);
  void clear();
  size_t size() const;
  /// Live entries in insertion order.
  std::vector<const Entry*> entries() const;
  /// Calls fn(entry) for each live entry in insertion order; stops when fn returns false.
  template <class F>
  void forEach(F&& fn) const {
    for (const Entry& e : slots_)
      if (!e.key.isUnbound() && !fn(e)) return;
  }
  /// Makes room for n entries without rehashing.
  void reserve(size_t n);
  /// The number of slots (live or deleted) in insertion order, for iterators: a deleted slot's
  /// key is Value::unbound(). Slots do not move while the table is not mutated.
  size_t slotCount() const { return slots_.size(); }
  const Entry& slot(size_t i) const { return slots_[i]; }

 private:
  // The implementation (hashtable.cc) may change these private members freely.
  // Position in slots_ of key (whose hash is h), or -1.
  Result<int32_t> find(const Value& key, uint32_t h) const;
  const Value* findStringSlow(const Value& key, uint32_t h, uint32_t& hint) const;
  void rebuildIndex(size_t capacity);
  // Insertion order; a deleted entry's key is Value::unbound(). Pooled, as most dicts are small.
  std::vector<Entry, PoolAllocator<Entry>> slots_;
  // Open addressing into slots_: -1 empty, -2 deleted; empty while the table is small enough to
  // scan.
  std::vector<int32_t> index_;
  size_t live_ = 0;
  size_t index_used_ = 0;  // cells of index_ that are not empty
};

/// A mutable, insertion-ordered dict.
class Dict final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kDict;
  Dict() : Object(kType) {}
  std::string_view typeName() const override { return "dict"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return table.size() != 0; }
  void freeze() override;
  Result<bool> equals(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return static_cast<int64_t>(table.size()); }
  void clearChildren() override { table.clear(); }

  /// Returns an error if frozen or being iterated ("cannot insert into frozen hash table",
  /// "cannot insert into hash table during iteration"); `verb` is "insert into", "delete from",
  /// "clear".
  Result<void> checkMutable(std::string_view verb) const;
  /// d[key] = value, with the mutability check.
  Result<void> set(const Value& key, Value value);

  HashTable table;
  int32_t iterating = 0;
};

/// A mutable, insertion-ordered set (values in HashTable::Entry::value are None).
class Set final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kSet;
  Set() : Object(kType) {}
  std::string_view typeName() const override { return "set"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return table.size() != 0; }
  void freeze() override;
  Result<bool> equals(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return static_cast<int64_t>(table.size()); }
  void clearChildren() override { table.clear(); }
  Result<void> checkMutable(std::string_view verb) const;
  /// Adds x, with the mutability check.
  Result<void> add(const Value& x);

  HashTable table;
  int32_t iterating = 0;
};

/// The value of range(start, stop, step).
class Range final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kRange;
  Range(int64_t start, int64_t stop, int64_t step);
  std::string_view typeName() const override { return "range"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return len_ > 0; }
  Result<uint32_t> hash() const override;
  Result<bool> equals(const Object& other, int depth) const override;
  std::optional<int64_t> length() const override { return len_; }
  int64_t start() const { return start_; }
  int64_t step() const { return step_; }
  int64_t at(int64_t i) const { return start_ + i * step_; }

 private:
  int64_t start_, stop_, step_, len_;
};

// ---- calls ---------------------------------------------------------------------------------

/// A keyword argument. `name` stays valid for the duration of the call.
struct Kwarg {
  std::string_view name;
  Value value;
};

/// The arguments of one call, after *args and **kwargs have been expanded.
struct CallArgs {
  std::span<const Value> positional;
  std::span<const Kwarg> named;
};

/// What a C++ function receives besides the thread.
struct BuiltinCall {
  std::string_view name;  ///< the function's or method's name, for messages ("len", "append")
  const Value& receiver;  ///< the bound receiver for a method, None for a plain function
  void* data;             ///< the host data given to the Builtin, or nullptr
  CallArgs args;
};
/// A function implemented in C++. A method of a built-in type is called directly with its
/// receiver (the evaluator's x.f(...) fast path builds no bound-method object).
using BuiltinFn = Result<Value> (*)(Thread& thread, const BuiltinCall& call);

/// A C++ function value, or a method bound to its receiver ("list.append" bound to a list).
class Builtin final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kBuiltin;
  Builtin(std::string name, BuiltinFn fn, Value receiver = Value(), void* data = nullptr)
      : Object(kType),
        name_(std::move(name)),
        fn_(fn),
        receiver_(std::move(receiver)),
        data_(data) {}
  std::string_view typeName() const override { return "builtin_function_or_method"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<uint32_t> hash() const override;
  /// Freezes the bound receiver, as go.starlark.net does.
  void freeze() override;
  Result<bool> equals(const Object& other, int depth) const override;
  void clearChildren() override { receiver_ = Value(); }

  const std::string& name() const { return name_; }
  BuiltinFn fn() const { return fn_; }
  /// The bound receiver, or None for a plain function.
  const Value& receiver() const { return receiver_; }
  bool isMethod() const { return !receiver_.isNone(); }
  void* data() const { return data_; }

 private:
  std::string name_;
  BuiltinFn fn_;
  Value receiver_;
  void* data_;
};

/// A method of a built-in type: called with the receiver in Builtin::receiver().
struct Method {
  std::string_view name;
  BuiltinFn fn;
};

/// The methods of a value's type (str, list, dict, set, ...), or nullptr. Implemented by lib/.
const Method* findMethod(const Value& x, std::string_view name);
/// The method names of x's type, sorted, for dir().
std::vector<std::string> methodNames(const Value& x);
/// The error of x.name when x has no such field or method, as go.starlark.net's getAttr words
/// it: Object::noSuchAttr (or "T has no .name field or method"), then "(did you mean .n?)" when
/// one of x's methods or attributes is spelled close to name.
std::string noSuchAttrMessage(const Value& x, std::string_view name);

// ---- value semantics (value.cc, ops.cc) ------------------------------------------------------

/// type(x).
std::string_view typeName(const Value& x);
/// str(x): strings unquoted.
std::string str(const Value& x);
/// repr(x).
std::string repr(const Value& x);
/// Appends str(x) or repr(x) to out.
void writeValue(std::string& out, const Value& x, bool quoted);
/// As writeValue, with the cycle guard for containers.
void writeValue(std::string& out, const Value& x, bool quoted, std::vector<const Object*>& path);
/// bool(x).
bool truth(const Value& x);
/// hash(x), or "unhashable type: T".
Result<uint32_t> hash(const Value& x);
/// x == y (may fail: comparison depth exceeded).
Result<bool> equal(const Value& x, const Value& y);
/// The comparison x op y, op one of kEql kNeq kLt kLe kGt kGe; errors as go.starlark.net
/// ("int < string not implemented").
Result<bool> compare(syntax::Token op, const Value& x, const Value& y);
/// Three-way comparison for sorted(), min(), max(): <0, 0, >0.
Result<int> compare3(const Value& x, const Value& y);
/// x op y for every binary operator (arithmetic, bitwise, %, in, not in, comparisons); errors as
/// go.starlark.net ("unknown binary op: int + string").
Result<Value> binary(syntax::Token op, const Value& x, const Value& y);
/// -x, +x, ~x, not x.
Result<Value> unary(syntax::Token op, const Value& x);
/// x[y].
Result<Value> getIndex(const Value& x, const Value& y);
/// x[y] = z.
Result<void> setIndex(const Value& x, const Value& y, Value z);
/// x[lo:hi:step]; absent bounds are None.
Result<Value> slice(const Value& x, const Value& lo, const Value& hi, const Value& step);
/// len(x), or nullopt if x has no length.
std::optional<int64_t> length(const Value& x);
/// Makes x and everything reachable from it immutable.
void freeze(const Value& x);
/// Whether x is frozen (inline values and strings always are).
bool isFrozen(const Value& x);
/// format % args (the string % operator).
Result<Value> interpolate(std::string_view format, const Value& args);

/// Iterates over any iterable value. Construct with Iterator::of; keeps the container's
/// `iterating` count raised while alive, so that mutation during iteration is an error.
class Iterator {
 public:
  virtual ~Iterator() = default;
  /// Stores the next element in out and returns true, or returns false at the end.
  virtual bool next(Value& out) = 0;
  /// An iterator over x, or an error "T is not iterable" (with the type name).
  static Result<std::unique_ptr<Iterator>> of(const Value& x);
};

inline std::unique_ptr<Iterator> Object::iterate() const { return nullptr; }

/// Copies the elements of an iterable into a vector (or errors: not iterable).
Result<ValueVector> collect(const Value& iterable);

// ---- helpers for implementing types and builtins (value.cc, ops.cc) ---------------------------

/// The depth to which equal() and compare() follow nested containers before failing with
/// "comparison exceeded maximum recursion depth" (go.starlark.net's maxdepth).
inline constexpr int kMaxCompareDepth = 10;
/// x == y, for Object::equals implementations: pass depth - 1 for elements. Errors when depth < 1.
Result<bool> equalDepth(const Value& x, const Value& y, int depth);
/// Three-way comparison, for Object::compare implementations: pass depth - 1 for elements.
/// Errors when depth < 1 or the values are not ordered ("int < string not implemented").
Result<int> compareDepth(const Value& x, const Value& y, int depth);
/// The value of an int that fits in 32 bits (go.starlark.net's AsInt32, used for indices and
/// counts); errors "got T, want int" or "N out of range".
Result<int32_t> asInt32(const Value& x);
/// An int, or a float truncated toward zero (go.starlark.net's NumberToInt); errors "cannot
/// convert T to int", "cannot convert float NaN to integer", "... infinity to integer".
Result<Value> numberToInt(const Value& x);
/// Appends s as a double-quoted literal with Go's strconv.Quote escapes (\n, \x.., \u....).
void writeQuoted(std::string& out, std::string_view s);
/// Returns the code point r quoted as Go's %q formats a rune: 'x', '\n', '\x01', '\u00a0'.
std::string quoteRune(int32_t r);
/// Appends a float as go.starlark.net formats it: conv 'g'/'G' is the shortest round-trip form
/// with ".0" added when it would look like an int (str and repr use 'g'); 'e', 'E', 'f' use six
/// decimals; nan, +inf, -inf are spelled so.
void writeFloat(std::string& out, double f, char conv);
/// The hash of a string's bytes (strings cache it).
uint32_t hashBytes(std::string_view s);

// ---- ints (int.cc) --------------------------------------------------------------------------

/// Parses an int literal or int(s, base) string (base 0 or 2..36); errors as go.starlark.net's
/// int(): "int: invalid literal with base 10: abc", "int: base must be an integer >= 2 && <= 36".
Result<Value> parseInt(std::string_view s, int base);
/// Makes an int from a decimal digit string (used by the evaluator for big literals).
Value makeIntFromDecimal(std::string_view digits);
/// The int's value as int64, or an error: "got T, want int", or "N out of range (want value in
/// signed 64-bit range)".
Result<int64_t> toInt64(const Value& x);
/// For an int x (small or big), the value as a double (may round), or an error "int too large to
/// convert to float".
Result<double> intToFloat(const Value& x);
/// The int nearest to a finite double (for int(float)); errors on nan/inf.
Result<Value> floatToInt(double f);

// ---- the predeclared environment -------------------------------------------------------------

/// The universe: Starlark's builtin functions (len, range, dict, ...) as name/value pairs. The
/// values are immortal. Implemented by lib/.
const std::vector<std::pair<std::string, Value>>& universe();

}  // namespace slant::starlark
