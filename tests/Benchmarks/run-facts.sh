# Sourced by every benchmark script: the facts a figure needs to be compared — the command line, when, on how many cores
# and under what load (this shared host's speed moves with both).
print_run_facts() { # command line
  echo "command: $1"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
