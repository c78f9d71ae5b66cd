#!/usr/bin/env python3
"""Generate the bundled riskgrid sample data (examples/data/*.csv).

Deterministic: a fixed seed, a self-contained PRNG (xoshiro256** seeded by
splitmix64, not the `random` module), Box-Muller normals, exact sums
(math.fsum, not sum(), whose float algorithm changed in Python 3.12) and
Python's correctly rounded float formatting, so a rerun rewrites
byte-identical files. Python 3.8+ standard library only.

    python3 examples/data/generate.py            # writes next to this script
    python3 examples/data/generate.py --out DIR  # writes into DIR

Files (formats: DESIGN.md section 6):
    market.csv      base market as of 2026-11-25, base currency USD
    history.csv     1,600 business days of daily shocks ending 2026-11-25
    covariance.csv  sample covariance of the last 500 rows of history.csv
    portfolio.csv   120 equity + 60 sensitivity trades on 4 desks
    factors.csv     FRTB classification of every market factor

Ends with a self-check (factor and day counts, trades per desk, gross book
value, delta-normal and historical 1-day 99% VaR) printed to stdout.
"""

import argparse
import datetime
import math
import os
import statistics
import sys
from fractions import Fraction

SEED = 20261125
AS_OF = datetime.date(2026, 11, 25)
BASE = "USD"
N_DAYS = 1600          # rows of history.csv
COV_WINDOW = 500       # last rows used for covariance.csv
STRESS_START = 760     # first row of the stress period (0-based row index)
STRESS_LEN = 60        # rows in the stress period

# ---------------------------------------------------------------------------
# Deterministic random numbers
# ---------------------------------------------------------------------------
M64 = (1 << 64) - 1


def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def _stream_seed(label):
    """A 64-bit seed from SEED and a stream label (FNV-1a of the label)."""
    h = 0xCBF29CE484222325
    for b in label.encode("ascii"):
        h = ((h ^ b) * 0x100000001B3) & M64
    return (h ^ SEED) & M64


class Rng:
    """xoshiro256** with Box-Muller normals and Student-t draws."""

    def __init__(self, label):
        st = _stream_seed(label)
        self.s = []
        for _ in range(4):
            st, z = _splitmix64(st)
            self.s.append(z)
        self._spare = None

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        r = (((s1 * 5) & M64) << 7 | ((s1 * 5) & M64) >> 57) & M64
        r = (r * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & M64
        self.s = [s0, s1, s2, s3]
        return r

    def uniform(self):
        """Uniform on (0, 1]."""
        return ((self.next_u64() >> 11) + 1) * (1.0 / 9007199254740992.0)

    def normal(self):
        if self._spare is not None:
            z, self._spare = self._spare, None
            return z
        r = math.sqrt(-2.0 * math.log(self.uniform()))
        th = 2.0 * math.pi * self.uniform()
        self._spare = r * math.sin(th)
        return r * math.cos(th)

    def student_t6(self):
        """Student-t with 6 degrees of freedom, scaled to unit variance.

        chi2(6) = -2 (ln U1 + ln U2 + ln U3); var(t6) = 6/4."""
        chi2 = -2.0 * (math.log(self.uniform()) + math.log(self.uniform())
                       + math.log(self.uniform()))
        return self.normal() / math.sqrt(chi2 / 6.0) / math.sqrt(1.5)

    def between(self, lo, hi):
        return lo + (hi - lo) * self.uniform()

    def log_between(self, lo, hi):
        return math.exp(self.between(math.log(lo), math.log(hi)))

    def index(self, n):
        return (self.next_u64() >> 11) % n


class Garch:
    """GARCH(1,1) variance with unit unconditional variance and t6 innovations."""

    def __init__(self, rng, alpha=0.06, beta=0.90):
        self.rng, self.a, self.b = rng, alpha, beta
        self.h = 1.0

    def draw(self):
        e = math.sqrt(self.h) * self.rng.student_t6()
        self.h = (1.0 - self.a - self.b) + self.a * e * e + self.b * self.h
        return e


# ---------------------------------------------------------------------------
# Base market (as of 2026-11-25, base USD)
# ---------------------------------------------------------------------------
# name, currency, sector, spot (in its currency), implied vol, dividend yield
EQUITIES = [
    ("AAPL", "USD", "tech", 232.45, 0.26, 0.0044),
    ("MSFT", "USD", "tech", 478.20, 0.24, 0.0070),
    ("NVDA", "USD", "tech", 181.30, 0.45, 0.0002),
    ("AMZN", "USD", "consumer", 221.40, 0.31, 0.0),
    ("JPM", "USD", "financials", 298.60, 0.24, 0.0190),
    ("XOM", "USD", "energy", 116.80, 0.25, 0.0340),
    ("JNJ", "USD", "healthcare", 192.40, 0.18, 0.0270),
    ("CAT", "USD", "industrials", 512.30, 0.28, 0.0115),
    ("SAP", "EUR", "tech", 246.10, 0.28, 0.0100),
    ("ASML", "EUR", "tech", 812.40, 0.36, 0.0095),
    ("SIEMENS", "EUR", "industrials", 221.70, 0.25, 0.0240),
    ("LVMH", "EUR", "consumer", 612.90, 0.30, 0.0210),
    ("TOTAL", "EUR", "energy", 54.35, 0.24, 0.0395),
    ("BNP", "EUR", "financials", 72.48, 0.29, 0.0380),
    ("SHELL", "GBP", "energy", 27.42, 0.23, 0.0385),
    ("HSBC", "GBP", "financials", 9.86, 0.24, 0.0370),
    ("AZN", "GBP", "healthcare", 118.60, 0.22, 0.0190),
    ("TOYOTA", "JPY", "consumer", 2875.0, 0.29, 0.0290),
    ("SONY", "JPY", "tech", 3912.0, 0.33, 0.0060),
    ("NESTLE", "CHF", "consumer", 79.84, 0.18, 0.0385),
    ("NOVARTIS", "CHF", "healthcare", 96.52, 0.19, 0.0355),
    ("UBS", "CHF", "financials", 31.27, 0.32, 0.0220),
]
SECTORS = ["tech", "consumer", "financials", "energy", "healthcare", "industrials"]
REGIONS = ["USD", "EUR", "GBP", "JPY", "CHF"]
# names whose EQ.<NAME>.VOL is shocked (has a history column)
VOL_NAMES = ["AAPL", "NVDA", "JPM", "SAP", "TOYOTA", "NESTLE"]

# One pair per non-USD currency, market convention: CCYUSD for EUR and GBP
# (direct, USD per unit), USDCCY for JPY and CHF (inverse, units per USD).
# pair, spot, vol, currency, direct?, loading on USD factor, on equity market
FX = [
    ("EURUSD", 1.1630, 0.072, "EUR", True, 0.80, 0.15),
    ("GBPUSD", 1.3150, 0.078, "GBP", True, 0.70, 0.20),
    ("USDJPY", 154.20, 0.098, "JPY", False, 0.60, 0.35),
    ("USDCHF", 0.8020, 0.075, "CHF", False, 0.75, 0.20),
]
FX_BY_CCY = {f[3]: f for f in FX}

TENORS = ["1M", "3M", "6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y", "20Y", "30Y"]
CURVES = {  # continuously compounded zero rates
    "USD": [0.0382, 0.0375, 0.0364, 0.0351, 0.0342, 0.0344, 0.0358, 0.0374, 0.0395, 0.0436, 0.0441],
    "EUR": [0.0193, 0.0195, 0.0198, 0.0203, 0.0212, 0.0222, 0.0241, 0.0258, 0.0276, 0.0302, 0.0295],
    "JPY": [0.0048, 0.0055, 0.0064, 0.0078, 0.0096, 0.0109, 0.0131, 0.0150, 0.0176, 0.0248, 0.0289],
}
# daily vols (rate units) of level, slope, curvature, pillar noise; loading on global level
IR_MODEL = {
    "USD": (0.00055, 0.00030, 0.00015, 0.000035, 0.75),
    "EUR": (0.00045, 0.00025, 0.00012, 0.000030, 0.70),
    "JPY": (0.00022, 0.00015, 0.00008, 0.000025, 0.50),
}


def tenor_years(t):
    n, u = int(t[:-1]), t[-1]
    return {"D": n / 365.0, "W": 7.0 * n / 365.0, "M": n / 12.0, "Y": float(n)}[u]


def market_factors():
    """(name, value) of market.csv, in file order."""
    rows = []
    for name, _ccy, _sec, spot, vol, div in EQUITIES:
        rows += [("EQ.%s.SPOT" % name, spot), ("EQ.%s.VOL" % name, vol),
                 ("EQ.%s.DIV" % name, div)]
    for pair, spot, vol, *_ in FX:
        rows += [("FX.%s.SPOT" % pair, spot), ("FX.%s.VOL" % pair, vol)]
    for ccy, rates in CURVES.items():
        rows += [("IR.%s.%s" % (ccy, t), r) for t, r in zip(TENORS, rates)]
    return rows


def history_factors():
    """Shocked factors (history.csv / covariance.csv columns), in file order."""
    cols = ["EQ.%s.SPOT" % e[0] for e in EQUITIES]
    cols += ["EQ.%s.VOL" % n for n in VOL_NAMES]
    cols += ["FX.%s.SPOT" % f[0] for f in FX]
    cols += ["IR.%s.%s" % (c, t) for c in CURVES for t in TENORS]
    return cols


# ---------------------------------------------------------------------------
# History: multi-factor model with GARCH(1,1) t6 components and a stress period
# ---------------------------------------------------------------------------
def business_days_ending(end, n):
    days, d = [], end
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d -= datetime.timedelta(days=1)
    return days[::-1]


def stress_profile(t):
    """0 outside the stress period, ramps to 1 in 3 days, decays after it."""
    u = t - STRESS_START
    if u < 0:
        return 0.0
    if u < 3:
        return (u + 1) / 3.0
    if u < STRESS_LEN:
        return 1.0
    return math.exp(-(u - STRESS_LEN + 1) / 8.0)


def market_drift(t):
    """Drift of the standardized equity market factor: crash, then partial rebound."""
    u = t - STRESS_START
    if 0 <= u < 20:
        return -1.2
    if 25 <= u < STRESS_LEN:
        return 0.35
    return 0.0


def vol_drift(t):
    """Drift of log implied vols: a jump at the start of the stress period."""
    return 0.08 if 0 <= t - STRESS_START < 5 else 0.0


def simulate_history():
    rng = Rng("history")
    g_mkt = Garch(rng, 0.05, 0.90)
    g_reg = {r: Garch(rng) for r in REGIONS}
    g_sec = {s: Garch(rng) for s in SECTORS}
    g_idio = {e[0]: Garch(rng, 0.05, 0.90) for e in EQUITIES}
    g_usd = Garch(rng, 0.05, 0.93)
    g_fx = {f[0]: Garch(rng) for f in FX}
    g_glob = Garch(rng, 0.05, 0.93)
    g_lvl = {c: Garch(rng, 0.05, 0.93) for c in CURVES}
    g_slp = {c: Garch(rng, 0.05, 0.93) for c in CURVES}
    g_crv = {c: Garch(rng) for c in CURVES}

    # per-name loadings: market share scaled by a beta in [0.75, 1.25]
    load = {}
    for name, ccy, sec, spot, vol, div in EQUITIES:
        beta = rng.between(0.75, 1.25)
        a_m = math.sqrt(0.35) * beta
        a_r, a_s = math.sqrt(0.10), math.sqrt(0.20)
        a_e = math.sqrt(max(0.05, 1.0 - a_m * a_m - a_r * a_r - a_s * a_s))
        norm = math.sqrt(a_m * a_m + a_r * a_r + a_s * a_s + a_e * a_e)
        load[name] = (vol / math.sqrt(252.0), a_m / norm, a_r / norm, a_s / norm, a_e / norm)

    lam = 2.0  # Nelson-Siegel decay (years)
    ns_slope = {t: (1.0 - math.exp(-tenor_years(t) / lam)) / (tenor_years(t) / lam) for t in TENORS}
    ns_curv = {t: ns_slope[t] - math.exp(-tenor_years(t) / lam) for t in TENORS}

    vol_dev = {n: 0.0 for n in VOL_NAMES}  # log-vol deviation from its mean, OU
    cols = history_factors()
    rows = []
    for t in range(N_DAYS):
        g = stress_profile(t)
        k_mkt, k_grp, k_idio = 1.0 + 3.5 * g, 1.0 + 1.2 * g, 1.0 + 0.6 * g
        k_fx, k_ir = 1.0 + 0.5 * g, 1.0 + 0.8 * g
        shock = {}

        z_m = k_mkt * g_mkt.draw() + market_drift(t)
        z_r = {r: k_grp * g_reg[r].draw() for r in REGIONS}
        z_s = {s: k_grp * g_sec[s].draw() for s in SECTORS}
        for name, ccy, sec, *_ in EQUITIES:
            sig, a_m, a_r, a_s, a_e = load[name]
            z = a_m * z_m + a_r * z_r[ccy] + a_s * z_s[sec] + a_e * k_idio * g_idio[name].draw()
            shock["EQ.%s.SPOT" % name] = sig * z

        for name in VOL_NAMES:  # leverage effect: vol up when the stock falls
            eta = 0.025 * k_idio * rng.student_t6() + vol_drift(t)
            new = 0.97 * vol_dev[name] - 2.5 * shock["EQ.%s.SPOT" % name] + eta
            shock["EQ.%s.VOL" % name] = new - vol_dev[name]
            vol_dev[name] = new

        z_usd = k_fx * g_usd.draw()
        for pair, _spot, vol, _ccy, direct, a_d, a_m in FX:
            a_e = math.sqrt(1.0 - a_d * a_d - a_m * a_m)
            sgn = -1.0 if direct else 1.0  # USD strength lowers CCYUSD, raises USDCCY
            z = sgn * a_d * z_usd + a_m * z_m + a_e * k_fx * g_fx[pair].draw()
            shock["FX.%s.SPOT" % pair] = vol / math.sqrt(252.0) * z

        # rates: global level tied to equities (yields fall in a sell-off)
        z_g = 0.35 * z_m + math.sqrt(1.0 - 0.35 ** 2) * k_ir * g_glob.draw()
        for ccy in CURVES:
            s_l, s_s, s_c, s_e, rho = IR_MODEL[ccy]
            lvl = rho * z_g + math.sqrt(1.0 - rho * rho) * k_ir * g_lvl[ccy].draw()
            slp = 0.4 * lvl + math.sqrt(1.0 - 0.16) * k_ir * g_slp[ccy].draw()
            crv = k_ir * g_crv[ccy].draw()
            for ten in TENORS:
                shock["IR.%s.%s" % (ccy, ten)] = (
                    s_l * lvl + s_s * slp * ns_slope[ten] + s_c * crv * ns_curv[ten]
                    + s_e * rng.student_t6())
        rows.append([shock[c] for c in cols])
    return cols, rows


# ---------------------------------------------------------------------------
# Portfolio
# ---------------------------------------------------------------------------
PORTFOLIO_HEADER = ["id", "desk", "type", "underlying", "currency", "quantity", "strike",
                    "maturity", "option", "barrier", "barrier_type", "rebate", "notional",
                    "rate", "frequency", "pay_fixed", "factor", "delta", "gamma"]


def usd_per_unit(ccy, fx_spot):
    if ccy == BASE:
        return 1.0
    pair, _s, _v, _c, direct, *_ = FX_BY_CCY[ccy]
    return fx_spot[pair] if direct else 1.0 / fx_spot[pair]


def round_sig(x, digits=3):
    return float("%.*g" % (digits, x))


def build_portfolio():
    rng = Rng("portfolio")
    fx_spot = {f[0]: f[1] for f in FX}
    trades = []  # dicts with the non-empty columns

    def add_equity(desk, names, count, long_share):
        for k in range(count):
            name, ccy, _sec, spot, *_ = names[k % len(names)]
            usd = rng.log_between(1.0e6, 1.2e7)
            sign = 1 if rng.uniform() < long_share else -1
            shares = usd / (spot * usd_per_unit(ccy, fx_spot))
            lot = 100 if shares >= 2000 else 10
            q = sign * max(lot, int(round(shares / lot)) * lot)
            trades.append({"desk": desk, "type": "equity", "underlying": name,
                           "currency": ccy, "quantity": str(q)})

    us = [e for e in EQUITIES if e[1] == "USD"]
    intl = [e for e in EQUITIES if e[1] != "USD"]
    add_equity("eq_us", us, 60, 0.75)
    add_equity("eq_intl", intl, 60, 0.75)

    sens = []

    def add_sens(desk, factor, delta, gamma=None):
        row = {"desk": desk, "type": "sensitivity", "factor": factor,
               "delta": "%.10g" % round_sig(delta)}
        if gamma is not None:
            row["gamma"] = "%.10g" % round_sig(gamma)
        sens.append(row)

    # equity desks: vegas (USD per unit log-change of vol) with some volga
    for name in VOL_NAMES:
        desk = "eq_us" if name in ("AAPL", "NVDA", "JPM") else "eq_intl"
        for _ in range(2):
            vega = rng.log_between(1.0e6, 8.0e6) * (1 if rng.uniform() < 0.6 else -1)
            add_sens(desk, "EQ.%s.VOL" % name, vega, abs(vega) * rng.between(0.5, 2.0))

    # rates desk: pillar deltas, USD per unit of rate (1e4 x DV01 per bp)
    ccys = ["USD"] * 14 + ["EUR"] * 10 + ["JPY"] * 6
    pillars = ["2Y", "3Y", "5Y", "7Y", "10Y", "20Y", "30Y", "1Y", "6M"]
    for k, ccy in enumerate(ccys):
        ten = pillars[k % len(pillars)] if k < len(pillars) else pillars[rng.index(len(pillars))]
        dv01 = rng.log_between(3.0e3, 4.0e4) * (-1 if rng.uniform() < 0.5 else 1)
        add_sens("rates", "IR.%s.%s" % (ccy, ten), dv01 * 1.0e4)

    # fx_macro: FX spot deltas (USD per unit log-return) with gamma, and front-end rates
    for k in range(12):
        pair = FX[k % len(FX)][0]
        delta = rng.log_between(8.0e6, 6.0e7) * (1 if rng.uniform() < 0.5 else -1)
        gamma = rng.log_between(1.0e8, 1.5e9) * (1 if rng.uniform() < 0.5 else -1)
        add_sens("fx_macro", "FX.%s.SPOT" % pair, delta, gamma)
    for ccy, ten in [("USD", "3M"), ("USD", "1Y"), ("EUR", "6M"), ("EUR", "1Y"),
                     ("JPY", "3M"), ("JPY", "1M")]:
        dv01 = rng.log_between(3.0e3, 2.0e4) * (1 if rng.uniform() < 0.5 else -1)
        add_sens("fx_macro", "IR.%s.%s" % (ccy, ten), dv01 * 1.0e4)

    for i, t in enumerate(trades):
        t["id"] = "EQ%04d" % (i + 1)
    for i, t in enumerate(sens):
        t["id"] = "SN%04d" % (i + 1)
    return trades + sens


# ---------------------------------------------------------------------------
# FRTB factor classification (MAR33.12 liquidity horizons)
# ---------------------------------------------------------------------------
NON_MODELLABLE = {"IR.JPY.30Y", "EQ.TOYOTA.VOL"}


def factor_class(name, in_history):
    kind, key, what = name.split(".")
    if kind == "EQ":
        risk_class = "equity"
        lh = {"SPOT": 10, "VOL": 20, "DIV": 60}[what]  # large cap price / vol / other
    elif kind == "FX":
        risk_class = "fx"
        lh = {"SPOT": 10, "VOL": 40}[what]             # specified pairs / FX volatility
    else:
        risk_class = "ir"
        lh = 10 if key in ("USD", "EUR", "GBP", "JPY", "AUD", "CAD", "SEK") else 20
    modellable = name not in NON_MODELLABLE
    reduced = (in_history and modellable and
               (what == "SPOT" or name in ("EQ.AAPL.VOL", "EQ.NVDA.VOL", "EQ.SAP.VOL")
                or (kind == "IR" and what in ("3M", "2Y", "5Y", "10Y", "30Y"))))
    return risk_class, lh, modellable, reduced


# ---------------------------------------------------------------------------
# Linear algebra for the checks
# ---------------------------------------------------------------------------
def cholesky(a, names):
    """Lower Cholesky factor; raises if a pivot is not positive.

    Returns (L, smallest pivot relative to its diagonal)."""
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    min_piv = math.inf
    for j in range(n):
        d = a[j][j] - math.fsum(low[j][k] * low[j][k] for k in range(j))
        if not d > 0.0:
            raise ArithmeticError("covariance is not positive definite: pivot %d (%s) = %g"
                                  % (j, names[j], d))
        min_piv = min(min_piv, d / a[j][j])
        low[j][j] = math.sqrt(d)
        for i in range(j + 1, n):
            low[i][j] = (a[i][j] - math.fsum(low[i][k] * low[j][k] for k in range(j))) / low[j][j]
    return low, min_piv


def jacobi_eigenvalues(a, sweeps=50):
    """Eigenvalues of a symmetric matrix (cyclic Jacobi)."""
    n = len(a)
    m = [row[:] for row in a]
    for _ in range(sweeps):
        off = math.fsum(m[i][j] * m[i][j] for i in range(n) for j in range(n) if i != j)
        if off <= 1e-30 * math.fsum(m[i][i] * m[i][i] for i in range(n)):
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = m[p][q]
                if apq == 0.0:
                    continue
                theta = (m[q][q] - m[p][p]) / (2.0 * apq)
                t = (1.0 if theta >= 0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(n):
                    mkp, mkq = m[k][p], m[k][q]
                    m[k][p] = c * mkp - s * mkq
                    m[k][q] = s * mkp + c * mkq
                for k in range(n):
                    mpk, mqk = m[p][k], m[q][k]
                    m[p][k] = c * mpk - s * mqk
                    m[q][k] = s * mpk + c * mqk
    return sorted(m[i][i] for i in range(n))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def fmt(x, digits=10):
    s = "%.*g" % (digits, x)
    return "0" if s == "-0" else s


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)

    # market.csv
    mkt = market_factors()
    write_csv(os.path.join(out, "market.csv"), ["factor", "value"],
              [[n, fmt(v)] for n, v in mkt])
    market = dict(mkt)
    names = [n for n, _ in mkt]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate market factor")

    # history.csv (values are re-read from their printed form so that every
    # statistic below is exactly that of the file)
    cols, raw = simulate_history()
    dates = business_days_ending(AS_OF, N_DAYS)
    text_rows = [[d.isoformat()] + [fmt(x) for x in r] for d, r in zip(dates, raw)]
    write_csv(os.path.join(out, "history.csv"), ["date"] + cols, text_rows)
    hist = [[float(x) for x in r[1:]] for r in text_rows]
    for c in cols:
        if c not in market:
            raise SystemExit("history factor %s not in market.csv" % c)

    # covariance.csv: unbiased sample covariance of the last COV_WINDOW rows
    win = hist[-COV_WINDOW:]
    n_f = len(cols)
    mean = [math.fsum(r[j] for r in win) / COV_WINDOW for j in range(n_f)]
    dev = [[r[j] - mean[j] for j in range(n_f)] for r in win]
    cov = [[0.0] * n_f for _ in range(n_f)]
    for i in range(n_f):
        for j in range(i, n_f):
            v = math.fsum(d[i] * d[j] for d in dev) / (COV_WINDOW - 1)
            v = float(repr(v))
            cov[i][j] = cov[j][i] = v
    write_csv(os.path.join(out, "covariance.csv"), ["factor"] + cols,
              [[cols[i]] + [repr(cov[i][j]) for j in range(n_f)] for i in range(n_f)])
    _low, min_piv = cholesky(cov, cols)
    eig = jacobi_eigenvalues(cov)
    if not eig[0] > 0.0:
        raise SystemExit("covariance is not positive definite: smallest eigenvalue %g" % eig[0])

    # portfolio.csv
    trades = build_portfolio()
    ids = [t["id"] for t in trades]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate trade id")
    for t in trades:
        if t["type"] == "sensitivity" and t["factor"] not in cols:
            raise SystemExit("sensitivity factor %s has no history" % t["factor"])
    write_csv(os.path.join(out, "portfolio.csv"), PORTFOLIO_HEADER,
              [[t.get(h, "") for h in PORTFOLIO_HEADER] for t in trades])

    # factors.csv
    fac_rows = []
    in_hist = set(cols)
    for n in names:
        rc, lh, mod, red = factor_class(n, n in in_hist)
        fac_rows.append([n, rc, str(lh), "true" if mod else "false", "true" if red else "false"])
    write_csv(os.path.join(out, "factors.csv"),
              ["factor", "risk_class", "liquidity_horizon", "modellable", "reduced_set"], fac_rows)

    self_check(out, market, cols, hist, dates, cov, trades, min_piv, eig, fac_rows)


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------
def var_es(pnls, alpha):
    """DESIGN.md section 4 estimators, m = N(1 - alpha) exact."""
    n = len(pnls)
    losses = sorted(((-p, i) for i, p in enumerate(pnls)), key=lambda x: (-x[0], x[1]))
    m = n * (1 - Fraction(alpha))
    j = math.floor(m)
    var = losses[j][0]  # L(k), k = j + 1
    es = (math.fsum(l for l, _ in losses[:j]) + float(m - j) * losses[j][0]) / float(m)
    return var, es


def self_check(out, market, cols, hist, dates, cov, trades, min_piv, eig, fac_rows):
    idx = {c: i for i, c in enumerate(cols)}
    fx_spot = {f[0]: f[1] for f in FX}
    eq = {e[0]: e for e in EQUITIES}
    z99 = statistics.NormalDist().inv_cdf(0.99)

    desks = []
    for t in trades:
        if t["desk"] not in desks:
            desks.append(t["desk"])

    # first-order exposures (USD per unit shock) per desk
    expo = {d: [0.0] * len(cols) for d in desks}
    expo_local = {d: [0.0] * len(cols) for d in desks}  # without FX translation
    gross, net = {d: 0.0 for d in desks}, {d: 0.0 for d in desks}
    for t in trades:
        d = t["desk"]
        if t["type"] == "equity":
            name, ccy = t["underlying"], t["currency"]
            v = int(t["quantity"]) * market["EQ.%s.SPOT" % name] * usd_per_unit(ccy, fx_spot)
            gross[d] += abs(v)
            net[d] += v
            expo[d][idx["EQ.%s.SPOT" % name]] += v
            expo_local[d][idx["EQ.%s.SPOT" % name]] += v
            if ccy != BASE:
                pair, _s, _v, _c, direct, *_ = FX_BY_CCY[ccy]
                expo[d][idx["FX.%s.SPOT" % pair]] += v if direct else -v
        else:
            expo[d][idx[t["factor"]]] += float(t["delta"])
            expo_local[d][idx[t["factor"]]] += float(t["delta"])

    def dn_var(e):
        q = math.fsum(e[i] * cov[i][j] * e[j] for i in range(len(e)) for j in range(len(e)))
        return z99 * math.sqrt(q)

    # full revaluation P&L per history row (what riskgrid-var --method historical computes)
    def pnl_row(r, desk=None):
        parts = []
        for t in trades:
            if desk is not None and t["desk"] != desk:
                continue
            if t["type"] == "equity":
                name, ccy = t["underlying"], t["currency"]
                q, s = int(t["quantity"]), market["EQ.%s.SPOT" % name]
                conv0 = conv1 = 1.0
                if ccy != BASE:
                    pair, _s, _v, _c, direct, *_ = FX_BY_CCY[ccy]
                    x0 = fx_spot[pair]
                    x1 = x0 * math.exp(r[idx["FX.%s.SPOT" % pair]])
                    conv0, conv1 = (x0, x1) if direct else (1.0 / x0, 1.0 / x1)
                s1 = s * math.exp(r[idx["EQ.%s.SPOT" % name]])
                parts.append(q * s1 * conv1 - q * s * conv0)
            else:
                sh = r[idx[t["factor"]]]
                g = float(t["gamma"]) if t.get("gamma") else 0.0
                parts.append(float(t["delta"]) * sh + 0.5 * g * sh * sh)
        return math.fsum(parts)

    print("riskgrid sample data written to %s" % out)
    for f in ("market.csv", "history.csv", "covariance.csv", "portfolio.csv", "factors.csv"):
        print("  %-15s %9d bytes" % (f, os.path.getsize(os.path.join(out, f))))
    n_mod = sum(1 for r in fac_rows if r[3] == "true")
    n_red = sum(1 for r in fac_rows if r[4] == "true")
    print("factors: %d in market.csv (%d EQ, %d FX, %d IR); %d shocked (history/covariance); "
          "factors.csv: %d modellable, %d in reduced set"
          % (len(market), sum(1 for k in market if k.startswith("EQ.")),
             sum(1 for k in market if k.startswith("FX.")),
             sum(1 for k in market if k.startswith("IR.")), len(cols), n_mod, n_red))
    print("history: %d business days %s .. %s; stress period = file lines %d..%d (%s .. %s)"
          % (len(hist), dates[0], dates[-1], STRESS_START + 2, STRESS_START + STRESS_LEN + 1,
             dates[STRESS_START], dates[STRESS_START + STRESS_LEN - 1]))
    # realized vol of an equally weighted equity index: calm vs stress
    n_eq = len(EQUITIES)
    ew = [math.fsum(r[:n_eq]) / n_eq for r in hist]
    calm = ew[:STRESS_START - 20]
    stress = ew[STRESS_START:STRESS_START + STRESS_LEN]
    cum = math.fsum(ew[STRESS_START:STRESS_START + 20])
    print("equal-weight equity index: ann. vol %.1f%% before, %.1f%% in stress; "
          "first 20 stress days %.1f%% (log)"
          % (100 * statistics.pstdev(calm) * math.sqrt(252),
             100 * statistics.pstdev(stress) * math.sqrt(252), 100 * cum))
    print("covariance (last %d rows, %s .. %s): %dx%d, exactly symmetric, Cholesky ok "
          "(min pivot ratio %.3g), eigenvalues %.4g .. %.4g"
          % (COV_WINDOW, dates[-COV_WINDOW], dates[-1], len(cols), len(cols), min_piv,
             eig[0], eig[-1]))
    print("trades: %d" % len(trades))
    for d in desks:
        ne = sum(1 for t in trades if t["desk"] == d and t["type"] == "equity")
        ns = sum(1 for t in trades if t["desk"] == d and t["type"] == "sensitivity")
        print("  %-9s %3d equity %3d sensitivity" % (d, ne, ns))
    print("equity book (USD): gross %.0f, net %.0f, long %.0f, short %.0f"
          % (math.fsum(gross.values()), math.fsum(net.values()),
             (math.fsum(gross.values()) + math.fsum(net.values())) / 2,
             (math.fsum(gross.values()) - math.fsum(net.values())) / 2))
    tot = [math.fsum(expo[d][i] for d in desks) for i in range(len(cols))]
    tot_local = [math.fsum(expo_local[d][i] for d in desks) for i in range(len(cols))]
    print("delta-normal 1-day 99%% VaR (z = %.6f, covariance.csv, USD):" % z99)
    print("  book            %14.0f   (equity FX translation included)" % dn_var(tot))
    print("  book            %14.0f   (equity local return only, FX delta ignored)"
          % dn_var(tot_local))
    for d in desks:
        print("  %-15s %14.0f" % (d, dn_var(expo[d])))
    for label, rows in (("all %d rows" % len(hist), hist),
                        ("last %d rows" % COV_WINDOW, hist[-COV_WINDOW:]),
                        ("last 250 rows", hist[-250:])):
        pn = [pnl_row(r) for r in rows]
        v, es = var_es(pn, "0.99")
        v975, es975 = var_es(pn, "0.975")
        print("historical full revaluation, 1-day, %-13s: VaR99 %.0f  ES99 %.0f  "
              "VaR97.5 %.0f  ES97.5 %.0f" % (label, v, es, v975, es975))


if __name__ == "__main__":
    sys.exit(main())
