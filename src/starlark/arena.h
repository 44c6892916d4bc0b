// A bump allocator for the trees of one file: the syntax tree (syntax/ast.h) and the compiled
// program (eval/code.h). A 2,000-line file has tens of thousands of nodes; one malloc and free
// for each was a third of the parse time, and as much again of compiling and dropping a program.
//
// Blocks are recycled: an arena that goes gives its 64 KiB blocks (up to kMaxSpareBlocks) and
// its lists (of objects, of destructors) to the next arena made on the same thread. Parsing a file again then asks
// malloc for nothing, and no 64 KiB block is freed per file: freeing one made glibc consolidate
// its fast bins and hand the top of the heap back to the system, only for the next file to ask
// for it again (together 2% of the instructions of executing a 2,000-line file, and two system
// calls per arena).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace slant::starlark {

namespace arena_detail {

inline constexpr size_t kBlockSize = 64 * 1024;
/// At most this many blocks (2 MiB) wait on a thread for the next arena.
inline constexpr size_t kMaxSpareBlocks = 32;

using Block = std::unique_ptr<std::byte[]>;

inline std::vector<Block>& spareBlocks() {
  thread_local std::vector<Block> spare;
  return spare;
}

}  // namespace arena_detail

/// Owns objects of one class hierarchy, allocated from 64 KiB blocks. Base has no virtual
/// destructor: the arena remembers the destructor of each object whose type has a non-trivial
/// one and runs those in reverse order of creation when it goes; the others (most nodes, whose
/// lists are arena arrays) cost nothing to drop. Trivially destructible helpers and arrays may
/// share the blocks (makeTrivial, makeArray).
template <class Base>
class Arena {
  static_assert(!std::has_virtual_destructor_v<Base>,
                "the arena runs each type's own destructor; a virtual one would only cost");

 public:
  Arena() {
    objects_.swap(spare().objects);
    destructors_.swap(spare().destructors);
  }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    for (auto it = destructors_.rbegin(); it != destructors_.rend(); ++it) it->destroy(it->object);
    auto& blocks = arena_detail::spareBlocks();
    for (auto& block : blocks_) {
      if (blocks.size() == arena_detail::kMaxSpareBlocks) break;
      blocks.push_back(std::move(block));
    }
    objects_.clear();
    destructors_.clear();
    Lists& lists = spare();
    if (objects_.capacity() > lists.objects.capacity()) objects_.swap(lists.objects);
    if (destructors_.capacity() > lists.destructors.capacity()) {
      destructors_.swap(lists.destructors);
    }
  }

  /// Creates a T (derived from Base) that lives as long as the arena.
  template <class T, class... A>
  T* make(A&&... args) {
    static_assert(std::is_base_of_v<Base, T> && alignof(T) <= alignof(std::max_align_t));
    T* p = new (allocate(sizeof(T))) T(std::forward<A>(args)...);
    objects_.push_back(p);
    if constexpr (!std::is_trivially_destructible_v<T>) {
      destructors_.push_back({p, [](void* object) { static_cast<T*>(object)->~T(); }});
    }
    return p;
  }
  /// Creates a trivially destructible T that lives as long as the arena.
  template <class T, class... A>
  T* makeTrivial(A&&... args) {
    static_assert(std::is_trivially_destructible_v<T> && alignof(T) <= alignof(std::max_align_t));
    return new (allocate(sizeof(T))) T(std::forward<A>(args)...);
  }
  /// An array of n value-initialised Ts (trivially destructible) that lives as long as the arena.
  template <class T>
  std::span<T> makeArray(size_t n) {
    static_assert(std::is_trivially_destructible_v<T> && alignof(T) <= alignof(std::max_align_t));
    if (n == 0) return {};
    T* p = static_cast<T*>(allocate(n * sizeof(T)));
    std::uninitialized_value_construct_n(p, n);
    return {p, n};
  }
  /// A copy of `from` that lives as long as the arena.
  template <class T>
  std::span<T> copyArray(std::span<const T> from) {
    std::span<T> to = makeArray<T>(from.size());
    std::copy(from.begin(), from.end(), to.begin());
    return to;
  }
  /// Every object made with make(), in order of creation.
  const std::vector<Base*>& objects() const { return objects_; }

 private:
  struct Destructor {
    void* object;
    void (*destroy)(void*);
  };
  // The lists of the last arena of this Base on this thread, empty but with their capacity.
  struct Lists {
    std::vector<Base*> objects;
    std::vector<Destructor> destructors;
  };
  static Lists& spare() {
    thread_local Lists lists;
    return lists;
  }

  void* allocate(size_t size) {
    size = (size + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
    if (size > static_cast<size_t>(end_ - next_)) [[unlikely]] {
      return allocateInNewBlock(size);
    }
    void* p = next_;
    next_ += size;
    return p;
  }
  [[gnu::noinline]] void* allocateInNewBlock(size_t size) {
    // Larger than a block: an allocation of its own, not recycled; the current block stays.
    if (size > arena_detail::kBlockSize) {
      return big_.emplace_back(std::make_unique_for_overwrite<std::byte[]>(size)).get();
    }
    auto& spare = arena_detail::spareBlocks();
    if (!spare.empty()) {
      blocks_.push_back(std::move(spare.back()));
      spare.pop_back();
    } else {
      blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(arena_detail::kBlockSize));
    }
    next_ = blocks_.back().get();
    end_ = next_ + arena_detail::kBlockSize;
    void* p = next_;
    next_ += size;
    return p;
  }

  std::vector<arena_detail::Block> blocks_;  ///< kBlockSize each
  std::vector<arena_detail::Block> big_;     ///< larger than kBlockSize, one allocation each
  std::byte* next_ = nullptr;
  std::byte* end_ = nullptr;
  std::vector<Base*> objects_;
  std::vector<Destructor> destructors_;
};

}  // namespace slant::starlark
