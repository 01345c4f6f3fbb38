#!/bin/sh
# Rebuilds models/forecaster-mlp.onnx and its manifest from data on this machine (see models/README.md).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx tsx models/export-sim-series.ts > "$tmp/sim-series.csv"
/usr/bin/python3 models/train_forecaster.py "${NAB_DIR:-../shared/data/nab}" "$tmp/sim-series.csv"
