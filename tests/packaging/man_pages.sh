#!/usr/bin/env bash
# Every installed man page renders without a groff warning, each command's page lists that
# command's flags as --help does, and `man -l` shows rollguard-run(1) with its exit codes.
# Usage: man_pages.sh DIR (the tree of install_tree.sh)
source "$(dirname "$0")/lib.sh"
dir=$1/usr/share/man/man1
warnings=$(mktemp)
trap 'rm -f "$warnings"' EXIT
render() {  # the page as text; groff's warnings fail the test
  zcat "$1" | groff -man -Tutf8 -ww -rLL=100n 2>"$warnings" | col -b
  [[ ! -s $warnings ]] || fail "groff warns on $(basename "$1"): $(cat "$warnings")"
}
render "$dir/rollguard.1.gz" >/dev/null
for c in $(rollguard_commands); do
  text=$(render "$dir/rollguard-$c.1.gz")
  grep -q "^NAME" <<<"$text" || fail "rollguard-$c(1): no NAME section"
  for flag in $("$ROLLGUARD" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    grep -qF -- "$flag" <<<"$text" || fail "rollguard-$c(1) does not mention $flag"
  done
done
text=$(man -l "$dir/rollguard-run.1.gz" 2>/dev/null | col -b)
grep -q "EXIT STATUS" <<<"$text" || fail "rollguard-run(1) has no EXIT STATUS"
grep -q "RolledBack" <<<"$text" || fail "rollguard-run(1) does not list the exit codes"
echo "man pages OK: $(ls "$dir" | wc -l) pages"
