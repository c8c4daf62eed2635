#!/usr/bin/env bash
# Every installed man page renders without a groff warning, `man -l` shows it, and each
# command's page lists that command's flags as --help does.
# Usage: man_pages.sh DIR (the tree of install_tree.sh)
source "$(dirname "$0")/lib.sh"
dir=$1/usr/share/man/man1
for page in "$dir"/*.1.gz; do
  warnings=$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1) || fail "groff failed on $page"
  [[ -z $warnings ]] || fail "groff warns on $(basename "$page"): $warnings"
done
for c in $(rollguard_commands); do
  text=$(MANWIDTH=100 man -l "$dir/rollguard-$c.1.gz" 2>/dev/null | col -b)
  grep -q "^NAME" <<<"$text" || fail "man -l rollguard-$c: no NAME section"
  for flag in $("$ROLLGUARD" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    grep -qF -- "$flag" <<<"$text" || fail "man rollguard-$c does not mention $flag"
  done
done
text=$(man -l "$dir/rollguard-run.1.gz" 2>/dev/null | col -b)
grep -q "EXIT STATUS" <<<"$text" || fail "rollguard-run(1) has no EXIT STATUS"
grep -q "RolledBack" <<<"$text" || fail "rollguard-run(1) does not list the exit codes"
echo "man pages OK: $(ls "$dir" | wc -l) pages"
