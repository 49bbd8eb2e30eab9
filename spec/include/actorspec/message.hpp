#pragma once
// A message is any C++ value (move-only allowed), type-erased so one mailbox
// holds them all. Matching is by exact type (after decay).

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace actorspec {

namespace detail {

// One heap cell per message. `next` lets the core chain cells into mailbox
// queues without a second allocation per message.
struct MessageCell {
  explicit MessageCell(const std::type_info& t) : type(&t) {}
  virtual ~MessageCell() = default;
  const std::type_info* type;
  MessageCell* next = nullptr;
};

template <class T>
struct TypedCell final : MessageCell {
  template <class... A>
  explicit TypedCell(A&&... a) : MessageCell(typeid(T)), value(std::forward<A>(a)...) {}
  T value;
};

// String literals travel as std::string: a `const char*` would dangle.
template <class T>
using stored_t = std::conditional_t<std::is_convertible_v<T, const char*> && !std::is_null_pointer_v<std::decay_t<T>>,
                                    std::string, std::decay_t<T>>;

}  // namespace detail

class Message {
 public:
  Message() = default;

  template <class T, class = std::enable_if_t<!std::is_same_v<std::decay_t<T>, Message>>>
  static Message of(T&& value) {
    return Message(new detail::TypedCell<detail::stored_t<T>>(std::forward<T>(value)));
  }

  bool empty() const { return cell_ == nullptr; }
  const std::type_info& type() const { return *cell_->type; }

  template <class T>
  bool is() const {
    return cell_ && *cell_->type == typeid(T);
  }
  // The value if it has type T, else nullptr.
  template <class T>
  const T* peek() const {
    return is<T>() ? &static_cast<detail::TypedCell<T>*>(cell_.get())->value : nullptr;
  }
  template <class T>
  T* peek() {
    return is<T>() ? &static_cast<detail::TypedCell<T>*>(cell_.get())->value : nullptr;
  }
  // Moves the value out; the message must hold a T.
  template <class T>
  T take() && {
    return std::move(static_cast<detail::TypedCell<T>*>(cell_.get())->value);
  }

  // For mailbox implementations: hand the cell over and take it back.
  detail::MessageCell* release() { return cell_.release(); }
  static Message adopt(detail::MessageCell* cell) { return Message(cell); }

 private:
  explicit Message(detail::MessageCell* cell) : cell_(cell) {}
  std::unique_ptr<detail::MessageCell> cell_;
};

}  // namespace actorspec
