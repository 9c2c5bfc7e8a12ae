#!/bin/sh
# A minimal FTP server for one control connection (stdin/stdout are the socket):
# USER, PASS, TYPE, PASV (EPSV refused so clients fall back to 227), PORT, RETR, QUIT.
cr=$(printf '\r')
say() { printf '%s\r\n' "$*"; }
here=$(ip -4 addr show eth0 | awk '/inet /{split($2, a, "/"); print a[1]}')
say "220 alg-sdk test server"
pasv_pid=""
port_target=""
while read -r line; do
  line=${line%"$cr"}
  cmd=${line%% *}
  arg=${line#* }
  case "$cmd" in
    USER) say "331 any password" ;;
    PASS) say "230 logged in" ;;
    TYPE) say "200 type set" ;;
    SYST) say "215 UNIX Type: L8" ;;
    PWD) say '257 "/"' ;;
    CWD) say "250 ok" ;;
    SIZE) say "213 $(wc -c < "/srv/$arg")" ;;
    EPSV) say "500 EPSV not supported" ;;
    PASV)
      # The listener waits for RETR to name the file (the client connects first).
      dport=$((40000 + $$ % 1000))
      rm -f "/tmp/pasv.$dport"
      nc -l -p "$dport" -e /srv/pasv-data.sh "$dport" &
      pasv_pid=$!
      /srv/wait-listen.sh "$dport"
      say "227 Entering Passive Mode ($(echo "$here" | tr . ,),$((dport / 256)),$((dport % 256)))"
      ;;
    PORT)
      port_target=$(echo "$arg" | awk -F, '{print $1"."$2"."$3"."$4" "($5*256+$6)}')
      echo "$port_target" > /tmp/ftp.port-target
      say "200 PORT ok"
      ;;
    RETR)
      if [ ! -f "/srv/$arg" ]; then say "550 no such file"; continue; fi
      say "150 sending /srv/$arg"
      if [ -n "$pasv_pid" ]; then
        echo "/srv/$arg" > "/tmp/pasv.$dport"
        wait "$pasv_pid"
        pasv_pid=""
      elif [ -n "$port_target" ]; then
        # Active mode: connect back to the address PORT gave (busybox nc picks the source port).
        nc -w 5 $port_target < "/srv/$arg"
        port_target=""
      fi
      say "226 transfer complete"
      ;;
    QUIT) say "221 bye"; exit 0 ;;
    *) say "502 not implemented" ;;
  esac
done
