#!/usr/bin/env python3
"""Writes Tests/DomainTests/Fixtures/paired_stats.json, the reference for PairedStatisticsTests.

Independent of the Swift code:
  * McNemar (exact): scipy.stats.binomtest(b, b + c, 0.5).pvalue (two-sided), and the
    textbook form min(1, 2 * scipy.stats.binom.cdf(min(b, c), b + c, 0.5)) beside it.
  * Paired bootstrap: numpy draws the resample indices (Generator PCG64, seed below), takes
    the mean of d = correct_model - correct_reference over each resample and the 2.5th /
    97.5th percentiles with numpy's default (linear) method. The indices are written out so
    that the Swift code replays exactly these resamples.

Run: python3 experiments/stats/make_paired_fixture.py   (numpy and scipy; see
experiments/requirements.txt)
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "DomainTests", "Fixtures", "paired_stats.json")

# (b, c): images only the model gets right, images only the reference gets right.
MCNEMAR = [(0, 0), (1, 0), (0, 1), (5, 0), (3, 10), (10, 3), (7, 7), (12, 11), (90, 103),
           (103, 90), (59, 0), (140, 80), (1000, 1100), (2500, 2400), (30000, 30500),
           (0, 1500), (12, 45)]


def mcnemar_cases():
    rows = []
    for b, c in MCNEMAR:
        n = b + c
        if n == 0:
            p, textbook = 1.0, 1.0
        else:
            p = float(stats.binomtest(b, n, 0.5, alternative="two-sided").pvalue)
            textbook = float(min(1.0, 2 * stats.binom.cdf(min(b, c), n, 0.5)))
        rows.append({"only_model_correct": b, "only_reference_correct": c,
                     "p_scipy_binomtest": p, "p_textbook": textbook})
    return rows


def bootstrap_cases():
    rng = np.random.default_rng(20230207)
    cases = []
    for n, p_model, p_ref, resamples in [(40, 0.8, 0.7, 300), (60, 0.9, 0.9, 250), (25, 0.5, 0.6, 400)]:
        model = rng.random(n) < p_model
        ref = rng.random(n) < p_ref
        d = model.astype(np.int64) - ref.astype(np.int64)
        idx = rng.integers(0, n, size=(resamples, n))
        means = d[idx].mean(axis=1)
        lo, hi = np.percentile(means, [2.5, 97.5])
        cases.append({"model": "".join("1" if x else "0" for x in model),
                      "reference": "".join("1" if x else "0" for x in ref),
                      "indices": idx.tolist(), "lower": float(lo), "upper": float(hi)})
    return cases


def main():
    fixture = {
        "magic": "repro-paired-stats", "version": 1,
        "generator": f"experiments/stats/make_paired_fixture.py (numpy {np.__version__}, scipy {scipy.__version__})",
        "mcnemar": mcnemar_cases(),
        "bootstrap": bootstrap_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
