// A bump allocator for the trees of one file: the syntax tree (syntax/ast.h) and the compiled
// program (eval/code.h). A 2,000-line file has tens of thousands of nodes; one malloc and free
// for each was a third of the parse time, and as much again of compiling and dropping a program.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace slant::starlark {

/// Owns objects of one class hierarchy (Base has a virtual destructor), allocated from 64 KiB
/// blocks; their destructors run in reverse order of creation when the arena goes. Trivially
/// destructible helpers may share the blocks (makeTrivial).
template <class Base>
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    for (auto it = objects_.rbegin(); it != objects_.rend(); ++it) (*it)->~Base();
  }

  /// Creates a T (derived from Base) that lives as long as the arena.
  template <class T, class... A>
  T* make(A&&... args) {
    static_assert(std::is_base_of_v<Base, T> && alignof(T) <= alignof(std::max_align_t));
    T* p = new (allocate(sizeof(T))) T(std::forward<A>(args)...);
    objects_.push_back(p);
    return p;
  }
  /// Creates a trivially destructible T that lives as long as the arena.
  template <class T, class... A>
  T* makeTrivial(A&&... args) {
    static_assert(std::is_trivially_destructible_v<T> && alignof(T) <= alignof(std::max_align_t));
    return new (allocate(sizeof(T))) T(std::forward<A>(args)...);
  }
  /// Every object made with make(), in order of creation.
  const std::vector<Base*>& objects() const { return objects_; }

 private:
  void* allocate(size_t size) {
    size = (size + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
    if (size > static_cast<size_t>(end_ - next_)) newBlock(size);
    void* p = next_;
    next_ += size;
    return p;
  }
  void newBlock(size_t size) {
    constexpr size_t kBlockSize = 64 * 1024;
    const size_t n = std::max(size, kBlockSize);
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(n));
    next_ = blocks_.back().get();
    end_ = next_ + n;
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* next_ = nullptr;
  std::byte* end_ = nullptr;
  std::vector<Base*> objects_;
};

}  // namespace slant::starlark
