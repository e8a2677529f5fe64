#!/usr/bin/env bash
# Runs one scenario on the testbed that up.sh built; the last line is
#   testbed SCENARIO key=value ...
# and testbed/results/SCENARIO.txt holds it with date, commit and machine. See README.md.
#   testbed/run.sh cold-start|blackhole-parent|relay-restart|root-kill|partition-heal|island|wan|soak [options]
source "$(dirname "$0")/lib.sh"
testbed_require
[[ $# -ge 1 ]] || { sed -n 2,5p "$0" >&2; exit 2; }
testbed_py run "$@"
