#!/usr/bin/env bash
# Side-by-side benchmark, our engine vs llama.cpp (LLamaSharp), in one run on the same GGUF files with the same
# threads: random weights of the bench-110m shape written as F32 and converted by llama.cpp (BF16, Q8_0, ...).
# Each round runs every type through our `bench` then through llama.cpp, alternating; per row it prints the
# medians over the rounds, the median and range of the per-round ratios (ours / llama.cpp) and the physical limit:
#   decode       single stream, tokens after a 128-token prompt; limit: read bandwidth / matmul weight bytes
#   prefill      128-token prompt; limit: F32 multiply-add throughput / 2 FLOP per matmul weight
#   aggregate n  n streams decoding together (ours: bench --concurrency n; llama.cpp: llama_decode of one batch
#                holding one token of each of n sequences, llama-batched-bench's S_TG); limit as prefill
# llama.cpp keeps its default F16 KV cache; ours runs with its defaults plus --engine-args. Ours is a fresh .NET process
# per type and round: its single-stream figures are the best of 3 after bench's warm-up, and its aggregate runs come
# after those, so they measure JIT-optimised code as llama.cpp's native code is (one warm-up run was not enough: the
# runtime recompiles hot methods in the background, and a run right after it decoded at a third of the speed).
# Usage: tests/Benchmarks/llamacpp-bench.sh [--engine-args '<our engine flags, e.g. --kv-cache-dtype fp8_e4m3>']
#   environment: TYPES="F32 BF16" ROUNDS=3 THREADS=2 STREAMS="8 32" MODEL=<config folder> WORK=<dir for the GGUFs>
set -euo pipefail
command_line="$0 $*"
engine_args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --engine-args) [ $# -ge 2 ] || { echo "--engine-args needs a value" >&2; exit 2; }; engine_args="$2"; shift 2 ;;
    *) echo "unknown argument '$1'; usage: $0 [--engine-args '<our engine flags>']" >&2; exit 2 ;;
  esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${MODEL:-$root/../shared/testdata/models/bench-110m}"
types="${TYPES:-F32 BF16}"
rounds="${ROUNDS:-3}"
threads="${THREADS:-2}"
streams="${STREAMS:-8 32}"
work="${WORK:-$(mktemp -d)}"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
dotnet build "$root/tests/Benchmarks/GgufBench" -c Release -warnaserror >/dev/null
ours="$root/InferenceService/bin/Release/net10.0/InferenceService.dll"
helper="$root/tests/Benchmarks/GgufBench/bin/Release/net10.0/GgufBench.dll"

# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$command_line"
echo "machine: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "threads: $threads, rounds: $rounds, model shape: $model, 128-token prompts, 64 new tokens, streams: $streams"
echo "our engine flags: --threads $threads ${engine_args:-(defaults)}"

missing=$(for t in $types; do [ -f "$work/$t.gguf" ] || echo "$t"; done | paste -sd, -)
[ -z "$missing" ] || dotnet "$helper" write --config "$model/config.json" --output "$work" --types "$missing" 2>/dev/null
results="$work/results.txt"
: > "$results"
for round in $(seq "$rounds"); do
  for t in $types; do
    # shellcheck disable=SC2086 # engine_args are several flags
    out=$(dotnet "$ours" bench --model "$work/$t.gguf" --threads "$threads" --input-len 128 --output-len 64 \
      --concurrency "$(tr ' ' , <<<"$streams")" --repeats 3 $engine_args)
    {
      echo "$round $t prefill ours $(sed -n 's/.*prefill (128-token prompt) \([0-9.]*\) tok\/s.*/\1/p' <<<"$out")"
      echo "$round $t decode ours $(sed -n 's/.*, decode \([0-9.]*\) tok\/s.*/\1/p' <<<"$out")"
      sed -n 's/^concurrency *\([0-9]*\): aggregate decode *\([0-9.]*\) tok\/s.*/'"$round $t"' aggregate_\1 ours \2/p' <<<"$out"
      sed -n 's/^limits: single-stream decode <= \([0-9.]*\) tok\/s.*batched decode <= \([0-9.]*\) tok\/s.*/'"$round $t"' decode limit \1\n'"$round $t"' compute limit \2/p' <<<"$out"
      sed -n 's/^host memory read bandwidth before: \([0-9.]*\) GB\/s.*/'"$round $t"' bandwidth GB\/s \1/p; s/^host F32 multiply-add throughput: \([0-9.]*\) GFLOP\/s.*/'"$round $t"' fma GFLOP\/s \1/p' <<<"$out"
    } >> "$results"
    theirs=$(dotnet "$helper" llamacpp --model "$work/$t.gguf" --threads "$threads" --streams "$(tr ' ' , <<<"$streams")" 2>/dev/null)
    awk -v r="$round" -v t="$t" '{ print r, t, "prefill llama.cpp", $2; print r, t, "decode llama.cpp", $4
      for (i = 5; i + 2 <= NF; i += 3) print r, t, "aggregate_" $(i + 1), "llama.cpp", $(i + 2) }' <<<"$theirs" >> "$results"
    echo "round $round $t: ours $(grep "^$round $t .* ours " "$results" | awk '{ printf "%s %s  ", $3, $5 }')| llama.cpp $(grep "^$round $t .* llama.cpp " "$results" | awk '{ printf "%s %s  ", $3, $5 }')"
  done
done

echo
echo "medians over $rounds rounds, $threads threads, bench-110m shape (tok/s; ratio = ours / llama.cpp per round: median [min-max]):"
awk -v types="$types" -v streams="$streams" '
  function median(list,   n, i, j, t, v) {
    n = split(list, v, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function target(type, row) {
    quantized = type ~ /^Q/
    if (row == "decode") return type == "Q4_K_M" ? 0.9 : 1.0
    if (row == "prefill") return quantized ? 0.9 : 1.0
    if (row == "aggregate_32") return quantized ? 2.0 : 3.0
    if (row == "aggregate_8") return quantized ? 0 : 1.5
    return 0
  }
  { key = $2 " " $3 " " $4; values[key] = values[key] " " $5; byRound[$1 " " key] = $5; roundsSeen[$1] = 1 }
  END {
    nt = split(types, ts, " "); ns = split(streams, ss, " ")
    printf "%-6s %-13s %9s %10s  %-20s %11s  %s\n", "type", "row", "ours", "llama.cpp", "ratio", "limit", "target"
    for (ti = 1; ti <= nt; ti++) {
      type = ts[ti]
      split("decode prefill", rows, " "); for (si = 1; si <= ns; si++) rows[2 + si] = "aggregate_" ss[si]
      for (ri = 1; ri <= 2 + ns; ri++) {
        row = rows[ri]; ratios = ""; lo = 1e9; hi = 0
        for (r in roundsSeen) {
          o = byRound[r " " type " " row " ours"]; l = byRound[r " " type " " row " llama.cpp"]
          if (o == "" || l == "" || l + 0 == 0) continue
          q = o / l; ratios = ratios " " q; if (q < lo) lo = q; if (q > hi) hi = q
        }
        limit = median(values[type " " (row == "decode" ? "decode" : "compute") " limit"])
        label = row; sub(/aggregate_/, "aggregate ", label); if (row == "decode") label = "decode 1"; if (row == "prefill") label = "prefill 128"
        m = median(ratios); goal = target(type, row)
        verdict = goal == 0 ? "-" : sprintf(">= %.1fx %s", goal, m >= goal ? "met" : "NOT met")
        printf "%-6s %-13s %9.1f %10.1f  %5.2fx [%.2f-%.2f] %11.1f  %s\n", type, label, median(values[type " " row " ours"]),
          median(values[type " " row " llama.cpp"]), m, lo, hi, limit, verdict
      }
    }
    bw = ""; fma = ""
    for (k in values) { if (k ~ / bandwidth /) bw = bw values[k]; if (k ~ / fma /) fma = fma values[k] }
    printf "physical limits (medians of the probes run before each of our runs): memory read bandwidth %.1f GB/s, F32 multiply-add %.1f GFLOP/s\n", median(bw), median(fma)
  }' "$results"
