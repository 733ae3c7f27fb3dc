#!/usr/bin/env python3
"""Fits the coefficients of KernelMath.Erf (src/LayerGen/Kernels/KernelMath.Transcendental.cs) and prints them as C#.

    erf(x) = x + x·P(x²)                       for |x| < 0.875   (P of degree 5)
    erf(x) = ±(1 − e^{−a² + R(a)}), a = |x|    for 0.875 ≤ a     (R of degree 6, a clamped to 3.92,
                                                                  above which erf rounds to ±1 in float)

R(a) = log(erfc(a)) + a² is smooth and small on [0.875, 3.92], so the exponent −a² + R(a) is one fused
multiply-add with an exact product. Both polynomials are weighted minimax fits of erf's relative error
(Lawson's iteratively reweighted least squares on Chebyshev nodes, against mpmath at 40 digits), then
rounded to float. Needs numpy and mpmath (Debian: python3-numpy, python3-mpmath, which python3-torch
pulls in). Run: python3 tools/kernelmath/fit_erf.py. The measured error of the float code is in
docs/ops.md and tests/LayerGen.Tests/Kernels/TranscendentalAccuracyTests.cs.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
SMALL = 0.875      # below: the odd polynomial; from here: 1 − exp(...)
SATURATE = 3.92    # erfc(3.92) < 2^-25, so erf rounds to 1 from here on
P_TERMS = 6        # coefficients of P (in x²)
R_TERMS = 7        # coefficients of R (in a)
NODES = 3000


def chebyshev_nodes(lo, hi, n):
    k = np.arange(n)
    return ((lo + hi) / 2 - (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n))


def lawson(xs, target, weight, powers, iterations=300):
    """Coefficients c minimising max |weight·(Σ c_k·xs^powers[k] − target)| (Lawson's algorithm)."""
    basis = np.array([[x ** p for p in powers] for x in xs])
    u = np.full(len(xs), 1.0 / len(xs))
    for _ in range(iterations):
        w = np.sqrt(u) * weight
        c, *_ = np.linalg.lstsq(basis * w[:, None], target * w, rcond=None)
        error = np.abs((basis @ c - target) * weight)
        u = u * error
        u /= u.sum()
    return c, error.max()


def main():
    xs = chebyshev_nodes(1e-6, SMALL, NODES)
    # erf(x) = x·(1 + P(x²)): an error d in P is a relative error d·x/erf(x) in erf.
    target = np.array([float(mp.erf(x) / x - 1) for x in xs])
    weight = np.array([float(x / mp.erf(x)) for x in xs])
    p, p_error = lawson(xs, target, weight, [2 * k for k in range(P_TERMS)])

    xs = chebyshev_nodes(SMALL, SATURATE, NODES)
    # erf(a) = 1 − e^{−a² + R(a)}: an error d in R is a relative error d·erfc(a)/erf(a) in erf.
    target = np.array([float(mp.log(mp.erfc(x)) + x * x) for x in xs])
    weight = np.array([float(mp.erfc(x) / mp.erf(x)) for x in xs])
    r, r_error = lawson(xs, target, weight, list(range(R_TERMS)))

    print(f"// fit (before rounding to float): relative error {p_error:.2e} (P), {r_error:.2e} (R)")
    for name, coefficients in (("ErfP", p), ("ErfR", r)):
        for k, c in enumerate(coefficients):
            print(f"private const float {name}{k} = {np.float32(c)!r}f;".replace("np.float32(", "").replace(")f", "f"))


if __name__ == "__main__":
    main()
