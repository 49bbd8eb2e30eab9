"""Number formatting shared by the page and the text summary."""

import unittest

import support  # noqa: F401
from actorspec_report import units


class Units(unittest.TestCase):
    def test_times(self):
        self.assertEqual(units.fmt_time(471.0), "471 ns")
        self.assertEqual(units.fmt_time(9720.0), "9.72 µs")
        self.assertEqual(units.fmt_time(9720.0, ascii_only=True), "9.72 us")
        self.assertEqual(units.fmt_time(8.08e6), "8.08 ms")
        self.assertEqual(units.fmt_time(2.5e9), "2.50 s")

    def test_rounding_moves_to_the_next_unit(self):
        self.assertEqual(units.fmt_time(999.99e3), "1.00 ms")
        self.assertEqual(units.fmt_time(9999.6), "10.0 µs")

    def test_counters_by_name(self):
        self.assertEqual(units.fmt_counter("p99_ns", 30100.0), "30.1 µs")
        self.assertEqual(units.fmt_counter("msgs_per_s", 4.24e6), "4.24 M/s")
        self.assertEqual(units.fmt_counter("bytes_per_process", 66000.0), "64.5 KiB")
        self.assertEqual(units.fmt_counter("late_ns", 61000.0), "61.0 µs")
        self.assertEqual(units.fmt_counter("count", 12.0), "12.0")

    def test_ratio_and_percent(self):
        self.assertEqual(units.fmt_ratio(20.613), "20.61×")
        self.assertEqual(units.fmt_pct(31.44), "+31.4%")
        self.assertEqual(units.fmt_pct(-2.0), "-2.0%")


if __name__ == "__main__":
    unittest.main()
