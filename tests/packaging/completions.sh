#!/usr/bin/env bash
# The installed completions load in bash and zsh and complete commands, flags and choices.
# Usage: completions.sh DIR (the tree of install_tree.sh)
source "$(dirname "$0")/lib.sh"
root=$1/usr/share
bash_file=$root/bash-completion/completions/rollguard
complete_bash() {  # complete_bash WORD... : what bash offers for the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _rollguard
    printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_file" "$@"
}
bash -n "$bash_file" || fail "bash cannot parse $bash_file"
[[ $(complete_bash rollguard va) == validate ]] || fail "bash: 'va' does not complete to validate"
[[ $(complete_bash rollguard run -o '' | sort | xargs) == "json text" ]] ||
  fail "bash: run -o does not offer json and text"
complete_bash rollguard serve --da | grep -qx -- --data || fail "bash: serve --da"
! complete_bash rollguard '' | grep -qx help-export || fail "bash: the hidden command is offered"

if ! command -v zsh >/dev/null; then
  echo "zsh is not installed: bash checked only"
  exit 77
fi
zsh_dir=$root/zsh/vendor-completions
zsh -n "$zsh_dir/_rollguard" || fail "zsh cannot parse _rollguard"
out=$(HOME=$(mktemp -d) zsh -f -c "fpath=($zsh_dir \$fpath); autoload -Uz compinit; compinit -u -D
  autoload -Uz _rollguard && (( \${+_comps[rollguard]} )) && echo \$_comps[rollguard]" 2>&1) ||
  fail "zsh: compinit does not pick up _rollguard: $out"
[[ $out == _rollguard ]] || fail "zsh: rollguard is completed by '$out'"
echo "completions OK (bash, zsh)"
