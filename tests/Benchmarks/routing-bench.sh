#!/usr/bin/env bash
# Prefix-aware routing, measured: two InferenceService replicas behind the gateway, the acceptance workload of issue 23
# (NUM_PREFIXES distinct PREFIX_LEN-token prefixes, NUM_PROMPTS requests each picking one at random, then INPUT_LEN tokens
# of its own; bench-serve --prefix-len), once with Gateway__Routing=PrefixAffinity and once with the default policy (least
# outstanding requests), each on freshly started replicas. Prints, per policy, the replicas' prefix-cache hit rate (deltas
# of vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total over the run) and TTFT p50/p90, then the TTFT ratio.
# The model: random (dummy) weights of a small Llama shape (HIDDEN x LAYERS, 4 heads, 2 KV heads) with a 2k context and
# stories260K's tokenizer; each replica's KV cache holds about 6 of the prefixes (the 4 that affinity places on it, not all
# 8): 4 bytes x 2 (K, V) x LAYERS x 2 KV heads x HIDDEN/4 per token, so KV_CACHE defaults to 6.5 prompts' worth. A larger
# model (HIDDEN=512 LAYERS=4) makes a prefill cost what a cache hit saves, so TTFT shows the hit rate. SEED (bench-serve --seed) draws the
# prefixes and the order: both policies get the same workload; run with other seeds for other prefixes.
# Usage: tests/Benchmarks/routing-bench.sh   (env: NUM_PROMPTS=200 NUM_PREFIXES=8 PREFIX_LEN=1024 INPUT_LEN=16 OUTPUT_LEN=4 CONCURRENCY=2 SEED=0
#   HIDDEN=128 LAYERS=2 KV_CACHE=<6.5 prompts>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prompts="${NUM_PROMPTS:-200}"; prefixes="${NUM_PREFIXES:-8}"; prefix_len="${PREFIX_LEN:-1024}"; input_len="${INPUT_LEN:-16}"
output_len="${OUTPUT_LEN:-4}"; concurrency="${CONCURRENCY:-2}"; seed="${SEED:-0}"; hidden="${HIDDEN:-128}"; layers="${LAYERS:-2}"
kv_cache="${KV_CACHE:-$(( 13 * (prefix_len + input_len + output_len) * 4 * 2 * layers * 2 * (hidden / 4) / 2 / 1024 ))KiB}"
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$0 $*"
echo "settings: (NUM_PROMPTS=$prompts NUM_PREFIXES=$prefixes PREFIX_LEN=$prefix_len INPUT_LEN=$input_len OUTPUT_LEN=$output_len CONCURRENCY=$concurrency SEED=$seed HIDDEN=$hidden LAYERS=$layers KV_CACHE=$kv_cache)"

dotnet build "$root/Gateway" -c Release -warnaserror >/dev/null
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
inference="$root/InferenceService/bin/Release/net10.0/InferenceService.dll"

# shellcheck source=local-ports.sh
source "$root/tests/Benchmarks/local-ports.sh"

mkdir "$work/model"
cp "$root/../shared/testdata/models/stories260K/"{tokenizer.model,tokenizer_config.json,special_tokens_map.json} "$work/model/"
cat >"$work/model/config.json" <<JSON
{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": $hidden, "intermediate_size": $((hidden * 8 / 3)),
 "num_hidden_layers": $layers, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 512,
 "max_position_embeddings": 2048, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
 "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}
JSON

metric() { # metric name, replica ports...: the sum over the replicas
  local name="$1"; shift
  for port in "$@"; do curl -fs "http://127.0.0.1:$port/metrics"; done |
    awk -v m="$name" '($1 == m || index($1, m "{") == 1) { s += $NF } END { printf "%.0f\n", s }'
}

run() { # policy name, gateway settings...
  local policy="$1"; shift
  local r1 r2 gw run_pids=()
  r1=$(free_port); r2=$(free_port); gw=$(free_port)
  for port in "$r1" "$r2"; do
    dotnet "$inference" --port "$port" --model "$work/model" --load-format dummy --served-model-name bench-prefix \
      --max-model-len 2048 --kv-cache-memory "$kv_cache" --seed 0 >"$work/replica-$port.log" 2>&1 & run_pids+=($!); pids+=($!)
  done
  wait_http "http://127.0.0.1:$r1/health" 600; wait_http "http://127.0.0.1:$r2/health" 600
  (cd "$root/Gateway/bin/Release/net10.0" &&
    env Gateway__AdminKey=bench-admin Gateway__AccessLog=false Gateway__HealthCheckInterval=00:00:01 Gateway__ModelRefreshInterval=00:00:01 "$@" \
    services__inference__http__0="http://127.0.0.1:$r1" services__inference__http__1="http://127.0.0.1:$r2" \
    dotnet Gateway.dll --urls "http://127.0.0.1:$gw") >"$work/gateway-$policy.log" 2>&1 & run_pids+=($!); pids+=($!)
  wait_http "http://127.0.0.1:$gw/health"
  local key
  key=$(curl -fs -X POST "http://127.0.0.1:$gw/admin/keys" -H 'Authorization: Bearer bench-admin' \
    -H 'Content-Type: application/json' -d '{"name":"bench"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  [ -n "$key" ] || { echo "routing-bench: could not create a key" >&2; exit 1; }
  # Both replicas' models are known once the gateway has checked them.
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$gw/health" -H 'Authorization: Bearer bench-admin' | grep -o 'bench-prefix' | wc -l | grep -q '^2$' && break
    sleep 0.2
  done

  local hits0 queries0 hits1 queries1 done0 done1
  hits0=$(metric vllm:prefix_cache_hits_total "$r1" "$r2"); queries0=$(metric vllm:prefix_cache_queries_total "$r1" "$r2")
  done0="$(metric vllm:request_success_total "$r1") $(metric vllm:request_success_total "$r2")"
  OPENAI_API_KEY="$key" dotnet "$inference" bench-serve --base-url "http://127.0.0.1:$gw" --model bench-prefix \
    --num-prompts "$prompts" --max-concurrency "$concurrency" --prefix-len "$prefix_len" --num-prefixes "$prefixes" \
    --input-len "$input_len" --output-len "$output_len" --seed "$seed" >"$work/bench-$policy.txt"
  hits1=$(metric vllm:prefix_cache_hits_total "$r1" "$r2"); queries1=$(metric vllm:prefix_cache_queries_total "$r1" "$r2")
  done1="$(metric vllm:request_success_total "$r1") $(metric vllm:request_success_total "$r2")"
  for pid in "${run_pids[@]}"; do kill "$pid" 2>/dev/null || true; done

  local ttft
  ttft=$(grep '^TTFT' "$work/bench-$policy.txt")
  p50[$policy]=$(echo "$ttft" | sed -n 's/.*median *\([0-9.]*\).*/\1/p')
  p90[$policy]=$(echo "$ttft" | sed -n 's/.*p90 *\([0-9.]*\).*/\1/p')
  grep -q "successful requests: *$prompts of $prompts" "$work/bench-$policy.txt" || { cat "$work/bench-$policy.txt"; exit 1; }
  printf '%-16s prefix-cache hit rate %6.2f %% (%s of %s prompt tokens), requests per replica %s   TTFT p50 %8.2f ms   p90 %8.2f ms\n' "$policy" \
    "$(awk -v h=$((hits1 - hits0)) -v q=$((queries1 - queries0)) 'BEGIN { print 100 * h / q }')" \
    $((hits1 - hits0)) $((queries1 - queries0)) "$(echo "$done0 $done1" | awk '{ print $3 - $1 "/" $4 - $2 }')" "${p50[$policy]}" "${p90[$policy]}"
}

declare -A p50 p90
run PrefixAffinity Gateway__Routing=PrefixAffinity
run LeastRequests Gateway__Routing=LeastRequests
awk -v a="${p50[PrefixAffinity]}" -v l="${p50[LeastRequests]}" -v a9="${p90[PrefixAffinity]}" -v l9="${p90[LeastRequests]}" \
  'BEGIN { printf "TTFT PrefixAffinity / LeastRequests: p50 %.2f, p90 %.2f\n", a / l, a9 / l9 }'
