# SPDX-License-Identifier: GPL-2.0-or-later
# kdh.bash - bash completion for kdh
#
# The words come from kdh itself: `kdh --complete` lists the commands and
# `kdh --complete COMMAND` a command's options (with the placeholder of
# their argument), its literal words and FILES when it takes files, all
# read from the text `kdh help` prints, so completion follows the help.
# Arguments: a|b placeholders complete to a and b (--network static|dhcp,
# --backend user|bridge; an upper-case placeholder among them, as K/N in
# --shard K/N|auto, is not offered), -g/--group to the groups `kdh list` shows,
# SCENARIO (kdh list --show) to the built-in scenarios' names, IFACE
# to the host's network interfaces, FILE, PATH, VMCONF, OUT... to file
# names and DIR to directories.

_kdh_groups()
{
	"$1" list 2>/dev/null | awk '{ n = split($2, g, ","); for (i = 1; i <= n; i++) print g[i] }' | sort -u
}

_kdh_scenarios()
{
	"$1" list 2>/dev/null | awk '{ print $1 }'
}

_kdh()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= kdh=${COMP_WORDS[0]} cmd w a
	local -a opts=() words=()
	local -A args=()
	local files=

	COMPREPLY=()
	(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
	if (( COMP_CWORD == 1 )); then
		COMPREPLY=($(compgen -W "$("$kdh" --complete 2>/dev/null) --help --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}
	if [[ $cmd == help ]]; then
		(( COMP_CWORD == 2 )) &&
			COMPREPLY=($(compgen -W "$("$kdh" --complete 2>/dev/null)" -- "$cur"))
		return 0
	fi
	while read -r w a; do
		case $w in
		FILES) files=1 ;;
		-*) opts+=("$w"); args[$w]=$a ;;
		?*) words+=("$w") ;;
		esac
	done < <("$kdh" --complete "$cmd" 2>/dev/null)

	if [[ -n $prev && $prev == -* && -n ${args[$prev]:-} ]]; then
		a=${args[$prev]}
		case $a in
		*'|'*)	# the literal words; K/N in K/N|auto is typed, not offered
			COMPREPLY=($(compgen -W "$(printf '%s\n' ${a//|/ } | grep -v '[A-Z]')" -- "$cur")) ;;
		GROUP | G) COMPREPLY=($(compgen -W "$(_kdh_groups "$kdh")" -- "$cur")) ;;
		SCENARIO) COMPREPLY=($(compgen -W "$(_kdh_scenarios "$kdh")" -- "$cur")) ;;
		IFACE*) COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")) ;;
		DIR*) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
		FILE* | PATH* | OUT* | VMCONF* | *.json | *.pcapng)
			compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
		return 0
	fi
	COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
	if [[ -n $files ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
	return 0
}
complete -F _kdh kdh
