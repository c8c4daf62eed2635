#!/usr/bin/env bash
# The installed unit: systemd-analyze verify (against the DESTDIR tree as the root, so the
# ExecStart binary is the installed one), the hardening it promises, and its exposure score.
# Usage: systemd_unit.sh DIR (the tree of install_tree.sh)
source "$(dirname "$0")/lib.sh"
root=$1
unit=$root/usr/lib/systemd/system/rollguard.service
need_file "$unit"
for setting in User=rollguard NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
  PrivateTmp=yes ReadWritePaths=/var/lib/rollguard StateDirectory=rollguard \
  CapabilityBoundingSet=; do
  grep -qx "$setting" "$unit" || fail "the unit lacks $setting"
done
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is not installed: only the settings were checked"
  exit 77
fi
# verify needs the host's targets (sysinit.target, ...), so the unit is checked in place with
# ExecStart= pointed at the installed binary of the tree; the user need not exist for it.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
sed "s|^ExecStart=/usr/bin/rollguard|ExecStart=$root/usr/bin/rollguard|" "$unit" >"$check/rollguard.service"
out=$(systemd-analyze verify --man=no "$check/rollguard.service" 2>&1) ||
  fail "systemd-analyze verify: $out"
[[ -z $out ]] || fail "systemd-analyze verify warns: $out"
score=$(systemd-analyze security --offline=yes --no-pager "$check/rollguard.service" 2>/dev/null |
  awk '/Overall exposure level/ {print $(NF-2)}')
echo "systemd-analyze verify OK; exposure $score"
[[ -n $score ]] && awk -v s="$score" 'BEGIN {exit !(s < 3.0)}' || fail "exposure '$score' is not below 3.0"
