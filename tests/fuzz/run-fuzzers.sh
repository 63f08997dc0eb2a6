#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: Clang, ASan, UBSan) and runs
# each for SECONDS (default 60), seeded with the bundled and test files of its
# format. A crash or broken promise stops with the input saved as
# build-fuzz/findings/<target>/crash-*; turn it into a regular test case.
#   tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(policy scenario trace profiles remotestats keys ratelimit node http)

cmake --preset fuzz > /dev/null
cmake --build --preset fuzz

# Seeds per target: the files of that format the project already has.
# seeds/node.stats.json is a node's /stats document for the demo's first 3000
# requests (two series points kept); seeds/demo.policy.json is the demo policy
# as a node serves it; seeds/node.audit.json one page of its audit route;
# seeds/walkthrough.requests is one call to each node route (see
# fuzz_node.cpp for the framing); seeds/ratelimit.headers has a line of each
# rate-limit header form (see fuzz_ratelimit.cpp).
seeds() {
  case $1 in
    policy) ls resources/examples/*.policy.yaml tests/fixtures/*/*.policy.yaml bench/*.policy.yaml ;;
    scenario) ls resources/examples/*.scenario.yaml tests/fixtures/*/*.scenario.yaml bench/*.scenario.yaml ;;
    trace) ls resources/examples/*.csv tests/fixtures/*/*.csv ;;
    profiles) ls resources/examples/deployments.yaml tests/fixtures/profiles/*.yaml ;;
    remotestats) ls tests/fuzz/seeds/*.json ;;
    keys) ;;
    ratelimit) ls tests/fuzz/seeds/*.headers ;;
    node) ls tests/fuzz/seeds/*.requests ;;
    http) ls tests/fuzz/seeds/*.http ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target findings=build-fuzz/findings/$target
  mkdir -p "$corpus" "$findings"
  while read -r seed; do
    [[ -n $seed ]] && cp "$seed" "$corpus/"
  done < <(seeds "$target")
  echo "== fuzz_$target for ${seconds}s"
  if ! build-fuzz/tests/fuzz/fuzz_$target "$corpus" -max_total_time="$seconds" \
      -artifact_prefix="$findings/" -print_final_stats=1 2> "$findings/log.txt"; then
    status=1
    tail -40 "$findings/log.txt"
  else
    grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$findings/log.txt" || true
  fi
done
exit $status
