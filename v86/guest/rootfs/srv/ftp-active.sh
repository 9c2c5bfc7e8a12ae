#!/bin/sh
# Active-mode FTP client (busybox ftpget is passive only): listen on a data
# port, announce it with PORT, RETR a file into OUTPUT-FILE, print its size.
#   ftp-active.sh SERVER MY-ADDRESS DATA-PORT OUTPUT-FILE [SECONDS-TO-WAIT]
server=$1 me=$2 dport=$3 out=$4 wait=${5:-10}
. /srv/dialog.sh
rm -f /tmp/hold.active; mkfifo /tmp/hold.active
# busybox nc stops at the end of its input: a FIFO opened read-write never ends.
nc -l -p "$dport" <> /tmp/hold.active > "$out" &
lpid=$!
/srv/wait-listen.sh "$dport"
dialog_open "$server" 21
dialog_expect 220 && dialog_send "USER anonymous" && dialog_expect 331 &&
  dialog_send "PASS guest" && dialog_expect 230 && dialog_send "TYPE I" && dialog_expect 200 &&
  dialog_send "PORT $(echo "$me" | tr . ,),$((dport / 256)),$((dport % 256))" && dialog_expect 200 &&
  dialog_send "RETR file.txt" && dialog_expect 150 && dialog_expect 226 "$wait"
# The data connection may close after the 226: give the listener a moment.
i=0
while kill -0 "$lpid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
dialog_send "QUIT"
dialog_expect 221 2
dialog_close
kill "$lpid" 2>/dev/null
wc -c < "$out"
