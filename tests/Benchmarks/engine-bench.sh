#!/usr/bin/env bash
# Engine benchmark on the bench-110m shape with dummy weights (no checkpoint needed):
# single-stream prefill/decode, aggregate decode at 1, 8 and 32 concurrent sequences, prefix-cache TTFT,
# for F32 and BF16 weights. Usage: tests/Benchmarks/engine-bench.sh [extra bench flags]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${MODEL:-$root/../shared/testdata/models/bench-110m}"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
for dtype in float32 bfloat16; do
  echo "== $dtype"
  dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" bench --model "$model" --load-format dummy \
    --dtype "$dtype" --input-len 128 --output-len 64 --concurrency 1,8,32 --prefix-len 1024 "$@"
done
