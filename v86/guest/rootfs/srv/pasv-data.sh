#!/bin/sh
# Passive data connection: wait (5 s at most) for RETR to name the file, send it.
i=0
while [ ! -s "/tmp/pasv.$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "/tmp/pasv.$1" ] && cat "$(cat "/tmp/pasv.$1")"
