#!/usr/bin/env bash
# Does deploying a model at run time stall the traffic already running? One InferenceService replica behind the gateway
# serves "first" (bench-110m, dummy weights) to 16 greedy streams through the gateway; once every stream runs, a second
# model is deployed through the gateway's POST /admin/deployments. Each stream's inter-token gaps are timed: the anchor,
# one decode step, is the median gap over the BASELINE seconds before the deployment, and the figure is the longest gap
# of any stream while the model loaded, in steps (a stall of one step more than the decode's own is 2.0). The longest
# gap over the baseline seconds is printed the same way, for the noise of this machine. Also printed: how long the
# replica took from the deployment to ready, and when the gateway first answered a request for the new model (requests
# sent every 50 ms from the deployment on, answered 503 model_loading until then).
# Usage: tests/Benchmarks/deploy-bench.sh   environment: THREADS=<all cores> OUTPUT_LEN=600 BASELINE=3
#   DEPLOY=bench-110m (dummy weights, the same size as "first") | qtiny-q8 (a real 21 MB Q8_0 GGUF file read and repacked)
set -euo pipefail
command_line="$0 $*"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/../shared/testdata/models"
threads="${THREADS:-$(nproc)}"; output_len="${OUTPUT_LEN:-600}"; baseline="${BASELINE:-3}"; deploy="${DEPLOY:-bench-110m}"
case "$deploy" in
  bench-110m) second="{\"model\": \"$data/bench-110m\", \"served_model_name\": \"second\", \"replicas\": 1, \"load_format\": \"dummy\"}" ;;
  qtiny-q8) second="{\"model\": \"$data/quant-tiny-gguf/qtiny-Q8_0.gguf\", \"served_model_name\": \"second\", \"replicas\": 1, \"tokenizer\": \"$data/stories260K\"}" ;;
  *) echo "unknown DEPLOY '$deploy' (bench-110m or qtiny-q8)" >&2; exit 2 ;;
esac
# shellcheck source=run-facts.sh
source "$root/tests/Benchmarks/run-facts.sh"
# shellcheck source=local-ports.sh
source "$root/tests/Benchmarks/local-ports.sh"
print_run_facts "$command_line"
echo "server threads: $threads, 16 streams of $output_len tokens on bench-110m (dummy), baseline ${baseline}s, deploying $deploy"
dotnet build "$root/InferenceService" -c Release -warnaserror >/dev/null
dotnet build "$root/Gateway" -c Release -warnaserror >/dev/null
port="$(free_port)"; gateway_port="$(free_port)"; key="sk-deploy-bench"
dotnet "$root/InferenceService/bin/Release/net10.0/InferenceService.dll" --port "$port" --threads "$threads" --model "$data/bench-110m" \
  --load-format dummy --served-model-name first --admin-key "$key" --max-num-seqs 16 --max-model-len 1024 >"$work/server.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port/health" 600
(cd "$root/Gateway/bin/Release/net10.0" && Gateway__AdminKey="$key" Gateway__UpstreamAdminKey="$key" services__inference__http__0="http://127.0.0.1:$port" \
  exec dotnet Gateway.dll --urls "http://127.0.0.1:$gateway_port") >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$gateway_port/health"
python3 - "$port" "$gateway_port" "$key" "$output_len" "$baseline" "$second" <<'PY'
import http.client, json, statistics, sys, threading, time
replica, gateway, key, output_len, baseline, second = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]

def call(port, method, path, body=None, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    c.request(method, path, body=None if body is None else json.dumps(body) if not isinstance(body, str) else body,
              headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    r = c.getresponse()
    return r.status, r.read().decode()

status, text = call(gateway, "POST", "/admin/keys", {"name": "deploy-bench"}, key)
if status != 201 and status != 200: sys.exit(f"could not create an API key: {status} {text}")
api_key = json.loads(text)["key"]

arrivals, failures = [[] for _ in range(16)], []
def stream(i):
    try:
        c = http.client.HTTPConnection("127.0.0.1", gateway, timeout=600)
        c.request("POST", "/v1/completions", body=json.dumps({"model": "first", "prompt": f"Stream {i}: once upon a time", "max_tokens": output_len,
                  "temperature": 0, "ignore_eos": True, "stream": True}), headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"})
        r = c.getresponse()
        if r.status != 200: failures.append(f"stream {i}: {r.status} {r.read()[:200]!r}"); return
        while line := r.readline():
            if line.startswith(b"data: {"):
                if b'"error"' in line: failures.append(f"stream {i}: {line[:200]!r}"); return
                arrivals[i].append(time.monotonic())
        if len(arrivals[i]) != output_len: failures.append(f"stream {i}: {len(arrivals[i])} of {output_len} tokens")
    except Exception as e:
        failures.append(f"stream {i}: {e!r}")

threads = [threading.Thread(target=stream, args=(i,)) for i in range(16)]
for t in threads: t.start()
while min(len(a) for a in arrivals) < 20 and not failures: time.sleep(0.05)
time.sleep(baseline)
states = {}
def watch():   # when the replica first shows each state of the new model
    while "ready" not in states and "failed" not in states:
        status, text = call(replica, "GET", "/admin/models", token=key)
        state = next((m["state"] for m in json.loads(text)["data"] if m["name"] == "second"), None)
        if state is not None: states.setdefault(state, time.monotonic())
        time.sleep(0.02)
watcher = threading.Thread(target=watch)
start = time.monotonic()
status, text = call(gateway, "POST", "/admin/deployments", second, key)
if status != 202: sys.exit(f"POST /admin/deployments answered {status}: {text}")
watcher.start()
answered, refusals = None, {}
while answered is None:   # a client asking for the new model every 50 ms until it answers
    status, text = call(gateway, "POST", "/v1/completions", {"model": "second", "prompt": "Once upon a time", "max_tokens": 1, "temperature": 0}, api_key)
    if status == 200: answered = time.monotonic()
    else:
        code = json.loads(text)["error"].get("code") or str(status)
        refusals[code] = refusals.get(code, 0) + 1
        if time.monotonic() - start > 600: sys.exit(f"the new model never answered: {status} {text}")
        time.sleep(0.05)
watcher.join()
if "ready" not in states: sys.exit(f"the new model failed to load on the replica")
ready = states["ready"]
for t in threads: t.join()
if any(len(a) < 2 for a in arrivals) or failures: sys.exit("streams failed: " + "; ".join(failures))
if ready >= min(a[-1] for a in arrivals): print("warning: a stream ended before the load did; raise OUTPUT_LEN")

gaps = [(b - a, a, b) for times in arrivals for a, b in zip(times, times[1:])]
before = [g for g, a, b in gaps if start - baseline <= a and b <= start]
during = [(g, b) for g, a, b in gaps if a < ready and b > start]
longest, longest_at = max(during)
step = statistics.median(before)
def rate(t0, t1): return sum(t0 <= t < t1 for times in arrivals for t in times) / (t1 - t0)
print(f"second model: deployed -> ready on the replica in {ready - start:.2f} s; first answer through the gateway {answered - start:.2f} s after "
      f"the deployment, {(answered - ready) * 1000:.0f} ms after ready (refused before: {', '.join(f'{n} x {c}' for c, n in refusals.items()) or 'none'})")
print(f"anchor: median inter-token gap over the {baseline:g} s before the load (one decode step of 16 streams): {step * 1000:.1f} ms")
print(f"longest gap of any stream while the load ran: {longest * 1000:.1f} ms = {longest / step:.2f} steps, ending {longest_at - start:.2f} s after the deployment "
      f"(before, over the {baseline:g} s: {max(before) * 1000:.1f} ms = {max(before) / step:.2f} steps)")
print(f"aggregate decode while the load ran: {rate(start, ready):.1f} tok/s vs {rate(start - baseline, start):.1f} tok/s before: "
      f"{rate(start, ready) / rate(start - baseline, start):.2f}x; failed streams: {len(failures)}")
PY
