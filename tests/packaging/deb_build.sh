#!/usr/bin/env bash
# Builds the .deb with CPack (the fixture `deb`) into DIR, apart from the build tree's own
# _CPack_Packages so that a developer's cpack run and the tests never share one.
# Usage: deb_build.sh DIR
source "$(dirname "$0")/lib.sh"
out=$1
rm -rf "$out"
mkdir -p "$out"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps is missing (dpkg-dev; tools/setup)"
log=$out/cpack.log
cpack --config "$ROLLGUARD_BUILD_DIR/CPackConfig.cmake" -B "$out" >"$log" 2>&1 ||
  fail "cpack failed: $(tail -20 "$log")"
debs=("$out"/rollguard_*.deb)
[[ -f ${debs[0]} && ${#debs[@]} == 1 ]] || fail "cpack made no single rollguard_*.deb in $out"
ln -sf "$(basename "${debs[0]}")" "$out/rollguard.deb"
echo "built $(basename "${debs[0]}"): $(du -h "${debs[0]}" | cut -f1)"
