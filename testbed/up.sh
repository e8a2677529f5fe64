#!/usr/bin/env bash
# Builds the testbed: N (default 50) real staex nodes, each in its own network namespace, veth
# links along a tree generated from TESTBED_SEED, services on the gateways; waits until every
# user reaches every gateway and prints "testbed up n=N ... converge_s=X". See README.md.
#   testbed/up.sh [N] [--seed S] [--timeout SECONDS]   (default 50 nodes, 180 s)
source "$(dirname "$0")/lib.sh"
testbed_require
testbed_py up "${1:-50}" "${@:2}"
