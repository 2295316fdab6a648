#!/usr/bin/env bash
# Structured-output benchmark: the bench-110m shape (LAYERS of its 12 layers, 4 by default: a shorter decode step,
# so the grammar's share of it is the larger) with dummy weights and a real 128k (Llama 3) or 152k (Qwen3) byte-level
# BPE vocabulary: constrained (tests/Benchmarks/structured-output-schema.json) vs unconstrained decode tok/s at 1 and
# 32 concurrent streams, the time to set up a new schema, and the grammar's share of a decode step.
# Usage: [LAYERS=n] tests/Benchmarks/structured-output-bench.sh [llama3|qwen3 ...] (both by default)
set -euo pipefail
command_line="$0 $*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
testdata="$root/../shared/testdata"
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$command_line"
echo "threads: $(nproc) (bench's default: all cores), input 32 tokens, output 48 tokens, concurrency 1 and 32, ${LAYERS:-4} layers"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tokenizers=("$@")
[ $# -gt 0 ] || tokenizers=(llama3 qwen3)
for t in "${tokenizers[@]}"; do
  case "$t" in
    llama3) vocab=128256 bos=128000 eos='[128001, 128008, 128009]' ;;
    qwen3) vocab=151936 bos=151643 eos='[151645, 151643]' ;;
    *) echo "unknown tokenizer '$t' (llama3 or qwen3)" >&2; exit 2 ;;
  esac
  model="$work/bench-110m-$t"
  mkdir -p "$model"
  jq --argjson vocab "$vocab" --argjson bos "$bos" --argjson eos "$eos" --argjson layers "${LAYERS:-4}" \
    '.vocab_size = $vocab | .bos_token_id = $bos | .eos_token_id = $eos | .num_hidden_layers = $layers' \
    "$testdata/models/bench-110m/config.json" > "$model/config.json"
  cp "$testdata/tokenizers/$t/tokenizer.json" "$testdata/tokenizers/$t/tokenizer_config.json" "$model/"
  echo "== $(date -u '+%F %T') UTC, $t tokenizer ($vocab logits), ${LAYERS:-4} layers"
  args=(bench --model "$model" --load-format dummy --input-len 32 --output-len 48 --repeats 2 --concurrency 1,32
    --json-schema "$root/tests/Benchmarks/structured-output-schema.json")
  echo "dotnet InferenceService.dll ${args[*]}"
  dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" "${args[@]}"
done
