#!/usr/bin/env bash
# fallback-node against Varnish (with grace) in front of the same origin, on
# loopback, measured with wrk in the same run (issue 4):
#   bench/node-vs-varnish.sh [BUILD_DIR] [SECONDS]
# Needs the Debian packages wrk and varnish (`./dev bench` installs them).
# Cache hits: WRK_CONNECTIONS connections reading KEYS warmed keys.
# Misses: every request a new key, so every read goes to the origin.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-10}
connections=${WRK_CONNECTIONS:-32}
keys=${KEYS:-1000}
for tool in wrk varnishd varnishadm; do
  command -v "$tool" >/dev/null || { echo "node-vs-varnish: $tool not found (apt-get install wrk varnish)" >&2; exit 2; }
done
origin_bin="$build/tests/tools/fallback-testorigin"
node_bin="$build/app/node/fallback-node"
for bin in "$origin_bin" "$node_bin"; do
  [[ -x $bin ]] || { echo "node-vs-varnish: $bin not built" >&2; exit 2; }
done

work=$(mktemp -d)
chmod 755 "$work" # varnishd reads the VCL as its own unprivileged user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts a program that prints `listening on HOST:PORT`; echoes the port.
start_listening() {
  local log=$1; shift
  "$@" > "$log" 2> "$log.err" &
  pids+=($!)
  for _ in $(seq 100); do
    if grep -q '^listening on ' "$log" 2>/dev/null; then
      sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log" | head -1
      return 0
    fi
    sleep 0.1
  done
  echo "node-vs-varnish: $1 did not start:" >&2
  cat "$log.err" >&2
  return 1
}

origin_port=$(start_listening "$work/origin.out" "$origin_bin" --listen 127.0.0.1:0 \
  --items 100000000 --size 512)
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/token"
node_port=$(start_listening "$work/node.out" "$node_bin" --policy bench/node.policy.yaml \
  --origin "http://127.0.0.1:$origin_port" --listen 127.0.0.1:0 \
  --admin-token-file "$work/token" --data-dir "$work/node-data")

# Varnish with grace, in front of the same origin, on the node's URL scheme.
cat > "$work/bench.vcl" <<VCL
vcl 4.1;
backend origin { .host = "127.0.0.1"; .port = "$origin_port"; }
sub vcl_recv {
  set req.url = regsub(req.url, "^/v1/items/", "/api/items/");
}
sub vcl_backend_response {
  set beresp.ttl = 1h;
  set beresp.grace = 1h;
}
VCL
varnishd -F -a 127.0.0.1:0 -f "$work/bench.vcl" -n "$work/varnish" -s malloc,512m \
  -p thread_pool_min=50 > "$work/varnish.log" 2>&1 &
pids+=($!)
varnish_port=""
for _ in $(seq 100); do
  varnish_port=$(varnishadm -n "$work/varnish" debug.listen_address 2>/dev/null | awk 'NF==3{print $3; exit}') || true
  [[ -n $varnish_port ]] && break
  sleep 0.1
done
[[ -n $varnish_port ]] || { echo "node-vs-varnish: varnishd did not start" >&2; cat "$work/varnish.log" >&2; exit 1; }

cat > "$work/hits.lua" <<LUA
local n = 0
request = function()
  n = (n + 1) % $keys
  return wrk.format(nil, "/v1/items/product/item-" .. n)
end
LUA
# Misses: ids item-BASE+... that no earlier request asked for; each wrk thread
# takes its own range so no two requests share a key.
write_misses() {
  local base=$1 file=$2
  cat > "$file" <<LUA
local offset, n = 0, 0
local threads = 0
function setup(thread) thread:set("offset", threads * 10000000); threads = threads + 1 end
function init(args) offset = tonumber(offset) or 0 end
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/items/product/item-" .. ($base + offset + n))
end
LUA
}

# Runs wrk; prints "RPS P50_MS P99_MS".
measure() {
  local port=$1 script=$2
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$script" "http://127.0.0.1:$port" \
    > "$work/wrk.out" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }' "$work/wrk.out"
}

warm() {
  local port=$1
  wrk -t1 -c8 -d2s -s "$work/hits.lua" "http://127.0.0.1:$port" > /dev/null 2>&1
}

echo "== node vs Varnish: loopback, wrk -t1 -c$connections, ${seconds}s each, 512-byte objects, $(nproc) cores"
printf '%-22s %12s %10s %10s %8s\n' "case" "req/s" "p50 ms" "p99 ms" "non-2xx"
declare -A rps
run_case() {
  local name=$1 port=$2 script=$3
  read -r r p50 p99 bad < <(measure "$port" "$script")
  rps[$name]=$r
  printf '%-22s %12s %10s %10s %8s\n' "$name" "$r" "$p50" "$p99" "${bad:-0}"
}
warm "$node_port"
warm "$varnish_port"
run_case "node hits" "$node_port" "$work/hits.lua"
run_case "varnish hits" "$varnish_port" "$work/hits.lua"
write_misses 1000000 "$work/misses-node.lua"
write_misses 50000000 "$work/misses-varnish.lua"
run_case "node misses" "$node_port" "$work/misses-node.lua"
run_case "varnish misses" "$varnish_port" "$work/misses-varnish.lua"
awk -v a="${rps[node hits]}" -v b="${rps[varnish hits]}" -v c="${rps[node misses]}" -v d="${rps[varnish misses]}" \
  'BEGIN { printf "ratio node/varnish: hits %.2f, misses %.2f\n", a / b, c / d }'
