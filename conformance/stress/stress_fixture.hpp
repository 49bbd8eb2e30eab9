#pragma once
// The stress fixture: the conformance fixture (one runtime per test, by
// backend name, spec headers only), instantiated as "Stress/<suite>/<backend>".

#include "actorspec_conformance/fixture.hpp"
#include "sizes.hpp"

#define ACTORSPEC_STRESS_SUITE(Suite)                                                                         \
  INSTANTIATE_TEST_SUITE_P(Stress, Suite, ::testing::ValuesIn(::actorspec::conformance::backends_under_test()), \
                           ::actorspec::conformance::backend_param_name)
