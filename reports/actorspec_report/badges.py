"""How a conformance status looks on the page: icon, words, CSS class."""

from .gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS

# status -> (icon, words)
BADGE = {PASS: ("✓", "pass"), FAIL: ("✗", "fail"), NOT_RUN: ("–", "not run"),
         DEVIATION: ("≠", "deviation (see rule)"), NOT_APPLICABLE: ("∅", "n/a")}
STATUS_CLASS = {PASS: "pass", FAIL: "fail", NOT_RUN: "notrun", DEVIATION: "deviation", NOT_APPLICABLE: "na"}
