# Sourced by the benchmarks that start services on 127.0.0.1: a scratch folder ($work) and the background processes
# ($pids) stopped and removed on exit, a free port, and waiting until a URL answers.
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
wait_http() { # url [tries of 0.2 s, default 300]
  for _ in $(seq 1 "${2:-300}"); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "$(basename "$0"): $1 did not answer" >&2; exit 1
}
