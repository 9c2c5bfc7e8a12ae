#!/bin/sh
# Services of the WAN guest: an FTP server and an IRC server whose DCC peer
# connects back to every offer (both scripted with busybox nc, which Debian's
# busybox-static has; it has no ftpd). -ll keeps each listener for many clients.
head -c 3000 /dev/zero | tr '\0' 'f' > /srv/file.txt
echo "end of file" >> /srv/file.txt
nc -ll -p 21 -e /srv/ftpd.sh &
nc -ll -p 6667 -e /srv/ircd.sh &
