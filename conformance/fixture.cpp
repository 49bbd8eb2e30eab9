#include "actorspec_conformance/fixture.hpp"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace actorspec::conformance {

std::vector<std::string> backends_under_test() {
  const char* env = std::getenv("ACTORSPEC_BACKENDS");
  if (!env || !*env) return backend_names();
  std::vector<std::string> out;
  std::stringstream in(env);
  for (std::string name; std::getline(in, name, ',');)
    if (!name.empty()) out.push_back(name);
  return out;
}

double timeout_scale() {
  const char* env = std::getenv("ACTORSPEC_TIMEOUT_SCALE");
  const double s = env ? std::atof(env) : 1.0;
  return s > 0 ? s : 1.0;
}

std::chrono::milliseconds scaled(std::chrono::milliseconds t) {
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(t.count()) * timeout_scale()));
}

std::chrono::milliseconds patience() { return scaled(std::chrono::milliseconds(10000)); }

std::vector<Message> drain(Process& self) {
  std::vector<Message> out;
  while (auto m = self.receive(on_any([](Message&& m) { return std::optional<Message>(std::move(m)); }),
                               after(std::chrono::milliseconds(0), [] { return std::optional<Message>(); })))
    out.push_back(std::move(*m));
  return out;
}

void RuntimeTest::SetUp() { runtime_ = make_runtime(GetParam()); }

void RuntimeTest::TearDown() {
  // Processes a test left behind end here; nothing may outlive shutdown.
  runtime_->shutdown();
  EXPECT_EQ(runtime_->process_count(), 0u) << "processes survived shutdown";
  runtime_.reset();
}

void RuntimeTest::run(Body body) {
  const ExitReason reason = rt().run(std::move(body));
  EXPECT_EQ(reason, ExitReason::normal()) << "the test's process ended with " << reason;
}

void RuntimeTest::run_to_end(Body body) {
  std::atomic<bool> reached_end{false};
  run([&body, &reached_end](Process& self) {
    body(self);
    reached_end = true;
  });
  EXPECT_TRUE(reached_end) << "the test's process was ended before the end of its body";
}

// GoogleTest allows only letters, digits and '_' in a parameter's name (and
// ':' separates --gtest_filter patterns): "mutant:skip_order" is shown as
// "mutant_skip_order".
std::string backend_param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

}  // namespace actorspec::conformance
