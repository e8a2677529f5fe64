# Shared by the examples' setup.sh and run.sh (bash; sourced, not run).
#
# setup.sh:  example_setup NAME FILES...   with root_port device_port forward_port socks_port
#            dns_port set as the example needs them: makes net/ with a network key, root, gateway
#            and user keys and certificates (certified names root, gateway, user), and FILES
#            copied from the example's folder with @ROOT@ @GATEWAY@ @ROOT_PORT@ @DEVICE_PORT@
#            @FORWARD_PORT@ @SOCKS_PORT@ @DNS_PORT@ filled in; net/ports.sh keeps the ports.
# run.sh:    example_load; start NAME COMMAND...; example_wait_up; ...; example_wait
#            start runs COMMAND in the background with its output in net/NAME.log; every
#            process started is stopped by PID when the script ends (Ctrl-C included).
set -eu
examples_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
staex="$examples_dir/../staex"

example_setup() {
  local name="$1"
  shift
  local here="$examples_dir/$name" net="$examples_dir/$name/net"
  if [ -e "$net" ]; then
    if [ "${force:-}" = "--force" ]; then
      rm -rf "$net"
    else
      echo "setup.sh: $net exists (run with --force to replace it)" >&2
      exit 1
    fi
  fi
  mkdir -p "$net"
  cd "$net"
  network=$("$staex" network create --out network.key)
  for node in root gateway user; do
    "$staex" keygen --out "$node.key" > /dev/null
    "$staex" cert issue --network-key network.key --node-key "$node.key" --name "$node" \
      --out "$node.crt" > /dev/null
  done
  root=$("$staex" addr root.key)
  gateway=$("$staex" addr gateway.key)
  user=$("$staex" addr user.key)
  for file in "$@"; do
    sed -e "s/@ROOT@/$root/g" -e "s/@GATEWAY@/$gateway/g" -e "s/@ROOT_PORT@/${root_port:-}/g" \
      -e "s/@DEVICE_PORT@/${device_port:-}/g" -e "s/@FORWARD_PORT@/${forward_port:-}/g" \
      -e "s/@SOCKS_PORT@/${socks_port:-}/g" -e "s/@DNS_PORT@/${dns_port:-}/g" \
      "$here/$file" > "$file"
  done
  {
    echo "root_port=${root_port:-}"
    echo "device_port=${device_port:-}"
    echo "forward_port=${forward_port:-}"
    echo "socks_port=${socks_port:-}"
    echo "dns_port=${dns_port:-}"
    echo "gateway=$gateway"
  } > ports.sh
}

# Loads net/ports.sh of the example whose run.sh sources this, and goes to net/.
example_load() {
  here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
  net="$here/net"
  if [ ! -f "$net/ports.sh" ]; then
    echo "run.sh: $net/ports.sh is missing; run $here/setup.sh first" >&2
    exit 1
  fi
  . "$net/ports.sh"
  cd "$net"
  "$staex" addr root.key > /dev/null # builds the jar once if it is stale, before three start
  names=()
  pids=()
  trap example_stop EXIT
  trap 'exit 130' INT TERM
}

start() { # start NAME COMMAND...: runs COMMAND in the background, output to NAME.log
  local name="$1"
  shift
  "$@" > "$name.log" 2>&1 &
  names+=("$name")
  pids+=("$!")
}

example_stop() {
  trap - EXIT INT TERM
  echo "stopping: ${names[*]}"
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
}

example_check_alive() {
  for j in "${!pids[@]}"; do
    if ! kill -0 "${pids[$j]}" 2> /dev/null; then
      echo "run.sh: ${names[$j]} exited; see $net/${names[$j]}.log" >&2
      exit 1
    fi
  done
}

# Waits until the gateway and the user show an active parent (30 s at most).
example_wait_up() {
  up() { "$staex" status -c "$1.conf" --json 2> /dev/null | grep -q '"activeParent":"'; }
  for i in $(seq 1 60); do
    example_check_alive
    if up gateway && up user; then
      return 0
    fi
    sleep 0.5
  done
  echo "run.sh: the nodes did not connect; see $net/*.log" >&2
  exit 1
}

# Waits until one of the processes exits (then says which) or Ctrl-C.
example_wait() {
  wait -n "${pids[@]}" || true
  example_check_alive
  exit 1
}
