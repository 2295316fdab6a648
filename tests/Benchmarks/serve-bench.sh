#!/usr/bin/env bash
# Serving benchmark (like `vllm bench serve`): starts the InferenceService on a model, sends N streaming
# requests at a max concurrency, prints throughput and TTFT/TPOT/ITL. Runs stories260K (real weights) and
# bench-110m (dummy weights) by default. Before each measured run, a warm-up run of one concurrency's worth of requests
# (other prompts: --seed 1) settles JIT tiering and the server's buffers; it is not reported.
# Usage: tests/Benchmarks/serve-bench.sh [num-prompts=64] [max-concurrency=16]
#   environment: THREADS=<server threads, all cores by default> INPUT_LEN=128 OUTPUT_LEN=64 MODELS="stories260K bench-110m"
set -euo pipefail
command_line="$0 $*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/../shared/testdata/models"
n="${1:-64}"; c="${2:-16}"; port=8765
threads="${THREADS:-$(nproc)}"; input_len="${INPUT_LEN:-128}"; output_len="${OUTPUT_LEN:-64}"
models="${MODELS:-stories260K bench-110m}"
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$command_line"
echo "server threads: $threads, input $input_len tokens, output $output_len tokens, $n requests, max concurrency $c, warm-up $c requests"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
dll="$root/InferenceService/bin/Release/net10.0/InferenceService.dll"
run() {   # run NAME -- server flags...
  local name="$1"; shift
  dotnet "$dll" --port "$port" --threads "$threads" "$@" >/tmp/serve-bench-server.log 2>&1 &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  echo "== $name"
  local bench=(bench-serve --base-url "http://127.0.0.1:$port" --max-concurrency "$c" --input-len "$input_len" --output-len "$output_len")
  dotnet "$dll" "${bench[@]}" --num-prompts "$c" --seed 1 >/dev/null
  echo "dotnet InferenceService.dll ${bench[*]} --num-prompts $n"
  dotnet "$dll" "${bench[@]}" --num-prompts "$n"
}
for model in $models; do
  case "$model" in
    stories260K) run "stories260K" --model "$data/stories260K" --max-num-seqs 64 ;;
    bench-110m) run "bench-110m (dummy F32)" --model "$data/bench-110m" --load-format dummy --max-num-seqs 64 ;;
    *) echo "unknown model '$model' (stories260K or bench-110m)" >&2; exit 2 ;;
  esac
done
