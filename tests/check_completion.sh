#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check_completion.sh - completion/kdh.bash loads and completes from kdh
#
#   check_completion.sh KDH COMPLETION_FILE
#
# Calls _kdh as bash would (COMP_WORDS, COMP_CWORD) and checks commands,
# options, the values of --network, --backend and -g, file names, and that
# every option of every command's usage line is offered.
set -u
kdh=$(realpath "$1")
file=$(realpath "$2")
failed=0
fail() { echo "FAIL: $*"; failed=1; }

out=$(bash -c "source '$file' && complete -p kdh" 2>&1)
[[ $out == "complete -F _kdh kdh" ]] || fail "complete -p kdh: '$out'"

# shellcheck source=/dev/null
source "$file"
comp() {	# comp WORD... : what <TAB> after the last word offers
	COMP_WORDS=("$kdh" "$@")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	COMPREPLY=()
	_kdh 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {	# expect WANT WORD...
	local want=$1 got
	shift
	got=$(comp "$@")
	[[ $got == "$want" ]] || fail "kdh $*<TAB>: '$got', want '$want'"
}

expect analyze an
expect "qemu-cmd" qe
expect "serial-link" help se
expect "bridge user" run --backend ""
expect "auto" run --shard ""
expect "auto" list --shard a
expect "dhcp static" check --network ""
expect "any connected hang" watch --until ""
comp watch --iface "" | grep -qw lo || fail "kdh watch --iface <TAB>: no lo"
expect "--write-decrypted" decode --wr
expect "--dhcp" net --dh
expect "sim switch" bench s
comp run -g "" | grep -qw seed || fail "kdh run -g <TAB>: no group seed"
comp list --group "" | grep -qw dhcp || fail "kdh list --group <TAB>: no group dhcp"
expect "seed-dhcp-hang seed-dhcp-hang-apipa-route" list --show seed-dhcp-h

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/resdir" && touch "$tmp/my.kdh" "$tmp/100.conf"
cd "$tmp" || exit 1
expect "my.kdh" run my
expect "100.conf" check 10
expect "resdir" run --results r
expect "matrix" bench m
expect "merge" report me

# every option of every usage line is offered after '-'
for c in $("$kdh" --complete); do
	[[ $c == help ]] && continue
	all=" $(comp "$c" -) "
	for o in $("$kdh" help "$c" | sed '/^$/q' | grep -oE '(^|[ [(|])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[ [(|]//'); do
		[[ $all == *" $o "* ]] || fail "kdh $c -<TAB> does not offer $o"
	done
done

[[ $failed == 0 ]] && echo ok
exit $failed
