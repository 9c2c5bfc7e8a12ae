#!/bin/sh
# Waits (5 s at most) until something listens on TCP port $1: a background
# `nc -l` takes a while to start on a busy emulator, and a peer connecting
# before then is refused.
i=0
while ! netstat -ltn 2>/dev/null | grep -q ":$1 " && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
