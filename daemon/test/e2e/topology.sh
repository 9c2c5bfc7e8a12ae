#!/usr/bin/env bash
# Three network namespaces for the daemon's end-to-end test and bench:
#   client (10.201.1.2, fd00:201:1::2) -- router (.1 of both sides) -- server (10.201.2.2, fd00:201:2::2)
# Nothing is routed out of them. Usage: topology.sh up|down PREFIX
set -euo pipefail
cmd=${1:?up or down}
p=${2:?prefix}
C=$p-c R=$p-r S=$p-s

down() {
  for ns in "$C" "$R" "$S"; do
    # Processes left in a namespace (a server's per-session children) keep it alive after its name is gone.
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

if [[ $cmd == down ]]; then down; exit 0; fi
[[ $cmd == up ]] || { echo "usage: $0 up|down PREFIX" >&2; exit 2; }
down
trap 'down' ERR
for ns in "$C" "$R" "$S"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add "$p-c0" netns "$C" type veth peer name "$p-r1" netns "$R"
ip link add "$p-s0" netns "$S" type veth peer name "$p-r2" netns "$R"
ip -n "$C" addr add 10.201.1.2/24 dev "$p-c0"
ip -n "$R" addr add 10.201.1.1/24 dev "$p-r1"
ip -n "$R" addr add 10.201.2.1/24 dev "$p-r2"
ip -n "$S" addr add 10.201.2.2/24 dev "$p-s0"
# nodad: the addresses are usable at once, without duplicate address detection's delay.
ip -n "$C" addr add fd00:201:1::2/64 dev "$p-c0" nodad
ip -n "$R" addr add fd00:201:1::1/64 dev "$p-r1" nodad
ip -n "$R" addr add fd00:201:2::1/64 dev "$p-r2" nodad
ip -n "$S" addr add fd00:201:2::2/64 dev "$p-s0" nodad
for pair in "$C:$p-c0" "$R:$p-r1" "$R:$p-r2" "$S:$p-s0"; do
  ip -n "${pair%%:*}" link set "${pair#*:}" up
done
ip -n "$C" route add default via 10.201.1.1
ip -n "$S" route add default via 10.201.2.1
ip -n "$C" -6 route add default via fd00:201:1::1
ip -n "$S" -6 route add default via fd00:201:2::1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
# No automatic helper assignment: only what the rules attach (the default since Linux 4.7; stated for older kernels).
ip netns exec "$R" sysctl -qw net.netfilter.nf_conntrack_helper=0 2>/dev/null || true
