#!/usr/bin/env bash
# Gateway overhead, measured in one run with wrk: the same POST /v1/completions (non-streamed, max_tokens 1)
# against the test backend directly and through the gateway (API key check, Redis rate limits with a request
# and a token bucket, YARP, usage metering, access log, OpenTelemetry). Direct and gateway runs alternate,
# ROUNDS times, and the medians are printed:
#   - p50/p99 latency at one connection: the latency the gateway adds;
#   - throughput at CONNECTIONS connections with an instant backend: CPU-bound, gateway and backend share the cores;
#   - throughput with a backend that takes SERVICE_MS per request (a short generation; uniformly random in
#     SERVICE_MS/2..3*SERVICE_MS/2, as independent requests finish at different times): backend-bound;
#   - CPU time per request of the backend and of the gateway process (from /proc), which the machine's other
#     load distorts less than it distorts the timings.
#   - throughput of streamed completions (stream: true, STREAM_TOKENS chunks each, metered by the gateway) at
#     CONNECTIONS connections with an instant backend.
# On a machine shared with other work, single runs scatter widely: the per-round figures are printed too.
# Any request that errs (non-2xx or a socket error) fails the benchmark (exit 1) after the figures.
# Usage: tests/Benchmarks/gateway-bench.sh   (env: DURATION=5s ROUNDS=5 CONNECTIONS=64 SERVICE_MS=50 WARMUP=15s STREAM_TOKENS=16)
set -euo pipefail
command_line="$0 $*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${DURATION:-5s}"
rounds="${ROUNDS:-5}"
connections="${CONNECTIONS:-64}"
service_ms="${SERVICE_MS:-50}"
warmup="${WARMUP:-15s}"
stream_tokens="${STREAM_TOKENS:-16}"
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
print_run_facts "$command_line"
echo "wrk threads: 1 at 1 connection, 2 at $connections connections; $rounds rounds of $duration, warm-up $warmup;" \
  "requests: prompt 'hello world', max_tokens 1 (streamed: $stream_tokens), backend service time 0 or ${service_ms}±$((service_ms / 2)) ms"
# shellcheck source=/dev/null
source "$root/.ci/packages.sh"
ensure_packages wrk redis-server curl

dotnet build "$root/Gateway" -c Release -warnaserror >/dev/null
dotnet build "$root/tests/Gateway.TestBackend" -c Release -warnaserror >/dev/null

# shellcheck source=local-ports.sh
source "$root/tests/Benchmarks/local-ports.sh"

redis_port=$(free_port); backend_port=$(free_port); gateway_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 & pids+=($!)
dotnet "$root/tests/Gateway.TestBackend/bin/Release/net10.0/Gateway.TestBackend.dll" \
  --urls "http://127.0.0.1:$backend_port" --name bench --models bench-model --record false >"$work/backend.log" 2>&1 & backend_pid=$!; pids+=($backend_pid)
wait_http "http://127.0.0.1:$backend_port/health"
(cd "$root/Gateway/bin/Release/net10.0" &&
  ConnectionStrings__redis="127.0.0.1:$redis_port" Gateway__AdminKey=bench-admin \
  services__inference__http__0="http://127.0.0.1:$backend_port" \
  exec dotnet Gateway.dll --urls "http://127.0.0.1:$gateway_port") >"$work/gateway.log" 2>&1 & gateway_pid=$!; pids+=($gateway_pid)
wait_http "http://127.0.0.1:$gateway_port/health"

# Limits high enough never to refuse, so both Redis scripts (admission, token charge) run on every request.
key=$(curl -fs -X POST "http://127.0.0.1:$gateway_port/admin/keys" -H 'Authorization: Bearer bench-admin' \
  -H 'Content-Type: application/json' -d '{"name":"bench","requests_per_minute":1000000000,"tokens_per_minute":1000000000}' |
  sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "gateway-bench: could not create a key" >&2; exit 1; }

request_script() { # name delay_ms body
  cat >"$work/post-$1.lua" <<LUA
wrk.method = "POST"
wrk.body = '$3'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.headers["x-test-chunk-delay-ms"] = "$2"
LUA
  echo "$work/post-$1.lua"
}
one_token='{"model":"bench-model","prompt":"hello world","max_tokens":1}'
instant=$(request_script instant 0 "$one_token")
slow=$(request_script slow "$((service_ms / 2))-$((service_ms * 3 / 2))" "$one_token")
streamed=$(request_script streamed 0 "{\"model\":\"bench-model\",\"prompt\":\"hello world\",\"max_tokens\":$stream_tokens,\"stream\":true}")
direct="http://127.0.0.1:$backend_port/v1/completions"
gateway="http://127.0.0.1:$gateway_port/v1/completions"

calc() { awk "BEGIN { print $1 }"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# wrk's latency figure (412.00us, 1.20ms, 1.01s) in microseconds.
to_us() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); print v } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 } else { sub(/s$/, "", v); print v * 1000000 } }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # pid -> user + system clock ticks
cpu_us_per_request() { calc "($(cpu_ticks "$1") - $2) / $(getconf CLK_TCK) * 1000000 / $3"; } # pid ticks_before requests
# run's output is read through $(...), a subshell: the runs with errors are counted in a file.
errors="$work/errors"
: >"$errors"
run() { # threads connections script url -> "p50_us p99_us requests_per_s requests"
  local out
  out=$(wrk -t"$1" -c"$2" -d"$duration" --latency -s "$3" "$4")
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
    echo "$(basename "$3") $4: $(echo "$out" | grep -E 'Non-2xx|Socket errors' | paste -sd' ')" | tee -a "$errors" >&2
  fi
  echo "$(echo "$out" | awk '$1 == "50%" { print $2 }' | to_us) $(echo "$out" | awk '$1 == "99%" { print $2 }' | to_us)" \
       "$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }') $(echo "$out" | awk '/requests in/ { print $1 }')"
}

echo "gateway-bench: $(nproc) cores shared by wrk, backend, gateway and redis; $rounds rounds of $duration per figure (medians)"
wrk -t1 -c8 -d5s -s "$instant" "$direct" >/dev/null
wrk -t1 -c8 -d"$warmup" -s "$instant" "$gateway" >/dev/null # JIT tiering settles
wrk -t1 -c8 -d5s -s "$streamed" "$gateway" >/dev/null         # and on the streaming path

d50=(); d99=(); g50=(); g99=(); drps=(); grps=(); dsrps=(); gsrps=(); dstrps=(); gstrps=(); gcpu=(); bcpu=()
for _ in $(seq 1 "$rounds"); do
  read -r a b _ _ <<<"$(run 1 1 "$instant" "$direct")"; d50+=("$a"); d99+=("$b")
  read -r a b _ _ <<<"$(run 1 1 "$instant" "$gateway")"; g50+=("$a"); g99+=("$b")
  before=$(cpu_ticks "$backend_pid")
  read -r _ _ r n <<<"$(run 2 "$connections" "$instant" "$direct")"; drps+=("$r")
  bcpu+=("$(cpu_us_per_request "$backend_pid" "$before" "$n")")
  before=$(cpu_ticks "$gateway_pid")
  read -r _ _ r n <<<"$(run 2 "$connections" "$instant" "$gateway")"; grps+=("$r")
  gcpu+=("$(cpu_us_per_request "$gateway_pid" "$before" "$n")")
  read -r _ _ r _ <<<"$(run 2 "$connections" "$slow" "$direct")"; dsrps+=("$r")
  read -r _ _ r _ <<<"$(run 2 "$connections" "$slow" "$gateway")"; gsrps+=("$r")
  read -r _ _ r _ <<<"$(run 2 "$connections" "$streamed" "$direct")"; dstrps+=("$r")
  read -r _ _ r _ <<<"$(run 2 "$connections" "$streamed" "$gateway")"; gstrps+=("$r")
done
m() { echo "$@" | median; }
D50=$(m "${d50[@]}"); G50=$(m "${g50[@]}"); D99=$(m "${d99[@]}"); G99=$(m "${g99[@]}")
DR=$(m "${drps[@]}"); GR=$(m "${grps[@]}"); DSR=$(m "${dsrps[@]}"); GSR=$(m "${gsrps[@]}"); DST=$(m "${dstrps[@]}"); GST=$(m "${gstrps[@]}")

printf '\n%-50s %10s %10s %14s\n' "" "direct" "gateway" "added"
printf '%-50s %10.0f %10.0f %14.0f\n' "p50 latency, 1 connection (us)" "$D50" "$G50" "$(calc "$G50 - $D50")"
printf '%-50s %10.0f %10.0f %14.0f\n' "p99 latency, 1 connection (us)" "$D99" "$G99" "$(calc "$G99 - $D99")"
printf '%-50s %10s %10s %14s\n' "" "direct" "gateway" "gateway/direct"
printf '%-50s %10.0f %10.0f %13.1f%%\n' "req/s, $connections connections, instant backend" "$DR" "$GR" "$(calc "100 * $GR / $DR")"
printf '%-50s %10.0f %10.0f %13.1f%%\n' "req/s, $connections connections, ${service_ms}±$((service_ms / 2)) ms backend" "$DSR" "$GSR" "$(calc "100 * $GSR / $DSR")"
printf '%-50s %10.0f %10.0f %13.1f%%\n' "streams/s, $connections connections, $stream_tokens chunks each" "$DST" "$GST" "$(calc "100 * $GST / $DST")"
printf '%-50s %10.0f %10.0f\n' "CPU per request (us), backend | gateway process" "$(m "${bcpu[@]}")" "$(m "${gcpu[@]}")"
echo "per-round p50 (us): direct ${d50[*]} | gateway ${g50[*]}"
ratios=(); for i in "${!dsrps[@]}"; do ratios+=("$(calc "int(1000 * ${gsrps[$i]} / ${dsrps[$i]}) / 10")%"); done
echo "per-round gateway/direct, ${service_ms}±$((service_ms / 2)) ms backend: ${ratios[*]}"
failed=$(wc -l <"$errors")
echo "runs with errors (non-2xx or socket): $failed"
[ "$failed" -eq 0 ] || { echo "gateway-bench: requests failed:" >&2; cat "$errors" >&2; exit 1; }
