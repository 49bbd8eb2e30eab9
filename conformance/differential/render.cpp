#include "render.hpp"

namespace actorspec::differential {

std::string render_reason(const ExitReason& r) {
  if (r.kind() == ExitReason::Kind::exception && r.exception_type().rfind("actorspec::", 0) == 0)
    return "{" + r.exception_type() + "}";
  return r.to_string();
}

std::string render_proc(int index) { return index < 0 ? "-" : "P" + std::to_string(index); }

std::string render_msg(int from, int seq) { return "Msg(" + render_proc(from) + ",#" + std::to_string(seq) + ")"; }

std::string render_exit(int from, const ExitReason& r) {
  return "Exit(" + render_proc(from) + "," + render_reason(r) + ")";
}

std::string render_down(int ref, int pid, const std::optional<std::string>& name, const ExitReason& r) {
  return "Down(r" + std::to_string(ref) + "," + render_proc(pid) + "," + (name ? "'" + *name + "'" : "-") + "," +
         render_reason(r) + ")";
}

}  // namespace actorspec::differential
