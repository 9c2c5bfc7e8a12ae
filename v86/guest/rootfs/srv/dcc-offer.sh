#!/bin/sh
# IRC client offering a file by DCC SEND: serve it on DATA-PORT, announce the
# address as IRC's decimal number once registered, wait for the peer's notice.
#   dcc-offer.sh SERVER MY-ADDRESS DATA-PORT
server=$1 me=$2 dport=$3
. /srv/dialog.sh
echo "dcc payload from the LAN guest" > /tmp/dcc.txt
size=$(wc -c < /tmp/dcc.txt)
nc -l -p "$dport" < /tmp/dcc.txt &
lpid=$!
/srv/wait-listen.sh "$dport"
num=$(echo "$me" | awk -F. '{printf "%.0f", (($1 * 256 + $2) * 256 + $3) * 256 + $4}')
dialog_open "$server" 6667
dialog_send "NICK lanuser"
dialog_send "USER lanuser 0 * :lan"
dialog_expect ":test.server 001"
dialog_send "PRIVMSG peer :$(printf '\001')DCC SEND dcc.txt $num $dport $size$(printf '\001')"
dialog_expect ":peer" 15
status=$?
dialog_send "QUIT"
dialog_close
kill "$lpid" 2>/dev/null
exit $status
