#!/usr/bin/env bash
# Builds the solution (Release) and starts the whole system through the AppHost: redis, the model cache, two
# inference replicas of the embedded default model (stories260K), the gateway on http://127.0.0.1:8000 and the
# admin dashboard. It prints a table of the resources and URLs, an admin key and a first API key. Ctrl+C stops all.
# Usage: ./run.sh [--random-ports] [--model <dir>] [--max-model-len 512] [--Inference:Replicas 3] [...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# OS packages the AppHost starts: redis-server (run locally as an executable resource: no container runtime needed).
# shellcheck source=/dev/null
source .ci/packages.sh
ensure_packages redis-server

dotnet build Aspire.sln -c Release
exec dotnet run --project AppHost -c Release --no-build -- "$@"
