#!/usr/bin/env bash
# Mixture-of-experts decode on a dummy Mixtral-shaped model (bench-110m's dimensions, 8 experts of 2048, top 2; dummy
# weights): single-stream and 8-stream decode with --profile, whose per-op call counts show each step reading each chosen
# expert once for all its tokens (expert matmul calls per step = distinct experts chosen, at most 8 per layer, not tokens × 2).
# Usage: tests/Benchmarks/moe-bench.sh [extra bench flags]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shape="$root/../shared/testdata/models/bench-110m"
model="$(mktemp -d)"
trap 'rm -rf "$model"' EXIT
cp "$shape/tokenizer.model" "$shape/tokenizer_config.json" "$model/"
sed -e 's/"LlamaForCausalLM"/"MixtralForCausalLM"/' -e 's/"model_type": "llama"/"model_type": "mixtral"/' \
    -e 's/"intermediate_size": 2048,/"intermediate_size": 2048, "num_local_experts": 8, "num_experts_per_tok": 2,/' \
    "$shape/config.json" > "$model/config.json"
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$0 $*"
echo "threads: $(nproc) (bench's default: all cores), input 32 tokens, output 32 tokens, concurrency 1 and 8"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" bench --model "$model" --load-format dummy \
  --input-len 32 --output-len 32 --concurrency 1,8 --profile "$@"
