#!/bin/sh
# Active-mode FTP client (busybox ftpget is passive only): listen on a data
# port, announce it with PORT, RETR a file into $4, QUIT when the data is in.
#   ftp-active.sh SERVER MY-ADDRESS DATA-PORT OUTPUT-FILE [SECONDS-TO-WAIT]
server=$1 me=$2 dport=$3 out=$4 wait=${5:-10}
rm -f /tmp/hold.active; mkfifo /tmp/hold.active
nc -l -p "$dport" <> /tmp/hold.active > "$out" &
lpid=$!
/srv/wait-listen.sh "$dport"
{
  printf 'USER anonymous\r\nPASS guest\r\nTYPE I\r\n'
  printf 'PORT %s,%d,%d\r\n' "$(echo "$me" | tr . ,)" $((dport / 256)) $((dport % 256))
  printf 'RETR file.txt\r\n'
  i=0
  while kill -0 "$lpid" 2>/dev/null && [ $i -lt $((wait * 10)) ]; do sleep 0.1; i=$((i + 1)); done
  printf 'QUIT\r\n'
  sleep 0.3
} | timeout 20 nc "$server" 21
kill "$lpid" 2>/dev/null
wc -c < "$out"
