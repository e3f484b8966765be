#!/usr/bin/env bash
# Rebuilds the bundled demo model from nothing: corpus + tokenizer (Java), training (PyTorch on CPU),
# GGUF export (Java), then the quality check. About 90 minutes on 2 cores.
#   tools/demo-model/build.sh [training minutes, default 88]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
minutes="${1:-88}"

# PyTorch from Debian (PyPI is not reachable here); OpenBLAS instead of the reference BLAS is a 17x speed-up.
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy
fi
if ! ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread
fi

./quantwatch model prepare --out models/build --examples 120000 --vocab 2048 --seed 1
/usr/bin/python3 tools/demo-model/train.py --build models/build --minutes "$minutes" --seed 1 | tee models/build/train.log
./quantwatch model export --build models/build --out models/quantwatch-demo-f16.gguf
cp models/build/loss.csv models/quantwatch-demo-loss.csv
./quantwatch model check --model models/quantwatch-demo-f16.gguf
