#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png with the console's scripted runs
# (SPEC §7): the bundled demo, run for 5 min 30 s of virtual time, which is
# past its origin outage and its purge of `product`.
#   docs/make-screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
# Keep the developer's own settings and activity log out of the pictures.
export XDG_CONFIG_HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"' EXIT
for tab in overview namespaces keys activity scenario; do
  "$build/app/console/fallback-console" --scenario resources/examples/demo.scenario.yaml \
    --run-for 330s --tab "$tab" --screenshot "docs/screenshots/$tab.png"
  echo "docs/screenshots/$tab.png"
done
