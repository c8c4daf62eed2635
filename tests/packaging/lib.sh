# Shared by the packaging tests: fail with a message, and check a path exists.
set -euo pipefail
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
need_file() {
  [[ -f $1 ]] || fail "missing $1"
}
# The commands `rollguard --help` lists, without the hidden ones.
rollguard_commands() {
  "$ROLLGUARD" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}
    on && /^$/ {exit}'
}
