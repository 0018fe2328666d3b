"""The real-feature bank writer: a seeded subset of the rows, checked against the reference mean."""
import json
import os
import tempfile
import unittest

import numpy as np

from artexport.realbank import write_real_bank


class RealBankTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.feats = np.random.default_rng(3).normal(size=(50, 4)).astype(np.float32)
        self.ref = os.path.join(self.dir, "ref.json")

    def _ref(self, mean):
        with open(self.ref, "w", encoding="utf-8") as f:
            json.dump({"format": "art-fid-stats/1", "mean": list(map(float, mean))}, f)

    def test_writes_the_seeded_sorted_subset(self):
        self._ref(self.feats.astype(np.float64).mean(axis=0))
        out = os.path.join(self.dir, "bank.npz")
        pick, err = write_real_bank(self.feats, self.ref, out, rows=20, seed=0)
        self.assertLess(err, 1e-6)
        expected = np.sort(np.random.default_rng(0).choice(50, size=20, replace=False))
        np.testing.assert_array_equal(pick, expected)
        with np.load(out) as z:
            self.assertEqual(list(z.keys()), ["features"])
            self.assertEqual(z["features"].dtype, np.float32)
            np.testing.assert_array_equal(z["features"], self.feats[expected])

    def test_a_mean_off_the_reference_stops_with_one_line(self):
        self._ref(self.feats.astype(np.float64).mean(axis=0) + np.array([0, 0, 1e-3, 0]))
        out = os.path.join(self.dir, "bank.npz")
        with self.assertRaises(SystemExit) as e:
            write_real_bank(self.feats, self.ref, out, rows=20)
        self.assertIn("expected <= 0.0001", str(e.exception))
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
