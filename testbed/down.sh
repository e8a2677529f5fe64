#!/usr/bin/env bash
# Removes everything up.sh and run.sh made: kills the recorded PIDs, deletes the recorded
# namespaces (their veths go with them), removes TESTBED_DIR. Never matches by pattern.
source "$(dirname "$0")/lib.sh"
testbed_require
testbed_py down
