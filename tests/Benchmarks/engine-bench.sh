#!/usr/bin/env bash
# Engine benchmark on the bench-110m shape with dummy weights (no checkpoint needed):
# single-stream prefill/decode, aggregate decode at 1, 8 and 32 concurrent sequences, prefix-cache TTFT,
# for F32 and BF16 weights, then FP8 E4M3 KV vs F32 KV at 32 streams. Usage: tests/Benchmarks/engine-bench.sh [extra bench flags]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${MODEL:-$root/../shared/testdata/models/bench-110m}"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
for dtype in float32 bfloat16; do
  echo "== $dtype"
  dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" bench --model "$model" --load-format dummy \
    --dtype "$dtype" --input-len 128 --output-len 64 --concurrency 1,8,32 --prefix-len 1024 "$@"
done
echo "== float32, --kv-cache-dtype fp8_e4m3 (aggregate decode at 32 streams as a ratio to the F32 KV cache, same run)"
dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" bench --model "$model" --load-format dummy \
  --dtype float32 --input-len 128 --output-len 64 --concurrency 32 --kv-cache-dtype fp8_e4m3 "$@"
