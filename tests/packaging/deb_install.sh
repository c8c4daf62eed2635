#!/usr/bin/env bash
# dpkg -i of the .deb into a throwaway root: its own dpkg database, passwd and group, with the
# maintainer scripts run outside a chroot but told the root through DPKG_ROOT (packaging/
# postinst), so nothing of this machine's /usr, /etc or users changes. Then the installed
# rollguard prints its version and validates an installed example, the system user exists in
# that root, and a purge takes the files away again. Root only (dpkg refuses otherwise): as
# another user it is skipped, and deb_inspect.sh still checks the package.
# Usage: deb_install.sh DIR (the fixture `deb`)
source "$(dirname "$0")/lib.sh"
deb=$1/rollguard.deb
need_file "$deb"
if [[ $(id -u) != 0 ]]; then
  echo "not root: dpkg -i is skipped (deb_inspect checks the package)"
  exit 77
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/var/lib/dpkg/{info,updates,triggers} "$root"/etc "$root"/var/log
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
host_passwd=$(sha256sum /etc/passwd)
dpkg_root() {
  # --force-depends: the throwaway database knows none of the libraries; deb_inspect checks
  # that Debian has each, and the run below that they load.
  dpkg --root="$root" --log="$root/var/log/dpkg.log" --force-script-chrootless \
    --force-depends "$@"
}
out=$(dpkg_root -i "$deb" 2>&1) || fail "dpkg -i: $out"
[[ $(dpkg --root="$root" -s rollguard | awk '/^Status:/ {print $4}') == installed ]] ||
  fail "rollguard is not installed in the root"
bin=$root/usr/bin/rollguard
ldd "$bin" | grep -q 'not found' && fail "unresolved libraries: $(ldd "$bin" | grep 'not found')"
[[ $("$bin" --version) == "rollguard $(dpkg-deb -f "$deb" Version)" ]] ||
  fail "installed rollguard --version: $("$bin" --version)"
out=$("$bin" validate "$root/usr/share/doc/rollguard/examples/canary-baseline.yaml" 2>&1) ||
  fail "the installed rollguard rejects the installed example: $out"
grep -q '^rollguard:' "$root/etc/passwd" || fail "postinst made no rollguard user in the root"
[[ $(sha256sum /etc/passwd) == "$host_passwd" ]] || fail "the install changed this machine's users"

out=$(dpkg_root --purge rollguard 2>&1) || fail "dpkg --purge: $out"
[[ ! -e $bin && ! -e $root/usr/lib/systemd/system/rollguard.service ]] ||
  fail "files left after the purge"
echo "dpkg -i into $root OK: $("$ROLLGUARD" --version), validate OK, purge OK"
