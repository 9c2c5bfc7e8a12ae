# Sourced by the scripted clients: a control connection whose replies the
# script waits for before sending the next command, as a real client does
# (the FTP and IRC helpers, like Linux's, read a command only at the start
# of a TCP segment, so commands must not be sent in one burst).
#   dialog_open HOST PORT; dialog_send LINE; dialog_expect PREFIX [SECONDS]; dialog_close
dialog_open() {
  rm -f /tmp/dialog.in /tmp/dialog.out
  mkfifo /tmp/dialog.in /tmp/dialog.out
  nc "$1" "$2" < /tmp/dialog.in > /tmp/dialog.out &
  dialog_pid=$!
  exec 3> /tmp/dialog.in 4< /tmp/dialog.out
}
dialog_send() {
  printf '%s\r\n' "$1" >&3
}
dialog_expect() {
  while read -r -t "${2:-10}" dialog_line <&4; do
    case "$dialog_line" in "$1"*) return 0 ;; esac
  done
  echo "no reply starting with $1" >&2
  return 1
}
dialog_close() {
  exec 3>&- 4<&-
  kill "$dialog_pid" 2>/dev/null
  wait "$dialog_pid" 2>/dev/null
  rm -f /tmp/dialog.in /tmp/dialog.out
}
