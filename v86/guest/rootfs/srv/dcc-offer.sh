#!/bin/sh
# IRC client offering a file by DCC SEND: serve it on DATA-PORT, announce the
# address as IRC's decimal number, and wait for the peer to take it.
#   dcc-offer.sh SERVER MY-ADDRESS DATA-PORT
server=$1 me=$2 dport=$3
echo "dcc payload from the LAN guest" > /tmp/dcc.txt
size=$(wc -c < /tmp/dcc.txt)
nc -l -p "$dport" < /tmp/dcc.txt &
lpid=$!
/srv/wait-listen.sh "$dport"
num=$(echo "$me" | awk -F. '{printf "%.0f", (($1 * 256 + $2) * 256 + $3) * 256 + $4}')
{
  printf 'NICK lanuser\r\nUSER lanuser 0 * :lan\r\n'
  # A client sends the offer once registered, in a segment of its own (the
  # IRC helper, like Linux's, reads PRIVMSG only at the start of a segment).
  sleep 1
  printf 'PRIVMSG peer :\001DCC SEND dcc.txt %s %d %d\001\r\n' "$num" "$dport" "$size"
  i=0
  while kill -0 "$lpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 0.5
  printf 'QUIT\r\n'
} | timeout 20 nc "$server" 6667
kill "$lpid" 2>/dev/null
exit 0
