// berth::List<T> — a Go slice as the wire sees it: nil, or a sequence.
//
// Go's encoding/json tells a nil slice (`null`) from an empty one (`[]`), so
// the wire types cannot use a bare std::vector. List also remembers what Go
// keeps past a slice's length (its capacity): when a JSON object repeats a
// key, Go decodes the second array into the first one's backing store, and
// elements that a shorter array cut off come back if a later, longer array
// reaches them. Only the JSON decoder uses that state; to everything else a
// List is its items plus the nil flag.
#ifndef BERTH_LIST_H_
#define BERTH_LIST_H_

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

namespace berth {

namespace json_detail {
struct ListAccess;
}

template <class T>
class List {
 public:
  using value_type = T;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  // A nil list (marshals as `null`, or is left out when omitempty).
  List() = default;
  // A non-nil list with these items (`[]` when there are none).
  List(std::initializer_list<T> items) : items_(items), nil_(false) {}
  explicit List(std::vector<T> items) : items_(std::move(items)), nil_(false) {}
  // A non-nil list without items: marshals as `[]`.
  static List Empty() { return List(std::vector<T>{}); }

  bool is_nil() const { return nil_; }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<T>& items() const { return items_; }

  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }

  void push_back(T item) {
    // Like Go's append: the slot past the end is overwritten.
    if (!spare_.empty()) spare_.pop_back();
    items_.push_back(std::move(item));
    nil_ = false;
  }
  // Back to nil.
  void reset() {
    items_.clear();
    spare_.clear();
    cap_ = 0;
    nil_ = true;
  }

  friend bool operator==(const List& a, const List& b) { return a.nil_ == b.nil_ && a.items_ == b.items_; }

 private:
  friend struct json_detail::ListAccess;

  std::vector<T> items_;
  bool nil_ = true;
  // Go's capacity, and the elements Go still holds in [len, len+spare) —
  // stored in reverse, so the element at index len is spare_.back().
  std::size_t cap_ = 0;
  std::vector<T> spare_;
};

}  // namespace berth

#endif  // BERTH_LIST_H_
