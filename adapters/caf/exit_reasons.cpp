#include "exit_reasons.hpp"

#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace actorspec_caf {
namespace {
constexpr caf::atom_value category = caf::atom("actorspec");
}  // namespace

caf::error to_caf(const actorspec::ExitReason& reason) {
  using Kind = actorspec::ExitReason::Kind;
  switch (reason.kind()) {
    case Kind::normal: return caf::error{};
    default:
      // Kind values are non-zero past `normal`: code 0 would mean "no error".
      return caf::error(static_cast<uint8_t>(reason.kind()), category,
                        caf::make_message(reason.detail(), reason.exception_type()));
  }
}

actorspec::ExitReason from_caf(const caf::error& reason) {
  using actorspec::ExitReason;
  using Kind = ExitReason::Kind;
  if (!reason) return ExitReason::normal();
  if (reason.category() == caf::atom("exit")) {
    if (reason.code() == static_cast<uint8_t>(caf::exit_reason::kill)) return ExitReason::kill();
    if (reason.code() == static_cast<uint8_t>(caf::exit_reason::normal)) return ExitReason::normal();
  }
  if (reason.category() != category || !reason.context().match_elements<std::string, std::string>())
    return ExitReason::user(caf::to_string(reason));
  const auto& detail = reason.context().get_as<std::string>(0);
  const auto& type = reason.context().get_as<std::string>(1);
  switch (static_cast<Kind>(reason.code())) {
    case Kind::kill: return ExitReason::kill();
    case Kind::killed: return ExitReason::killed();
    case Kind::noproc: return ExitReason::noproc();
    case Kind::shutdown: return ExitReason::shutdown(detail);
    case Kind::exception: return ExitReason::exception(type, detail);
    case Kind::user: return ExitReason::user(detail);
    case Kind::normal: break;
  }
  return ExitReason::user(caf::to_string(reason));
}

}  // namespace actorspec_caf
