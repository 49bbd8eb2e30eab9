#pragma once
// What a guide client throws when the server does not answer in time.

#include <stdexcept>
#include <string>

namespace actorspec::guide {

class NoReply : public std::runtime_error {
 public:
  explicit NoReply(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace actorspec::guide
