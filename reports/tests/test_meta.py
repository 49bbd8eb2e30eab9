"""Header facts: meta.json over the benchmark context, unknown when absent."""

import json
import unittest

import support  # noqa: F401
from actorspec_report import meta

CONTEXT = {"date": "2024-05-14T09:12:33+00:00", "num_cpus": 2, "host_name": "h", "mhz_per_cpu": 2800,
           "library_build_type": "release", "actorspec_git_commit": "abc", "actorspec_mode": "quick",
           "actorspec_compiler": "GCC 12", "actorspec_backends": "thread, tbb,fiber",
           "actorspec_versions": json.dumps({"oneTBB": "2021.8", "Boost": "1.81"})}


class Facts(unittest.TestCase):
    def test_context_only(self):
        f = meta.gather(CONTEXT, None)
        self.assertEqual((f.git_commit, f.mode, f.cores, f.compiler), ("abc", "quick", "2", "GCC 12"))
        self.assertEqual(f.cpu_model, meta.UNKNOWN)
        self.assertEqual(f.backends, ["thread", "tbb", "fiber"])
        versions = dict(meta.normalise_versions(f.versions))
        self.assertEqual(versions["oneTBB"], "2021.8")
        self.assertEqual(versions["GoogleTest"], meta.UNKNOWN)

    def test_meta_wins(self):
        f = meta.gather(CONTEXT, {"git_commit": "def", "cpu_model": "EPYC", "cores": 4, "mode": "full",
                                  "versions": {"GoogleTest": "1.12.1"}, "wall_time_s": 812.4})
        self.assertEqual((f.git_commit, f.cpu_model, f.cores, f.mode), ("def", "EPYC", "4", "full"))
        self.assertEqual(f.wall_time, "13 min 32 s")
        versions = dict(meta.normalise_versions(f.versions))
        self.assertEqual((versions["GoogleTest"], versions["Boost"]), ("1.12.1", "1.81"))

    def test_nothing_known(self):
        f = meta.gather({}, None)
        self.assertEqual((f.date, f.git_commit, f.compiler), (meta.UNKNOWN,) * 3)
        self.assertEqual(f.warnings, [])

    def test_warnings(self):
        f = meta.gather({"library_build_type": "debug", "actorspec_versions": "{not json",
                         "actorspec_build_type": "tsan"}, None)
        # The DEBUG library is no warning (manual timing keeps its code out of
        # the measured region); it is a fact the performance section explains.
        self.assertEqual(len(f.warnings), 2)
        self.assertTrue(f.gbench_debug)

    def test_reference_backend_is_read_from_the_data(self):
        self.assertEqual(meta.gather({"actorspec_reference_backend": "beam"}, None).reference, "beam")
        self.assertEqual(meta.gather({}, {"reference_backend": "tbb"}).reference, "tbb")
        self.assertEqual(meta.gather({}, None).reference, meta.UNKNOWN)


if __name__ == "__main__":
    unittest.main()
