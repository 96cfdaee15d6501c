# Shared by the load scripts: wrk installed, a release server started on a free port, RSS sampled while wrk runs.
# Sourced, not run. Sets $work, $server (pid) and $url.
command -v wrk >/dev/null || { sudo=""; [[ "$(id -u)" -ne 0 ]] && sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)

# start_server NAME ARGS...: builds and starts .build/release/NAME on a free port, waits for its first line.
start_server() {
  local name=$1; shift
  swift build -c release --product "$name" >/dev/null
  ".build/release/$name" "$@" --port 0 > "$work/server.out" 2>/dev/null &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n "s/^$name listening on //p" "$work/server.out" | head -1)
}

# load DURATION CONNECTIONS SCRIPT URL: one wrk thread (the second core is the server's), RSS every 5 seconds.
load() {
  local duration=$1 connections=$2 script=$3 target=$4
  echo "pid $server; wrk -t1 -c$connections -d${duration}s $target"
  (for t in $(seq 0 5 "$duration"); do
     echo "rss t=${t}s $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"; sleep 5; done) &
  local sampler=$!
  wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$script" "$target"
  wait $sampler 2>/dev/null || true
  echo "rss end $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
}
