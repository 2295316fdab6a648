#!/usr/bin/env bash
# GGUF benchmark, our engine vs llama.cpp (LLamaSharp) on the same files with the same threads: random-weight GGUFs
# of the bench-110m shape quantized by llama.cpp to Q8_0, Q4_0 and Q4_K_M; each round runs every file through our
# `bench` then through llama.cpp, alternating, and the medians over the rounds are printed with their ratios.
#   decode     single stream, tokens after a 128-token prompt (ours: bench's decode; llama.cpp: 64 single-token decodes)
#   prefill    128-token prompt (ours: 128 / time to first token; llama.cpp: one llama_decode of the prompt)
#   aggregate  32 streams (ours: bench --concurrency 32; llama.cpp: batched-bench's S_TG, one 32-token batch a step)
# Usage: tests/Benchmarks/gguf-bench.sh   (ROUNDS=3 THREADS=2 MODEL=<config folder> WORK=<dir for the GGUFs>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${MODEL:-$root/../shared/testdata/models/bench-110m}"
rounds="${ROUNDS:-3}"
threads="${THREADS:-2}"
work="${WORK:-$(mktemp -d)}"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
dotnet build "$root/tests/Benchmarks/GgufBench" -c Release -warnaserror >/dev/null
ours="$root/InferenceService/bin/Release/net10.0/InferenceService.dll"
helper="$root/tests/Benchmarks/GgufBench/bin/Release/net10.0/GgufBench.dll"

[ -f "$work/Q4_K_M.gguf" ] || dotnet "$helper" write --config "$model/config.json" --output "$work" 2>/dev/null
results="$work/results.txt"
: > "$results"
for round in $(seq "$rounds"); do
  for q in Q8_0 Q4_0 Q4_K_M; do
    out=$(dotnet "$ours" bench --model "$work/$q.gguf" --threads "$threads" --input-len 128 --output-len 64 --concurrency 32 --repeats 1)
    prefill=$(sed -n 's/.*prefill (128-token prompt) \([0-9.]*\) tok\/s.*/\1/p' <<<"$out")
    decode=$(sed -n 's/.*, decode \([0-9.]*\) tok\/s.*/\1/p' <<<"$out")
    aggregate=$(sed -n 's/concurrency  32: aggregate decode *\([0-9.]*\) tok\/s.*/\1/p' <<<"$out")
    echo "ours $q $prefill $decode $aggregate" | tee -a "$results"
    read -r _ prefill _ decode _ aggregate < <(dotnet "$helper" llamacpp --model "$work/$q.gguf" --threads "$threads" 2>/dev/null)
    echo "llama.cpp $q $prefill $decode $aggregate" | tee -a "$results"
  done
done

echo
echo "medians over $rounds rounds, $threads threads, bench-110m shape (tok/s; ratio = ours / llama.cpp):"
awk -v rounds="$rounds" '
  function median(key,   n, i, j, t, v) {
    n = split(values[key], v, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  { for (m = 3; m <= 5; m++) values[$1 " " $2 " " m] = values[$1 " " $2 " " m] " " $m }
  END {
    split("prefill decode aggregate", names, " ")
    split("Q8_0 Q4_0 Q4_K_M", types, " ")
    for (ti = 1; ti <= 3; ti++) {
      q = types[ti]
      for (m = 3; m <= 5; m++) {
        o = median("ours " q " " m); l = median("llama.cpp " q " " m); r = o / l
        name = names[m - 2]
        if (name == "prefill") target = 0.9
        else if (name == "aggregate") target = 2.0
        else if (q == "Q4_K_M") target = 0.9
        else target = 1.0
        verdict = (r >= target) ? "met" : "NOT met"
        printf "%-7s %-9s ours %8.1f  llama.cpp %8.1f  ratio %5.2fx  target >= %.1fx: %s\n", q, name, o, l, r, target, verdict
      }
    }
  }' "$results"
