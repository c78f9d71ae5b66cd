#!/usr/bin/python3
"""Reference values for tests/risk/backtest_test.cpp and tests/risk/pla_test.cpp.

Independent of riskgrid's formulas: the Kupiec LR is scipy's G-test of goodness of fit
(power_divergence, lambda_="log-likelihood") of the counts [x, n - x] against
[n p, n (1 - p)]; the Christoffersen independence LR is scipy's G-test of independence
(chi2_contingency, correction=False, lambda_="log-likelihood") on the 2x2 table of
transitions; conditional coverage adds them (chi2 with 2 d.o.f.). Spearman is
scipy.stats.spearmanr (average ranks for ties), KS is scipy.stats.ks_2samp's statistic.

The inputs are integer formulas that C++ evaluates to the same doubles; the test file
repeats them. Run: /usr/bin/python3 tests/risk/reference/backtest_pla_reference.py
(scipy 1.10.1, numpy 1.24). Its output is pasted into the tests.
"""
import numpy as np
import scipy
from scipy import stats


def coverage_cases():
    yield "clustered_250_99", 250, 0.01, [1 if i in (10, 11, 50, 120, 121, 122, 200) else 0 for i in range(250)]
    yield "spaced_500_975", 500, 0.025, [1 if i % 41 == 0 else 0 for i in range(500)]
    yield "quadratic_300_975", 300, 0.025, [1 if (i * i + 3 * i) % 29 < 2 else 0 for i in range(300)]
    yield "block_250_99", 250, 0.01, [1 if 100 <= i < 112 else 0 for i in range(250)]


def kupiec(x, n, p):
    g, pv = stats.power_divergence([x, n - x], [n * p, n * (1 - p)], lambda_="log-likelihood")
    return float(g), float(pv)


def independence(seq):
    t = np.zeros((2, 2))
    for a, b in zip(seq[:-1], seq[1:]):
        t[a, b] += 1
    g, pv, dof, _ = stats.chi2_contingency(t, correction=False, lambda_="log-likelihood")
    assert dof == 1
    return float(g), float(pv), t


def main():
    print(f"// scipy {scipy.__version__}")
    print("// name: n, p, exceptions, kupiec_lr, kupiec_p, ind_lr, ind_p, cc_lr, cc_p")
    for name, n, p, seq in coverage_cases():
        x = sum(seq)
        k_lr, k_p = kupiec(x, n, p)
        i_lr, i_p, t = independence(seq)
        cc = k_lr + i_lr
        cc_p = float(stats.chi2.sf(cc, 2))
        print(f"// transitions {t.astype(int).ravel().tolist()}")
        print(f"{{\"{name}\", {n}, {p!r}, {x}, {k_lr!r}, {k_p!r}, {i_lr!r}, {i_p!r}, {cc!r}, {cc_p!r}}},")
    # No exception at all: the transition table has an empty margin (no G-test of
    # independence; LR_ind = 0), and the G-test of fit equals the closed form -2 n ln(1 - p).
    n, p = 250, 0.01
    lr, pv = kupiec(0, n, p)
    assert abs(lr - float(-2 * n * np.log1p(-p))) < 1e-12 * lr
    print(f"{{\"none_250_99\", {n}, {p!r}, 0, {lr!r}, {pv!r}, 0.0, 1.0, {lr!r}, {float(stats.chi2.sf(lr, 2))!r}}},")

    print("// PLA: name, n, spearman, ks")
    ties_x = [(i * i * 7 + 3 * i) % 23 - 11 for i in range(40)]
    ties_y = [ties_x[i] + (i * 13) % 7 - 3 for i in range(40)]
    hpl = [((i * 7919 + 13) % 1000 - 500) / 8 for i in range(250)]
    rtpl = [hpl[i] * 3 / 4 + ((i * 31) % 97 - 48) / 4 for i in range(250)]
    for name, a, b in (("ties_40", ties_x, ties_y), ("desk_250", hpl, rtpl)):
        rho = stats.spearmanr(a, b).correlation
        ks = stats.ks_2samp(a, b).statistic
        print(f"{{\"{name}\", {len(a)}, {float(rho)!r}, {float(ks)!r}}},")
    ks = stats.ks_2samp(ties_x[:30], ties_y).statistic
    print(f"// KS of ties_x[0:30] against ties_y (unequal sizes): {float(ks)!r}")


if __name__ == "__main__":
    main()
