#pragma once
// A counted reference to a pooled process object. While one exists the
// object keeps serving the same process; when the last goes, the node
// retires it and returns it to its pool (Node::recycle). Intrusive, so a
// spawn allocates no control block and copying one is one atomic add.

#include <utility>

#include "process_state.hpp"

namespace actorspec::core {

class ProcessPtr {
 public:
  ProcessPtr() = default;
  // Adopts a fresh object (count 0) as its first reference.
  explicit ProcessPtr(ProcessState* p) noexcept : p_(p) {
    if (p_) p_->add_ref();
  }
  // Takes over a reference the caller added with add_ref.
  static ProcessPtr adopt(ProcessState* p) noexcept {
    ProcessPtr out;
    out.p_ = p;
    return out;
  }
  ProcessPtr(const ProcessPtr& o) noexcept : ProcessPtr(o.p_) {}
  ProcessPtr(ProcessPtr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  ProcessPtr& operator=(ProcessPtr o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~ProcessPtr() {
    if (p_) p_->drop_ref();
  }

  explicit operator bool() const { return p_ != nullptr; }
  ProcessState* operator->() const { return p_; }
  ProcessState& operator*() const { return *p_; }
  ProcessState* get() const { return p_; }

 private:
  ProcessState* p_ = nullptr;
};

}  // namespace actorspec::core
