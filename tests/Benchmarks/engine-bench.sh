#!/usr/bin/env bash
# Engine benchmark on the bench-110m shape with dummy weights (no checkpoint needed):
# single-stream prefill/decode, aggregate decode at 1, 8 and 32 concurrent sequences, prefix-cache TTFT (median of
# several fresh prefixes after a warm-up on another long prompt), for F32 and BF16 weights, then FP8 E4M3 KV vs F32 KV
# at 32 streams. Usage: tests/Benchmarks/engine-bench.sh [extra bench flags]
#   environment: THREADS=<all cores by default> INPUT_LEN=128 OUTPUT_LEN=64 CONCURRENCY=1,8,32 PREFIX_LEN=1024 DTYPES="float32 bfloat16"
set -euo pipefail
command_line="$0 $*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${MODEL:-$root/../shared/testdata/models/bench-110m}"
threads="${THREADS:-$(nproc)}"; input_len="${INPUT_LEN:-128}"; output_len="${OUTPUT_LEN:-64}"
concurrency="${CONCURRENCY:-1,8,32}"; prefix_len="${PREFIX_LEN:-1024}"; dtypes="${DTYPES:-float32 bfloat16}"
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$command_line"
echo "threads: $threads, input $input_len tokens, output $output_len tokens, concurrency $concurrency, prefix $prefix_len tokens, model $model"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
bench() { # flags...
  local args=(bench --model "$model" --load-format dummy --threads "$threads" --input-len "$input_len" --output-len "$output_len" "$@")
  echo "dotnet InferenceService.dll ${args[*]}"
  dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" "${args[@]}"
}
for dtype in $dtypes; do
  echo "== $dtype"
  bench --dtype "$dtype" --concurrency "$concurrency" --prefix-len "$prefix_len" "$@"
done
widest="${concurrency##*,}"
echo "== float32, --kv-cache-dtype fp8_e4m3 (aggregate decode at $widest streams as a ratio to the F32 KV cache, same run)"
bench --dtype float32 --concurrency "$widest" --kv-cache-dtype fp8_e4m3 "$@"
