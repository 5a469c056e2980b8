#!/usr/bin/env bash
# Measures the time from starting enrolld on the demo configuration to /-/ready
# answering 200, over N runs (default 10). Usage: .ci/ready-time.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
bin=${ENROLLD_BIN:-./bin/enrolld}
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
addr=127.0.0.1:${PORT:-19464}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
times=()
for i in $(seq "$n"); do
	start=$(date +%s%N)
	"$bin" --config.file configs/demo.yaml --storage.path "$dir/state" \
		--web.listen-address "$addr" --log.level error 2>"$dir/log" &
	pid=$!
	until curl -sf -o /dev/null "http://$addr/-/ready"; do
		kill -0 "$pid" 2>/dev/null || { cat "$dir/log" >&2; exit 1; }
		sleep 0.001
	done
	end=$(date +%s%N)
	ms=$(( (end - start) / 1000000 ))
	times+=("$ms")
	echo "run $i: ready after $ms ms"
	kill -TERM "$pid"
	wait "$pid"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "start to ready over $n runs: min ${sorted[0]} ms, median ${sorted[$((n / 2))]} ms, max ${sorted[$((n - 1))]} ms"
