#!/usr/bin/env python3
"""Writes wilson.json: 95% Wilson score intervals, the reference for WilsonTests.

Independent of the Swift closed form: each bound is found by bisection, in 50-digit decimal
arithmetic, as a root of the score-test equation that defines the interval,
    (x - n*p)^2 = z^2 * n * p * (1 - p),
on [0, x/n] (lower) and [x/n, 1] (upper), with z = Phi^-1(0.975) to 21 digits.
Run: python3 Tests/DomainTests/Fixtures/make_wilson_fixture.py (stdlib only).
"""
import json
import os
from decimal import Decimal, getcontext

getcontext().prec = 50
Z = Decimal("1.95996398454005423552")  # Phi^-1(0.975)

CASES = [(81, 263), (15, 148), (0, 20), (1, 29), (29, 29), (0, 1), (1, 1), (1, 2),
         (7, 10), (50, 100), (999, 1000), (39918, 50000), (42910, 50000), (1, 50000),
         (49999, 50000), (0, 50000), (50000, 50000), (12345, 49999)]


def score(x, n, p):
    return (Decimal(x) - n * p) ** 2 - Z * Z * n * p * (1 - p)


def bisect(x, n, lo, hi, rising):
    """Root of score() in [lo, hi]; score is positive outside the interval."""
    for _ in range(300):
        mid = (lo + hi) / 2
        inside = score(x, n, mid) <= 0
        if inside == rising:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def wilson(x, n):
    phat = Decimal(x) / n
    lower = Decimal(0) if x == 0 else bisect(x, n, Decimal(0), phat, rising=True)
    upper = Decimal(1) if x == n else bisect(x, n, phat, Decimal(1), rising=False)
    return lower, upper


rows = []
for x, n in CASES:
    lo, hi = wilson(x, n)
    rows.append({"successes": x, "trials": n, "lower": float(lo), "upper": float(hi)})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wilson.json")
with open(path, "w") as f:
    json.dump({"z": "1.95996398454005423552", "method": "score-test inversion by bisection",
               "intervals": rows}, f, indent=1)
    f.write("\n")
print(f"wrote {len(rows)} intervals to {path}")
