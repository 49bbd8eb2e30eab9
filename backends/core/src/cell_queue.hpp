#pragma once
// An intrusive FIFO of message cells: the mailbox's storage. No allocation
// beyond the cell a message already owns.

#include <cstddef>

#include "actorspec/message.hpp"

namespace actorspec::core {

class CellQueue {
 public:
  using Cell = detail::MessageCell;

  CellQueue() = default;
  CellQueue(const CellQueue&) = delete;
  CellQueue& operator=(const CellQueue&) = delete;
  ~CellQueue() { clear(); }

  bool empty() const { return head_ == nullptr; }
  std::size_t size() const { return size_; }
  Cell* front() const { return head_; }
  Cell* back() const { return tail_; }

  void push_back(Cell* c) {
    c->next = nullptr;
    if (tail_) tail_->next = c; else head_ = c;
    tail_ = c;
    ++size_;
  }

  void push_front(Cell* c) {
    c->next = head_;
    head_ = c;
    if (!tail_) tail_ = c;
    ++size_;
  }

  // Moves all of `other` to the end of this queue, in O(1).
  void splice_back(CellQueue& other) {
    if (other.empty()) return;
    if (tail_) tail_->next = other.head_; else head_ = other.head_;
    tail_ = other.tail_;
    size_ += other.size_;
    other.head_ = other.tail_ = nullptr;
    other.size_ = 0;
  }

  // Unlinks the cell after `prev` (the head when prev is null) and returns it.
  Cell* unlink_after(Cell* prev) {
    Cell* c = prev ? prev->next : head_;
    if (prev) prev->next = c->next; else head_ = c->next;
    if (tail_ == c) tail_ = prev;
    c->next = nullptr;
    --size_;
    return c;
  }

  void clear() {
    while (head_) {
      Cell* c = head_;
      head_ = c->next;
      delete c;
    }
    tail_ = nullptr;
    size_ = 0;
  }

 private:
  Cell* head_ = nullptr;
  Cell* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace actorspec::core
