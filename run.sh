#!/usr/bin/env bash
# Builds the solution (Release) and serves the InferenceService; without flags it serves the embedded
# default model (InferenceService/DefaultModel/stories260K) on its default port (8000).
# Usage: ./run.sh [--model <dir|org/name>] [--port 8000] [--host 0.0.0.0] [...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

dotnet build Aspire.sln -c Release
exec dotnet run --project InferenceService -c Release --no-build -- "$@"
