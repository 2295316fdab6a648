#!/usr/bin/env bash
# GGUF benchmark, our engine vs llama.cpp (LLamaSharp) on the same quantized files: llamacpp-bench.sh on Q8_0, Q4_0
# and Q4_K_M. Usage: tests/Benchmarks/gguf-bench.sh [--engine-args '<flags>']   (ROUNDS THREADS STREAMS MODEL WORK as there)
TYPES="Q8_0 Q4_0 Q4_K_M" exec "$(dirname "${BASH_SOURCE[0]}")/llamacpp-bench.sh" "$@"
