#!/usr/bin/env bash
# cmake --install into a DESTDIR under /usr, as the .deb does: every file in its place, the
# unit's paths those of the prefix, and the installed binary validating an installed example.
# Usage: install_tree.sh DIR (kept for the tests that need the fixture `installed_tree`)
source "$(dirname "$0")/lib.sh"
dest=$1
rm -rf "$dest"
DESTDIR=$dest cmake --install "$ROLLGUARD_BUILD_DIR" --prefix /usr >/dev/null
root=$dest/usr
for f in bin/rollguard bin/rollguard-demo-app share/man/man1/rollguard.1.gz \
  share/bash-completion/completions/rollguard share/zsh/vendor-completions/_rollguard \
  share/rollguard/schema/rollout.json share/rollguard/schema/scenario.json \
  lib/systemd/system/rollguard.service lib/sysusers.d/rollguard.conf \
  share/doc/rollguard/README.md share/doc/rollguard/manifest.md share/doc/rollguard/ci.md \
  share/doc/rollguard/editors.md share/doc/rollguard/examples/canary-baseline.yaml \
  share/doc/rollguard/examples/ci/github-actions.yml; do
  need_file "$root/$f"
done
[[ -x $root/bin/rollguard && -x $root/bin/rollguard-demo-app ]] || fail "binaries not executable"

# One man page per command that --help lists.
commands=$(rollguard_commands)
[[ -n $commands ]] || fail "no commands in rollguard --help"
for c in $commands; do need_file "$root/share/man/man1/rollguard-$c.1.gz"; done
pages=$(find "$root/share/man/man1" -name '*.1.gz' | wc -l)
expected=$(($(wc -w <<<"$commands") + 1))
((pages == expected)) || fail "$pages man pages for $expected commands (a hidden one documented?)"

grep -qx 'ExecStart=/usr/bin/rollguard serve --data /var/lib/rollguard' \
  "$root/lib/systemd/system/rollguard.service" || fail "ExecStart does not run /usr/bin/rollguard"
! grep -q '@ROLLGUARD_' "$root/lib/systemd/system/rollguard.service" ||
  fail "unsubstituted @ROLLGUARD_...@ in the unit"
grep -q '^u rollguard ' "$root/lib/sysusers.d/rollguard.conf" || fail "no rollguard user"

version=$("$root/bin/rollguard" --version)
[[ $version == "$("$ROLLGUARD" --version)" ]] || fail "installed --version: $version"
"$root/bin/rollguard" validate "$root/share/doc/rollguard/examples/canary-baseline.yaml" \
  "$root/share/doc/rollguard/examples/scenarios/error-spike.yaml" >/dev/null ||
  fail "the installed rollguard does not validate installed examples"
cmp -s "$root/share/rollguard/schema/rollout.json" <("$ROLLGUARD" schema rollout) ||
  fail "the installed rollout schema is not what rollguard schema prints"
echo "install tree OK: $(find "$dest" -type f | wc -l) files, $(du -sh "$dest" | cut -f1)"
