#!/usr/bin/env bash
# Serving benchmark (like `vllm bench serve`): starts the InferenceService on a model, sends N streaming
# requests at a max concurrency, prints throughput and TTFT/TPOT/ITL. Runs stories260K (real weights) and
# bench-110m (dummy weights) by default.
# Usage: tests/Benchmarks/serve-bench.sh [num-prompts=64] [max-concurrency=16]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/../shared/testdata/models"
n="${1:-64}"; c="${2:-16}"; port=8765
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
dll="$root/InferenceService/bin/Release/net10.0/InferenceService.dll"
run() {   # run NAME -- server flags...
  local name="$1"; shift
  dotnet "$dll" --port "$port" "$@" >/tmp/serve-bench-server.log 2>&1 &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  echo "== $name"
  dotnet "$dll" bench-serve --base-url "http://127.0.0.1:$port" --num-prompts "$n" --max-concurrency "$c" --input-len 128 --output-len 64
}
run "stories260K" --model "$data/stories260K" --max-num-seqs 64
run "bench-110m (dummy F32)" --model "$data/bench-110m" --load-format dummy --max-num-seqs 64
