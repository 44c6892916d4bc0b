// The insertion-ordered hash table behind dict and set.
//
// Entries live in `slots_` in insertion order, so iteration is a walk over a vector and needs no
// linked list (go.starlark.net threads one through its buckets). Deleting an entry leaves a hole
// (its key becomes Value::unbound()) rather than shifting later entries, which keeps deletion
// O(1) and positions stable; holes at the end are popped, and when more than half the slots are
// holes the vector is compacted. Mutation is forbidden while a dict or set is being iterated
// (the container's `iterating` count), so compaction never moves an entry under an iterator.
//
// Lookup: a table of at most kLinearMax slots is scanned linearly, comparing the cached hashes
// first; this is the common case (keyword arguments, small literals, structs) and needs no index
// at all. A bigger table keeps `index_`, an open-addressing array of slot positions with linear
// probing, a power-of-two capacity and a load factor of at most 3/4; a deleted entry leaves a
// tombstone (-2) in it so that probe sequences stay intact until the next rebuild.
//
// Keys are compared with Starlark equality (so 1 and 1.0 are the same key); identical values and
// strings are settled without the general comparison.
#include <algorithm>
#include <bit>
#include <cstring>

#include "starlark/value.h"

namespace slant::starlark {

namespace {

constexpr size_t kLinearMax = 8;
constexpr int32_t kEmpty = -1;
constexpr int32_t kDeleted = -2;

/// Spreads the bits of a hash before masking: int hashes of consecutive values differ mostly in
/// their high bits.
inline size_t spread(uint32_t h) {
  const uint32_t m = h * 0x9E3779B1u;
  return m ^ (m >> 15);
}

/// The index capacity for n live entries: a power of two at least 2n, and at least 16.
size_t capacityFor(size_t n) { return std::bit_ceil(std::max<size_t>(16, 2 * n)); }

Result<bool> keysEqual(const Value& a, const Value& b) {
  if (a.identical(b)) return true;
  if (a.isString() && b.isString()) {
    const std::string_view x = a.str(), y = b.str();
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size()) == 0;
  }
  return equal(a, b);
}

}  // namespace

Result<int32_t> HashTable::find(const Value& key, uint32_t h) const {
  if (index_.empty()) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      const Entry& e = slots_[i];
      if (e.hash == h && !e.key.isUnbound() && TRY(keysEqual(e.key, key)))
        return static_cast<int32_t>(i);
    }
    return -1;
  }
  const size_t mask = index_.size() - 1;
  for (size_t pos = spread(h) & mask;; pos = (pos + 1) & mask) {
    const int32_t i = index_[pos];
    if (i == kEmpty) return -1;
    if (i >= 0) {
      const Entry& e = slots_[static_cast<size_t>(i)];
      if (e.hash == h && TRY(keysEqual(e.key, key))) return i;
    }
  }
}

void HashTable::rebuildIndex(size_t capacity) {
  if (live_ != slots_.size()) {
    std::erase_if(slots_, [](const Entry& e) { return e.key.isUnbound(); });
  }
  index_.assign(capacity, kEmpty);
  const size_t mask = capacity - 1;
  for (size_t i = 0; i < slots_.size(); ++i) {
    size_t pos = spread(slots_[i].hash) & mask;
    while (index_[pos] != kEmpty) pos = (pos + 1) & mask;
    index_[pos] = static_cast<int32_t>(i);
  }
  index_used_ = slots_.size();
}

Result<std::optional<Value>> HashTable::get(const Value& key) const {
  const uint32_t h = TRY(hash(key));
  if (live_ == 0) return std::nullopt;
  const int32_t i = TRY(find(key, h));
  if (i < 0) return std::nullopt;
  return slots_[static_cast<size_t>(i)].value;
}

const Value* HashTable::findStringSlow(const Value& key, uint32_t h, uint32_t& hint) const {
  // Two strings compare without error.
  auto same = [&](const Entry& e) {
    return e.hash == h && e.key.isString() && *keysEqual(e.key, key);
  };
  if (hint < slots_.size() && same(slots_[hint])) return &slots_[hint].value;
  if (index_.empty()) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (same(slots_[i])) {
        hint = static_cast<uint32_t>(i);
        return &slots_[i].value;
      }
    }
    return nullptr;
  }
  const size_t mask = index_.size() - 1;
  for (size_t pos = spread(h) & mask;; pos = (pos + 1) & mask) {
    const int32_t i = index_[pos];
    if (i == kEmpty) return nullptr;
    if (i >= 0 && same(slots_[static_cast<size_t>(i)])) {
      hint = static_cast<uint32_t>(i);
      return &slots_[static_cast<size_t>(i)].value;
    }
  }
}

Result<void> HashTable::insert(const Value& key, Value value) {
  const uint32_t h = TRY(hash(key));
  const int32_t i = TRY(find(key, h));
  if (i >= 0) {
    slots_[static_cast<size_t>(i)].value = std::move(value);
    return {};
  }
  if (slots_.capacity() == 0) slots_.reserve(4);  // skip the 1, 2 steps of vector growth
  slots_.push_back(Entry{key, std::move(value), h});
  ++live_;
  if (index_.empty()) {
    if (slots_.size() > kLinearMax) rebuildIndex(capacityFor(live_));
  } else if ((index_used_ + 1) * 4 > index_.size() * 3) {
    rebuildIndex(capacityFor(live_));
  } else {
    const size_t mask = index_.size() - 1;
    size_t pos = spread(h) & mask;
    while (index_[pos] != kEmpty) pos = (pos + 1) & mask;
    index_[pos] = static_cast<int32_t>(slots_.size() - 1);
    ++index_used_;
  }
  return {};
}

Result<std::optional<Value>> HashTable::remove(const Value& key) {
  const uint32_t h = TRY(hash(key));
  if (live_ == 0) return std::nullopt;
  const int32_t i = TRY(find(key, h));
  if (i < 0) return std::nullopt;
  Entry& e = slots_[static_cast<size_t>(i)];
  Value v = std::move(e.value);
  e.value = Value();
  e.key = Value::unbound();
  --live_;
  if (!index_.empty()) {
    const size_t mask = index_.size() - 1;
    size_t pos = spread(h) & mask;
    while (index_[pos] != i) pos = (pos + 1) & mask;
    index_[pos] = kDeleted;
  }
  if (live_ == 0) {
    clear();
  } else {
    while (slots_.back().key.isUnbound()) slots_.pop_back();
    if (slots_.size() > 2 * kLinearMax && slots_.size() > 2 * live_) {
      if (index_.empty()) {
        std::erase_if(slots_, [](const Entry& x) { return x.key.isUnbound(); });
      } else {
        rebuildIndex(capacityFor(live_));
      }
    }
  }
  return std::optional<Value>(std::move(v));
}

void HashTable::clear() {
  // Move the entries out first: destroying them may free arbitrary objects.
  std::vector<Entry, PoolAllocator<Entry>> old;
  old.swap(slots_);
  index_.clear();
  live_ = 0;
  index_used_ = 0;
}

size_t HashTable::size() const { return live_; }

std::vector<const HashTable::Entry*> HashTable::entries() const {
  std::vector<const Entry*> out;
  out.reserve(live_);
  for (const Entry& e : slots_)
    if (!e.key.isUnbound()) out.push_back(&e);
  return out;
}

void HashTable::reserve(size_t n) {
  slots_.reserve(n);
  if (n > kLinearMax && (index_.empty() ? true : n * 4 > index_.size() * 3))
    rebuildIndex(capacityFor(n));
}

}  // namespace slant::starlark
