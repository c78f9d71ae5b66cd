#!/usr/bin/python3
"""Writes the bundled samples backtest.csv and pla.csv (standard library only).

backtest.csv: 300 business days of a desk whose daily P&L is Student-t (4 d.o.f.) with a
volatility that doubles for 20 days in the second half, while the VaR model assumes a
normal P&L at the calm volatility: the last 250 days fall in the Basel yellow zone. The
hypothetical P&L is the actual one without fees and intraday trading (a small noise).
Day 30 has no P&L and day 200 no 99% VaR (missing cells count as exceptions).

pla.csv: 260 days of hypothetical P&L and the risk-theoretical P&L of a risk model whose
P&L correlates at about 0.92 with it but is scaled down by a quarter: over the last 250
days Spearman 0.898 (green side) and KS 0.104 (amber), so the PLA zone is amber.

Run from the repository root: /usr/bin/python3 examples/data/generate_backtest.py
"""
import datetime
import math
import random


def business_days(start, count):
    d = start
    out = []
    while len(out) < count:
        if d.weekday() < 5:
            out.append(d)
        d += datetime.timedelta(days=1)
    return out


def student_t(rng, dof):
    z = rng.gauss(0.0, 1.0)
    w = rng.gammavariate(dof / 2.0, 2.0)
    return z * math.sqrt((dof - 2.0) / w)  # unit variance


def backtest(path):
    rng = random.Random(20261125)
    days = business_days(datetime.date(2025, 9, 1), 300)
    sigma = 1.0e6
    with open(path, "w") as f:
        f.write("# Sample VaR backtest, written by examples/data/generate_backtest.py\n")
        f.write("date,pnl,var_99,var_975,hpl\n")
        for i, d in enumerate(days):
            vol = sigma * (2.0 if 180 <= i < 200 else 1.0)
            pnl = round(vol * student_t(rng, 4.0), 2)
            hpl = round(pnl + rng.gauss(0.0, 0.05 * sigma), 2)
            var99 = round(2.326348 * sigma * (1.0 + 0.05 * rng.random()), 2)
            var975 = round(1.959964 * sigma * (1.0 + 0.05 * rng.random()), 2)
            f.write(f"{d.isoformat()},{'' if i == 30 else pnl},{'' if i == 200 else var99},{var975},{hpl}\n")


def pla(path):
    rng = random.Random(42)
    days = business_days(datetime.date(2025, 8, 20), 260)
    with open(path, "w") as f:
        f.write("# Sample P&L attribution input, written by examples/data/generate_backtest.py\n")
        f.write("date,hpl,rtpl\n")
        for d in days:
            hpl = 1.0e6 * rng.gauss(0.0, 1.0)
            rtpl = 0.92 * hpl + 1.0e6 * math.sqrt(1 - 0.92 ** 2) * rng.gauss(0.0, 1.0)
            f.write(f"{d.isoformat()},{round(hpl, 2)},{round(rtpl * 0.75, 2)}\n")


if __name__ == "__main__":
    backtest("examples/data/backtest.csv")
    pla("examples/data/pla.csv")
