#!/usr/bin/env bash
# The .deb's control fields, its maintainer scripts, its file list, and that every dependency
# names a Debian package this machine knows.
# Usage: deb_inspect.sh DIR (the fixture `deb`)
source "$(dirname "$0")/lib.sh"
deb=$1/rollguard.deb
need_file "$deb"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == rollguard ]] || fail "Package: $(field Package)"
[[ $(field Version) == $("$ROLLGUARD" --version | awk '{print $2}') ]] ||
  fail "Version $(field Version) is not rollguard --version's"
[[ $(field Architecture) == $(dpkg --print-architecture) ]] || fail "Architecture: $(field Architecture)"
[[ $(field Section) == admin ]] || fail "Section: $(field Section)"
depends=$(field Depends)
# dpkg-shlibdeps found the libraries the binaries link.
for lib in libc6 libstdc++6 libyaml-cpp libsqlite3 libpq5 libspdlog libcpprest libssl3; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
grep -q 'systemd | adduser' <<<"$depends" || fail "Depends lacks 'systemd | adduser': $depends"
# Every alternative of every dependency is a package Debian knows: installed here (the build
# links them), or else in the archive (one apt-cache call for all of those).
unknown=()
for name in $(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/ //g' | grep -v '^$' | sort -u); do
  dpkg-query -W "$name" >/dev/null 2>&1 || unknown+=("$name")
done
if ((${#unknown[@]})); then
  apt-cache show "${unknown[@]}" >/dev/null 2>&1 ||
    fail "Depends names a package Debian does not have: ${unknown[*]}"
fi

files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/rollguard ./usr/bin/rollguard-demo-app ./usr/share/man/man1/rollguard.1.gz \
  ./usr/share/man/man1/rollguard-run.1.gz ./usr/lib/systemd/system/rollguard.service \
  ./usr/lib/sysusers.d/rollguard.conf ./usr/share/bash-completion/completions/rollguard \
  ./usr/share/zsh/vendor-completions/_rollguard ./usr/share/rollguard/schema/rollout.json \
  ./usr/share/doc/rollguard/examples/canary-baseline.yaml; do
  grep -qxF "$f" <<<"$files" || fail "the .deb lacks $f"
done
! grep -q '^\./usr/local\|^\./etc' <<<"$files" || fail "the .deb installs outside /usr"
dpkg-deb -c "$deb" | awk '{print $2}' | grep -qv '^root/root$' && fail "files not owned by root"

control=$(mktemp -d)
trap 'rm -rf "$control"' EXIT
dpkg-deb -e "$deb" "$control"
for script in postinst prerm postrm; do
  [[ -x $control/$script ]] || fail "$script missing or not executable"
  sh -n "$control/$script" || fail "$script is not valid sh"
done
echo "deb OK: $(du -h "$(readlink -f "$deb")" | cut -f1), Depends: $depends"
