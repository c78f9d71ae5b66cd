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
    market.csv       base market as of 2026-11-25, base currency USD
    history.csv      1,600 business days of daily shocks ending 2026-11-25
    covariance.csv   sample covariance of the last 500 rows of history.csv
    portfolio.csv    582 trades of every type on 5 desks
    factors.csv      FRTB classification of every market factor
    base_values.csv  per-trade base value in USD from closed forms (not an engine
                     input: the reference the C++ pricers are tested against)

Ends with a self-check printed to stdout: factor and day counts, trades per desk
and type, base values per desk, and the delta-normal and historical 1-day VaR of
the equity and sensitivity trades (the script prices no option under shocks).
"""

import argparse
import calendar
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
    "GBP": [0.0396, 0.0389, 0.0378, 0.0366, 0.0357, 0.0361, 0.0376, 0.0393, 0.0419, 0.0468, 0.0461],
    "CHF": [0.0002, 0.0003, 0.0006, 0.0012, 0.0022, 0.0031, 0.0045, 0.0058, 0.0072, 0.0088, 0.0085],
}
# curves of the first sample: their history is drawn from the "history" stream exactly as
# before; the curves added later (GBP, CHF) draw from their own stream, so adding them left
# every earlier history column unchanged
FIRST_CURVES = ("USD", "EUR", "JPY")
# daily vols (rate units) of level, slope, curvature, pillar noise; loading on global level
IR_MODEL = {
    "USD": (0.00055, 0.00030, 0.00015, 0.000035, 0.75),
    "EUR": (0.00045, 0.00025, 0.00012, 0.000030, 0.70),
    "JPY": (0.00022, 0.00015, 0.00008, 0.000025, 0.50),
    "GBP": (0.00058, 0.00032, 0.00016, 0.000035, 0.70),
    "CHF": (0.00030, 0.00018, 0.00010, 0.000025, 0.55),
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
    rng_new = Rng("history-curves-gbp-chf")
    crng = {c: rng if c in FIRST_CURVES else rng_new for c in CURVES}
    g_lvl = {c: Garch(crng[c], 0.05, 0.93) for c in CURVES}
    g_slp = {c: Garch(crng[c], 0.05, 0.93) for c in CURVES}
    g_crv = {c: Garch(crng[c]) for c in CURVES}

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
                    + s_e * crng[ccy].student_t6())
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


def num(x):
    """An integral amount without exponent (JPY notionals reach 1e10), else fmt()."""
    return "%d" % x if x == int(x) and abs(x) < 1e15 else fmt(x)


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
    # the 180 equity and sensitivity trades above are those of the first sample, unchanged
    # (same stream, same rows); the derivatives follow, each section on its own stream
    return trades + sens + build_derivatives()


# ---------------------------------------------------------------------------
# Dates and curves (DESIGN.md section 4), shared by the builder and the oracle
# ---------------------------------------------------------------------------
def add_months(d, n):
    """`d` moved by `n` months, the day clipped to the target month's length."""
    y, m0 = divmod(d.month - 1 + n, 12)
    y += d.year
    return datetime.date(y, m0 + 1, min(d.day, calendar.monthrange(y, m0 + 1)[1]))


def year_fraction(d0, d1):
    """Act/365F."""
    return (d1 - d0).days / 365.0


def payment_dates(as_of, maturity, frequency):
    """Maturity minus k*12/frequency months (k = 0, 1, ...), while after as-of; ascending."""
    step, out, k = 12 // frequency, [], 0
    while True:
        d = add_months(maturity, -k * step)
        if not d > as_of:
            return out[::-1]
        out.append(d)
        k += 1


def fixed_leg(as_of, maturity, frequency, notional, rate, principal):
    """[(time from as-of, amount)]: coupons notional*rate*Act/365F(period), the first
    period from as-of; `principal` added to the last amount."""
    flows, prev = [], as_of
    for d in payment_dates(as_of, maturity, frequency):
        flows.append([year_fraction(as_of, d), notional * rate * year_fraction(prev, d)])
        prev = d
    flows[-1][1] += principal
    return flows


class Market:
    """A base market (factor -> value): zero curves and conversion to the base currency."""

    def __init__(self, values):
        self.v = values
        self.pillars = {}
        for name, x in values.items():
            kind, ccy, tenor = name.split(".")
            if kind == "IR":
                self.pillars.setdefault(ccy, []).append((tenor_years(tenor), x))
        for ccy, p in self.pillars.items():
            p.sort()
            if any(a[0] == b[0] for a, b in zip(p, p[1:])):
                raise SystemExit("two pillars of the %s curve at the same time" % ccy)

    def zero_rate(self, ccy, t):
        """Linear in zero rate on the pillar times, flat outside."""
        p = self.pillars[ccy]
        if t <= p[0][0]:
            return p[0][1]
        if t >= p[-1][0]:
            return p[-1][1]
        hi = next(i for i, (ti, _r) in enumerate(p) if ti > t)
        (t0, r0), (t1, r1) = p[hi - 1], p[hi]
        w = (t1 - t) / (t1 - t0)
        return w * r0 + (1.0 - w) * r1

    def df(self, ccy, t):
        return math.exp(-self.zero_rate(ccy, t) * t)

    def to_base(self, ccy):
        """Base-currency units per unit of `ccy` (FX.<CCY><BASE>.SPOT or 1/FX.<BASE><CCY>)."""
        if ccy == BASE:
            return 1.0
        direct = self.v.get("FX.%s%s.SPOT" % (ccy, BASE))
        inverse = self.v.get("FX.%s%s.SPOT" % (BASE, ccy))
        if (direct is None) == (inverse is None):
            raise SystemExit("no unique FX rate for %s" % ccy)
        return direct if direct is not None else 1.0 / inverse


# ---------------------------------------------------------------------------
# Derivatives: equity forwards and options, FX, bonds and swaps
# ---------------------------------------------------------------------------
EQ_FORWARDS_PER_DESK = 16
EUROPEANS_PER_DESK = 48
N_DIGITALS, N_BARRIERS, N_AMERICANS = 20, 16, 10
N_FX_FORWARDS, N_FX_OPTIONS = 60, 44
N_ZERO_BONDS, N_FIXED_BONDS, N_SWAPS = 24, 40, 60
BARRIER_KINDS = ["down_in", "down_out", "up_in", "up_out"]
SWAP_TENORS = [1, 2, 3, 5, 7, 10, 15, 20, 30]  # years


def build_derivatives():
    mkt = Market(dict(market_factors()))
    out = []

    def sign(rng, long_share=0.5):
        return 1 if rng.uniform() < long_share else -1

    def maturity_days(rng, lo, hi):
        """lo..hi calendar days after the as-of date, log-uniform."""
        return AS_OF + datetime.timedelta(days=int(round(rng.log_between(lo, hi))))

    def lots(x, lot):
        return max(lot, int(round(x / lot)) * lot)

    def shares(rng, e, lo, hi):
        """Shares for a USD amount log-uniform in [lo, hi], in lots."""
        name, ccy, _sec, spot, *_ = e
        n = rng.log_between(lo, hi) / (spot * mkt.to_base(ccy))
        return lots(n, 100 if n >= 2000 else 10)

    def t_of(d):
        return year_fraction(AS_OF, d)

    def add(prefix, row):
        row["id"] = prefix
        out.append(row)

    # --- equity forwards and europeans on the regional desks ------------------
    rng = Rng("portfolio-eq-derivatives")
    for desk, names in (("eq_us", [e for e in EQUITIES if e[1] == "USD"]),
                        ("eq_intl", [e for e in EQUITIES if e[1] != "USD"])):
        for k in range(EQ_FORWARDS_PER_DESK):
            e = names[k % len(names)]
            name, ccy, _sec, spot, _vol, div = e
            mat = maturity_days(rng, 30, 730)
            t = t_of(mat)
            fwd = spot * math.exp(-div * t) / mkt.df(ccy, t)
            add("EF", {"desk": desk, "type": "equity_forward", "underlying": name,
                       "currency": ccy, "quantity": str(sign(rng, 0.6) * shares(rng, e, 1e6, 2e7)),
                       "strike": fmt(round_sig(fwd * rng.between(0.95, 1.05), 5)),
                       "maturity": mat.isoformat()})
        for k in range(EUROPEANS_PER_DESK):
            e = names[k % len(names)]
            name, ccy, _sec, spot, *_ = e
            add("EO", {"desk": desk, "type": "european", "underlying": name, "currency": ccy,
                       "quantity": str(sign(rng) * shares(rng, e, 1e6, 3e7)),
                       "strike": fmt(round_sig(spot * rng.between(0.7, 1.3), 4)),
                       "maturity": maturity_days(rng, 21, 1095).isoformat(),
                       "option": "call" if rng.uniform() < 0.5 else "put"})

    # --- exotics desk: digitals, barriers (all four kinds), americans ---------
    rng = Rng("portfolio-eq-exotics")
    for k in range(N_DIGITALS):
        name, ccy, _sec, spot, *_ = EQUITIES[rng.index(len(EQUITIES))]
        cash = round_sig(rng.log_between(1e6, 1e7) / mkt.to_base(ccy), 2)
        add("DG", {"desk": "eq_exotics", "type": "digital", "underlying": name, "currency": ccy,
                   "quantity": str(sign(rng) * (1 + rng.index(3))),
                   "strike": fmt(round_sig(spot * rng.between(0.8, 1.2), 4)),
                   "maturity": maturity_days(rng, 30, 1095).isoformat(),
                   "option": "call" if k % 2 == 0 else "put", "notional": num(cash)})
    for k in range(N_BARRIERS):
        e = EQUITIES[rng.index(len(EQUITIES))]
        name, ccy, _sec, spot, *_ = e
        kind = BARRIER_KINDS[k % 4]
        if kind.startswith("up"):  # barrier 10-35% above spot, strike below it
            barrier = round_sig(spot * rng.between(1.10, 1.35), 4)
            strike = round_sig(spot * rng.between(0.85, 1.05), 4)
        else:                      # barrier 10-35% below spot, strike above it
            barrier = round_sig(spot * rng.between(0.65, 0.90), 4)
            strike = round_sig(spot * rng.between(0.95, 1.15), 4)
        row = {"desk": "eq_exotics", "type": "barrier", "underlying": name, "currency": ccy,
               "quantity": str(sign(rng, 0.4) * shares(rng, e, 1e6, 1.5e7)),
               "strike": fmt(strike), "maturity": maturity_days(rng, 60, 730).isoformat(),
               "option": "call" if (k // 4) % 2 == 0 else "put",
               "barrier": fmt(barrier), "barrier_type": kind}
        if k >= 8:  # the second half pays a rebate (per unit, in the trade currency)
            row["rebate"] = fmt(round_sig(spot * rng.between(0.01, 0.05), 3))
        add("BA", row)
    high_div = [e for e in EQUITIES if e[5] >= 0.02]
    for k in range(N_AMERICANS):
        call = k % 3 == 2  # mostly puts; the calls on high-dividend names
        e = high_div[rng.index(len(high_div))] if call else EQUITIES[rng.index(len(EQUITIES))]
        name, ccy, _sec, spot, *_ = e
        add("AM", {"desk": "eq_exotics", "type": "american", "underlying": name, "currency": ccy,
                   "quantity": str(sign(rng) * shares(rng, e, 1e6, 1.5e7)),
                   "strike": fmt(round_sig(spot * rng.between(0.8, 1.2), 4)),
                   "maturity": maturity_days(rng, 30, 730).isoformat(),
                   "option": "call" if call else "put"})

    # --- FX forwards and options: quantity in CCY1, strike and currency CCY2 ----
    rng = Rng("portfolio-fx")
    for k in range(N_FX_FORWARDS + N_FX_OPTIONS):
        pair = FX[k % len(FX)][0]
        c1, c2 = pair[:3], pair[3:]
        x = mkt.v["FX.%s.SPOT" % pair]
        option = k >= N_FX_FORWARDS
        mat = maturity_days(rng, 14, 1095)
        t = t_of(mat)
        fwd = x * mkt.df(c1, t) / mkt.df(c2, t)
        qty = round_sig(rng.log_between(1e6, 1e8 if not option else 5e7) / mkt.to_base(c1), 2)
        row = {"desk": "fx_macro", "underlying": pair, "currency": c2,
               "quantity": num(sign(rng) * qty), "maturity": mat.isoformat()}
        if option:
            row["type"] = "fx_option"
            row["strike"] = fmt(round_sig(fwd * math.exp(rng.between(-0.15, 0.15)), 5))
            row["option"] = "call" if rng.uniform() < 0.5 else "put"
            add("FO", row)
        else:
            row["type"] = "fx_forward"
            row["strike"] = fmt(round_sig(fwd * rng.between(0.97, 1.03), 5))
            add("FF", row)

    # --- rates: zero bonds, fixed bonds, swaps on USD/EUR/JPY -----------------
    rng = Rng("portfolio-rates")

    def notional(ccy):
        return num(round_sig(rng.log_between(1e6, 1e8) / mkt.to_base(ccy), 2))

    ccys = ["USD", "EUR", "USD", "JPY", "EUR"]
    for k in range(N_ZERO_BONDS):
        ccy = ccys[k % len(ccys)]
        row = {"desk": "rates", "type": "zero_bond", "currency": ccy, "notional": notional(ccy),
               "maturity": maturity_days(rng, 30, 10950).isoformat()}
        if rng.uniform() < 0.25:
            row["quantity"] = "-1"  # short; empty quantity = 1
        add("ZB", row)
    for k in range(N_FIXED_BONDS):
        ccy = ccys[k % len(ccys)]
        if k % 4 == 0:  # on an anniversary of the as-of date: a full first period
            mat = add_months(AS_OF, 12 * SWAP_TENORS[rng.index(len(SWAP_TENORS))])
        else:           # any date: a short first period
            mat = maturity_days(rng, 365, 10950)
        freq = {"EUR": 1, "JPY": 2}.get(ccy, 4 if k % 5 == 0 else 2)
        y = mkt.zero_rate(ccy, t_of(mat)) + rng.between(-0.0075, 0.01)
        row = {"desk": "rates", "type": "fixed_bond", "currency": ccy, "notional": notional(ccy),
               "rate": fmt(max(1, round(y / 0.00125)) * 0.00125),
               "frequency": str(freq), "maturity": mat.isoformat()}
        if rng.uniform() < 0.25:
            row["quantity"] = "-1"
        add("FB", row)
    sccys = ["USD", "EUR", "JPY", "USD", "EUR"]
    for k in range(N_SWAPS):
        ccy = sccys[k % len(sccys)]
        if rng.uniform() < 2.0 / 3.0:
            mat = add_months(AS_OF, 12 * SWAP_TENORS[rng.index(len(SWAP_TENORS))])
        else:
            mat = maturity_days(rng, 45, 10950)
        freq = (1, 2, 4)[rng.index(3)]
        nominal = notional(ccy)
        flows = fixed_leg(AS_OF, mat, freq, 1.0, 1.0, 0.0)  # unit annuity
        annuity = math.fsum(a * mkt.df(ccy, t) for t, a in flows)
        par = (1.0 - mkt.df(ccy, flows[-1][0])) / annuity
        if k % 3 == 0:  # at the money: the par rate to 10 significant digits
            rate = fmt(par)
        else:           # off the market by up to 100 bp, on a 0.5 bp grid
            rate = fmt(round((par + rng.between(-0.01, 0.01)) / 0.00005) * 0.00005)
        add("SW", {"desk": "rates", "type": "swap", "currency": ccy, "notional": nominal,
                   "rate": rate, "frequency": str(freq),
                   "pay_fixed": "true" if rng.uniform() < 0.5 else "false",
                   "maturity": mat.isoformat(), "_atm": k % 3 == 0})  # _atm: not written

    counters = {}
    for row in out:
        p = row["id"]
        counters[p] = counters.get(p, 0) + 1
        row["id"] = "%s%04d" % (p, counters[p])
    return out


# ---------------------------------------------------------------------------
# Base-value oracle: closed forms (math.exp/erfc), from the written files
# ---------------------------------------------------------------------------
ORACLE_TYPES = ("equity", "equity_forward", "fx_forward", "zero_bond", "fixed_bond", "swap",
                "european", "fx_option", "digital", "sensitivity")


def ncdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def bsm(call, s, k, t, r, q, vol):
    """Black-Scholes-Merton (Garman-Kohlhagen with q = foreign rate)."""
    sd = vol * math.sqrt(t)
    d1 = (math.log(s / k) + (r - q + 0.5 * vol * vol) * t) / sd
    d2 = d1 - sd
    if call:
        return s * math.exp(-q * t) * ncdf(d1) - k * math.exp(-r * t) * ncdf(d2)
    return k * math.exp(-r * t) * ncdf(-d2) - s * math.exp(-q * t) * ncdf(-d1)


def cash_or_nothing(call, s, k, t, r, q, vol, cash):
    sd = vol * math.sqrt(t)
    d2 = (math.log(s / k) + (r - q - 0.5 * vol * vol) * t) / sd
    return cash * math.exp(-r * t) * ncdf(d2 if call else -d2)


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = lines[0].split(",")
    return [dict(zip(header, ln.split(","))) for ln in lines[1:] if ln]


def check_trade(t, mkt):
    """The binding constraints of DESIGN.md sections 4 and 6 that the sample promises."""
    def bad(why):
        raise SystemExit("trade %s (%s): %s" % (t["id"], t["type"], why))

    typ = t["type"]
    if typ == "sensitivity":
        return
    if t["maturity"] or typ != "equity":
        if not datetime.date.fromisoformat(t["maturity"]) > AS_OF:
            bad("maturity not after the as-of date")
    if typ in ("equity", "equity_forward", "european", "digital", "barrier", "american"):
        e = next(e for e in EQUITIES if e[0] == t["underlying"])
        if t["currency"] != e[1]:
            bad("currency is not the listing currency")
        for what in ("SPOT", "DIV") + (("VOL",) if typ not in ("equity", "equity_forward") else ()):
            if "EQ.%s.%s" % (e[0], what) not in mkt.v:
                bad("no EQ.%s.%s in the market" % (e[0], what))
    if typ in ("fx_forward", "fx_option"):
        pair = t["underlying"]
        if "FX.%s.SPOT" % pair not in mkt.v or t["currency"] != pair[3:]:
            bad("pair not in the market or currency is not CCY2")
        if typ == "fx_option" and "FX.%s.VOL" % pair not in mkt.v:
            bad("no FX vol")
        for c in (pair[:3], pair[3:]):
            if c not in mkt.pillars:
                bad("no %s curve" % c)
    if typ in ("zero_bond", "fixed_bond", "swap") and t["currency"] not in mkt.pillars:
        bad("no curve")
    if t["strike"] and not float(t["strike"]) > 0.0:
        bad("strike not positive")
    if typ in ("european", "digital", "barrier", "american", "fx_option") and \
            t["option"] not in ("call", "put"):
        bad("option")
    if typ == "barrier":
        s, h = mkt.v["EQ.%s.SPOT" % t["underlying"]], float(t["barrier"])
        kind = t["barrier_type"]
        if kind not in BARRIER_KINDS:
            bad("barrier_type")
        if (kind.startswith("down") and not h <= 0.95 * s) or \
                (kind.startswith("up") and not h >= 1.05 * s):
            bad("barrier %g within 5%% of (or across) spot %g" % (h, s))
        if t["rebate"] and float(t["rebate"]) < 0.0:
            bad("negative rebate")
    if typ in ("fixed_bond", "swap") and t["frequency"] not in ("1", "2", "3", "4", "6", "12"):
        bad("frequency")
    if typ == "swap" and t["pay_fixed"] not in ("true", "false"):
        bad("pay_fixed")
    if typ in ("zero_bond", "fixed_bond", "swap", "digital") and not float(t["notional"]) > 0.0:
        bad("notional")


def oracle_value(t, mkt):
    """Base value of trade row `t` in the trade currency, or None (barrier, american)."""
    typ = t["type"]
    if typ == "sensitivity":
        return 0.0
    if typ in ("barrier", "american"):
        return None
    q = float(t["quantity"]) if t["quantity"] else 1.0
    ccy = t["currency"]
    if typ == "equity":
        return q * mkt.v["EQ.%s.SPOT" % t["underlying"]]
    mat = datetime.date.fromisoformat(t["maturity"])
    tt = year_fraction(AS_OF, mat)
    if typ in ("zero_bond", "fixed_bond", "swap"):
        n = float(t["notional"])
        if typ == "zero_bond":
            return q * n * mkt.df(ccy, tt)
        flows = fixed_leg(AS_OF, mat, int(t["frequency"]), n, float(t["rate"]),
                          n if typ == "fixed_bond" else 0.0)
        fixed = math.fsum(a * mkt.df(ccy, ti) for ti, a in flows)
        if typ == "fixed_bond":
            return q * fixed
        floating = n * (1.0 - mkt.df(ccy, flows[-1][0]))
        return q * (floating - fixed if t["pay_fixed"] == "true" else fixed - floating)
    k = float(t["strike"])
    if typ in ("fx_forward", "fx_option"):
        pair = t["underlying"]
        x = mkt.v["FX.%s.SPOT" % pair]
        if typ == "fx_forward":
            return q * (x * mkt.df(pair[:3], tt) - k * mkt.df(pair[3:], tt))
        return q * bsm(t["option"] == "call", x, k, tt, mkt.zero_rate(pair[3:], tt),
                       mkt.zero_rate(pair[:3], tt), mkt.v["FX.%s.VOL" % pair])
    name = t["underlying"]
    s, div = mkt.v["EQ.%s.SPOT" % name], mkt.v["EQ.%s.DIV" % name]
    if typ == "equity_forward":
        return q * (s * math.exp(-div * tt) - k * mkt.df(ccy, tt))
    r, vol = mkt.zero_rate(ccy, tt), mkt.v["EQ.%s.VOL" % name]
    if typ == "european":
        return q * bsm(t["option"] == "call", s, k, tt, r, div, vol)
    if typ == "digital":
        cash = float(t["notional"]) if t["notional"] else 1.0
        return q * cash_or_nothing(t["option"] == "call", s, k, tt, r, div, vol, cash)
    raise SystemExit("oracle: unknown trade type %s" % typ)


def base_values(out):
    """Checks every trade of the written portfolio against the written market and
    writes base_values.csv (id, type, base_value_usd; barrier/american omitted)."""
    mkt = Market({r["factor"]: float(r["value"])
                  for r in read_csv(os.path.join(out, "market.csv"))})
    rows = read_csv(os.path.join(out, "portfolio.csv"))
    values = []
    for t in rows:
        check_trade(t, mkt)
        v = oracle_value(t, mkt)
        if v is None:
            continue
        usd = v * mkt.to_base(t["currency"]) if t["type"] != "sensitivity" else 0.0
        if not math.isfinite(usd):
            raise SystemExit("trade %s: value not finite" % t["id"])
        values.append((t, usd))
    write_csv(os.path.join(out, "base_values.csv"), ["id", "type", "base_value_usd"],
              [[t["id"], t["type"], repr(v)] for t, v in values])
    return rows, values, mkt


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
        # specified currencies (MAR33.12; CHF counted with them, as the sample's convention)
        lh = 10 if key in ("USD", "EUR", "GBP", "JPY", "CHF", "AUD", "CAD", "SEK") else 20
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

    # base_values.csv: closed-form base values, from the files just written
    _rows, values, _mkt = base_values(out)

    # factors.csv
    fac_rows = []
    in_hist = set(cols)
    for n in names:
        rc, lh, mod, red = factor_class(n, n in in_hist)
        fac_rows.append([n, rc, str(lh), "true" if mod else "false", "true" if red else "false"])
    write_csv(os.path.join(out, "factors.csv"),
              ["factor", "risk_class", "liquidity_horizon", "modellable", "reduced_set"], fac_rows)

    self_check(out, market, cols, hist, dates, cov, trades, min_piv, eig, fac_rows, values)


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


TRADE_TYPES = ["equity", "equity_forward", "european", "digital", "barrier", "american",
               "fx_forward", "fx_option", "zero_bond", "fixed_bond", "swap", "sensitivity"]


def self_check(out, market, cols, hist, dates, cov, all_trades, min_piv, eig, fac_rows, values):
    # The VaR figures need pricers for every trade; the script has closed forms for the
    # linear trades only, so they cover the equity and sensitivity trades (the 180 trades
    # of the first sample, which the C++ book of this version binds).
    trades = [t for t in all_trades if t["type"] in ("equity", "sensitivity")]
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
    for f in ("market.csv", "history.csv", "covariance.csv", "portfolio.csv", "factors.csv",
              "base_values.csv"):
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
    all_desks = []
    for t in all_trades:
        if t["desk"] not in all_desks:
            all_desks.append(t["desk"])
    used = [ty for ty in TRADE_TYPES if any(t["type"] == ty for t in all_trades)]
    print("trades: %d on %d desks (rows: desk, columns: type)" % (len(all_trades), len(all_desks)))
    short = {"equity_forward": "eq_fwd", "fx_forward": "fx_fwd", "fx_option": "fx_opt",
             "zero_bond": "zero", "fixed_bond": "bond", "sensitivity": "sens"}
    print("  %-10s" % "" + "".join("%9s" % short.get(ty, ty) for ty in used) + "    total")
    for d in all_desks + ["total"]:
        c = [sum(1 for t in all_trades if (d == "total" or t["desk"] == d) and t["type"] == ty)
             for ty in used]
        print("  %-10s" % d + "".join("%9s" % (n if n else ".") for n in c) + "%9d" % sum(c))
    n_barrier = {k: sum(1 for t in all_trades if t["type"] == "barrier" and t["barrier_type"] == k)
                 for k in BARRIER_KINDS}
    print("  barriers: %s; %d with a rebate"
          % (", ".join("%s %d" % kv for kv in n_barrier.items()),
             sum(1 for t in all_trades if t["type"] == "barrier" and t.get("rebate"))))
    sw = [t for t in all_trades if t["type"] == "swap"]
    print("  swaps: %d payer, %d receiver; frequency 1/2/4: %d/%d/%d; fixed bonds frequency "
          "1/2/4: %d/%d/%d"
          % (sum(1 for t in sw if t["pay_fixed"] == "true"),
             sum(1 for t in sw if t["pay_fixed"] == "false"),
             *[sum(1 for t in sw if t["frequency"] == f) for f in "124"],
             *[sum(1 for t in all_trades if t["type"] == "fixed_bond" and t["frequency"] == f)
               for f in "124"]))
    print("base values (closed forms, USD, base_values.csv: %d rows; %d barrier/american "
          "trades omitted):" % (len(values), len(all_trades) - len(values)))
    by = {}
    for t, v in values:
        by.setdefault((t["desk"], t["type"]), []).append(v)
    for d in all_desks:
        parts = ["%s %.0f" % (ty, math.fsum(by[(d, ty)])) for ty in used
                 if (d, ty) in by and ty != "sensitivity"]
        if parts:
            print("  %-10s %s" % (d, "; ".join(parts)))
    print("  total      %.0f" % math.fsum(v for _t, v in values))
    atm_ids = {t["id"] for t in all_trades if t.get("_atm")}
    atm = [(t, v) for t, v in values if t["id"] in atm_ids]
    print("  at-the-money swaps: %d, largest |value| / notional in USD %.2g"
          % (len(atm), max(abs(v) / (float(t["notional"]) * usd_per_unit(t["currency"], fx_spot))
                           for t, v in atm)))
    print("  the sample's VaR figures below cover the equity and sensitivity trades only "
          "(%d trades; the other types need pricers this script does not have)" % len(trades))
    print("equity book (USD): gross %.0f, net %.0f, long %.0f, short %.0f"
          % (math.fsum(gross.values()), math.fsum(net.values()),
             (math.fsum(gross.values()) + math.fsum(net.values())) / 2,
             (math.fsum(gross.values()) - math.fsum(net.values())) / 2))
    tot = [math.fsum(expo[d][i] for d in desks) for i in range(len(cols))]
    tot_local = [math.fsum(expo_local[d][i] for d in desks) for i in range(len(cols))]
    print("delta-normal 1-day 99%% VaR of the equity and sensitivity trades "
          "(z = %.6f, covariance.csv, USD):" % z99)
    print("  eq + sens       %14.0f   (equity FX translation included)" % dn_var(tot))
    print("  eq + sens       %14.0f   (equity local return only, FX delta ignored)"
          % dn_var(tot_local))
    for d in desks:
        print("  %-15s %14.0f" % (d, dn_var(expo[d])))
    for label, rows in (("all %d rows" % len(hist), hist),
                        ("last %d rows" % COV_WINDOW, hist[-COV_WINDOW:]),
                        ("last 250 rows", hist[-250:])):
        pn = [pnl_row(r) for r in rows]
        v, es = var_es(pn, "0.99")
        v975, es975 = var_es(pn, "0.975")
        print("historical full revaluation (eq + sens), 1-day, %-13s: VaR99 %.0f  ES99 %.0f  "
              "VaR97.5 %.0f  ES97.5 %.0f" % (label, v, es, v975, es975))


if __name__ == "__main__":
    sys.exit(main())
