#!/usr/bin/env bash
# LoRA overhead on the bench-110m shape (dummy weights): 4 random PEFT adapters of rank RANK on every projection
# (q/k/v/o/gate/up/down of all 12 layers), written by this script; aggregate decode at 32 streams spread over the 4
# adapters vs the same 32 streams on the base model, same engine, runs alternating, ratio printed.
# Usage: tests/Benchmarks/lora-bench.sh [extra bench flags]   environment: RANK=8 THREADS=<all cores> INPUT_LEN=32 OUTPUT_LEN=64
set -euo pipefail
command_line="$0 $*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="$root/../shared/testdata/models/bench-110m"
rank="${RANK:-8}"; threads="${THREADS:-$(nproc)}"; input_len="${INPUT_LEN:-32}"; output_len="${OUTPUT_LEN:-64}"
adapters="$(mktemp -d)"
trap 'rm -rf "$adapters"' EXIT
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$command_line"
echo "threads: $threads, input $input_len tokens, output $output_len tokens, 32 streams, 4 adapters of rank $rank, model $model"
python3 - "$model/config.json" "$adapters" "$rank" <<'PY'
import json, os, random, struct, sys
config, out, rank = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
h, f, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
q = kv = h  # bench-110m: 12 heads of 64, no grouped KV
widths = {"q_proj": (h, q), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (q, h), "gate_proj": (h, f), "up_proj": (h, f), "down_proj": (f, h)}
for a in range(4):
    folder = os.path.join(out, f"adapter{a}")
    os.makedirs(folder)
    json.dump({"peft_type": "LORA", "r": rank, "lora_alpha": 2 * rank, "target_modules": list(widths), "bias": "none"}, open(os.path.join(folder, "adapter_config.json"), "w"))
    rng, header, blobs, offset = random.Random(a), {}, [], 0
    for l in range(layers):
        for module, (i, o) in widths.items():
            block = "mlp" if module in ("gate_proj", "up_proj", "down_proj") else "self_attn"
            for part, shape in (("lora_A", [rank, i]), ("lora_B", [o, rank])):
                n = shape[0] * shape[1]
                data = struct.pack(f"<{n}f", *(rng.uniform(-0.02, 0.02) for _ in range(n)))
                header[f"base_model.model.model.layers.{l}.{block}.{module}.{part}.weight"] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
                blobs.append(data)
                offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(folder, "adapter_model.safetensors"), "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
PY
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
args=(bench --model "$model" --load-format dummy --threads "$threads" --input-len "$input_len" --output-len "$output_len" --concurrency 32
  --enable-lora --max-loras 4 --max-lora-rank "$rank")
for a in 0 1 2 3; do args+=(--lora-modules "adapter$a=$adapters/adapter$a"); done
echo "dotnet InferenceService.dll ${args[*]} $*"
dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" "${args[@]}" "$@"
