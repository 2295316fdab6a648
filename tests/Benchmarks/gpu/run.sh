#!/usr/bin/env bash
# Runs on the GPU machine, from the folder publish.sh made: correctness (stories260K greedy == llama2.c; bench-1b
# BF16 logits vs the CPU backend), then decode tok/s on bench-1b (dummy BF16 weights) single-stream and at 32
# concurrent next to the HBM roofline. Extra arguments go to GpuBench (--profile, --no-cublas, --hbm-tbps 3.35,
# --concurrency 1,8,32, --output-len 128). The log is also written to $OUT/gpubench.log when OUT is set.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
nvidia-smi --query-gpu=name,memory.total,memory.used,driver_version,clocks.max.memory --format=csv,noheader 2>/dev/null || echo "nvidia-smi not found"
log="${OUT:-/tmp}/gpubench.log"
"$here/bin/GpuBench" --device cuda --stories "$here/stories260K" --bench-model "$here/bench-1b" --concurrency 1,32 "$@" 2>&1 | tee "$log"
exit "${PIPESTATUS[0]}"
