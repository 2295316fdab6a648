#!/usr/bin/env bash
# Publishes the GPU benchmark self-contained for linux-x64 (trimmed single file, no .NET needed on the GPU machine)
# with the data it reads, into one folder small enough to carry to the device machine (<= 60 MB):
#   artifacts/gpu-bench/{bin/GpuBench, stories260K/ (+ reference-greedy.json), bench-1b/ (config + tokenizer), run.sh}
# Usage: tests/Benchmarks/gpu/publish.sh [output folder]     (TESTDATA overrides ../shared/testdata)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:-$root/artifacts/gpu-bench}"
testdata="${TESTDATA:-$root/../shared/testdata}"
rm -rf "$out"
mkdir -p "$out/stories260K" "$out/bench-1b"

# Trim warnings come from ILGPU and the tokenizer library, which are kept whole (TrimmerRootAssembly in the project).
dotnet publish "$root/tests/Benchmarks/gpu/GpuBench/GpuBench.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true \
  -p:InvariantGlobalization=true -p:SuppressTrimAnalysisWarnings=true -p:TreatWarningsAsErrors=false \
  -p:DebugType=none -o "$out/bin" >/dev/null

cp "$root"/InferenceService/DefaultModel/stories260K/* "$out/stories260K/"
cp "$testdata/models/stories260K/reference-greedy.json" "$out/stories260K/"
cp "$testdata/models/bench-1b/config.json" "$testdata/models/bench-1b/tokenizer.json" "$testdata/models/bench-1b/tokenizer_config.json" "$out/bench-1b/"
cp "$root/tests/Benchmarks/gpu/run.sh" "$out/"
chmod +x "$out/run.sh" "$out/bin/GpuBench"

bytes=$(du -sb "$out" | cut -f1)
echo "published $out: $((bytes / 1000000)) MB ($(du -sb "$out/bin" | cut -f1 | awk '{printf "%d", $1/1000000}') MB program)"
if (( bytes > 60000000 )); then echo "publish.sh: $out is over 60 MB" >&2; exit 1; fi
