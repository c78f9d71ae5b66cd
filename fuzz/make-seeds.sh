#!/bin/sh
# Regenerates the seed files of fuzz/corpus/ taken from the bundled sample data
# (examples/data; the small files whole, the first lines of the big ones). The
# hand-written seeds (corpus/*/hand-*.csv) cover what the sample lacks: every trade type,
# quoting, BOM, CRLF, comments; they are not touched. Usage: sh fuzz/make-seeds.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../examples/data"
c="$here/corpus"
mkdir -p "$c/market" "$c/covariance" "$c/portfolio" "$c/history" "$c/factors" "$c/backtest" "$c/pla"

cp "$data/market.csv" "$c/market/sample.csv"
head -n 12 "$data/market.csv" > "$c/market/sample-head.csv"

# Square leading blocks of the covariance (valid matrices), and its first rows as they are.
head -n 5 "$data/covariance.csv" | cut -d, -f1-5 > "$c/covariance/sample-4x4.csv"
head -n 13 "$data/covariance.csv" | cut -d, -f1-13 > "$c/covariance/sample-12x12.csv"
head -n 3 "$data/covariance.csv" > "$c/covariance/sample-head.csv"

head -n 21 "$data/portfolio.csv" > "$c/portfolio/sample-head.csv"
{ head -n 1 "$data/portfolio.csv"; grep ',sensitivity,' "$data/portfolio.csv" | head -n 20; } \
  > "$c/portfolio/sample-sensitivity.csv"

head -n 5 "$data/history.csv" > "$c/history/sample-head.csv"
head -n 40 "$data/history.csv" | cut -d, -f1-4 > "$c/history/sample-40x3.csv"

if [ -f "$data/factors.csv" ]; then
  cp "$data/factors.csv" "$c/factors/sample.csv"
  head -n 12 "$data/factors.csv" > "$c/factors/sample-head.csv"
fi

for f in backtest pla; do
  if [ -f "$data/$f.csv" ]; then
    head -n 42 "$data/$f.csv" > "$c/$f/sample-head.csv"
  fi
done
