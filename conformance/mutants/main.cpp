// The mutant runner: the conformance suite, instantiated for the backends in
// $ACTORSPEC_BACKENDS (scripts/mutants sets one mutant:<name> per run, or a
// control: fiber or thread, which here run on the mutant-built core with no
// fault switched on).
#include <gtest/gtest.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
