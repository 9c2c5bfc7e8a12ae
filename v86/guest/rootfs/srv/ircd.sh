#!/bin/sh
# A scripted IRC server with a DCC peer: it welcomes the client, and for each
# DCC SEND offer connects to the offered address and port (the peer accepting
# the file) and stores what arrives in /tmp/dcc.got.
cr=$(printf '\r')
while read -r line; do
  line=${line%"$cr"}
  case "$line" in
    NICK*) printf ':test.server 001 %s :welcome\r\n' "${line#NICK }" ;;
    PRIVMSG*DCC\ SEND*)
      # PRIVMSG peer :\1DCC SEND name ip port size\1
      set -- $(echo "$line" | tr -d '\001' | awk '{print $6, $7}')
      ip=$(awk -v n="$1" 'BEGIN{printf "%d.%d.%d.%d", int(n/16777216)%256, int(n/65536)%256, int(n/256)%256, n%256}')
      echo "dcc offer $ip $2" > /tmp/dcc.offer
      # busybox nc stops at the end of its input: a FIFO opened read-write
      # never ends, so it reads until the sender closes.
      rm -f /tmp/hold.dcc; mkfifo /tmp/hold.dcc
      timeout 10 nc "$ip" "$2" <> /tmp/hold.dcc > /tmp/dcc.got
      printf ':peer!p@test.server NOTICE client :got %s bytes\r\n' "$(wc -c < /tmp/dcc.got)"
      ;;
    QUIT*) exit 0 ;;
  esac
done
