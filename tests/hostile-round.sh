#!/bin/bash
# hostile-round.sh KDH -- a round of hostile inputs against kdh (issue 24):
# 205 cases a careful user or a fuzzer would write, each with the class kdh
# should give it.  Not part of `meson test` (it takes ~3.5 minutes and
# judges one binary as a whole); run it by hand:
#   bash tests/hostile-round.sh build/kdh
# The last lines tally the classes and list the cases that differ.
# Each case runs under `timeout 10` with `ulimit -v 4000000` and is classified:
#   refused     exit 2 with a message (its first line is printed)
#   read-right  accepted, and the case's own check shows the value was understood
#   accepted    accepted although it should be refused or was misread (a bug)
#   hang / crash / glib
# Each case declares what it expects (refused or read-right); tag new = not in
# issue 24's list, i24 = a re-test of one of issue 24's classes.
# Self-cleaning: everything lives in one temp dir, removed on exit.
set -u
K=${1:?usage: hostile-round.sh PATH/TO/kdh}
K=$(readlink -f "$K")
[ -x "$K" ] || { echo "hostile-round.sh: $K is not executable" >&2; exit 2; }
D=$(mktemp -d /tmp/kdh-hostile.XXXXXX)
BGPIDS=()
cleanup() {
    for p in "${BGPIDS[@]}"; do kill "$p" 2>/dev/null; done
    chmod -R u+rwx "$D" 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$D" || exit 2

# ASan binaries cannot live under ulimit -v: detect and say so.
ULIMIT=4000000
if ! bash -c 'ulimit -v "$1"; exec "$2" --version' _ $ULIMIT "$K" >/dev/null 2>&1; then
    ULIMIT=unlimited
    echo "note: $K does not start under ulimit -v 4000000 (ASan?); its memory is bounded by ASAN_OPTIONS=hard_rss_limit_mb=4000 instead"
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:hard_rss_limit_mb=4000"
fi

WRONGREF=(); N=0; NREF=0; NRR=0; NACC=0; NBAD=0; MISM=(); ACCLIST=()
# c NAME TAG EXPECT CHECK ARGS...   (@RES@ in an arg -> a fresh results dir;
#                                     CHECK: bash evaluated with $OUT, $RES, $RC)
c() {
    local name=$1 tag=$2 exp=$3 check=$4; shift 4
    N=$((N + 1))
    local RES="$D/res/$N"; mkdir -p "$RES"
    local args=() a
    for a in "$@"; do args+=("${a//@RES@/$RES}"); done
    local O="$D/out/$N"; mkdir -p "$D/out"
    ( ulimit -v $ULIMIT; cd "$D"; exec timeout -k 2 10 "$K" "${args[@]}" ) \
        >"$O.stdout" 2>"$O.stderr" </dev/null
    local RC=$?
    local OUT="$O.all"; cat "$O.stdout" "$O.stderr" >"$OUT"
    local rootrun
    rootrun=$(grep -o 'results in /run-[0-9]*-[0-9]*-[0-9]*' "$OUT" | head -1 | cut -c12-)
    if [ -n "$rootrun" ] && [ -d "$rootrun" ] && [ -f "$rootrun/summary.json" ]; then
        rm -rf "$rootrun"; echo "note: removed $rootrun that case $name wrote at the filesystem root" >&2
    fi
    local msg cls
    msg=$(grep -m1 -v '^[[:space:]]*$' "$O.stderr" | cut -c1-200)
    [ -n "$msg" ] || msg=$(grep -m1 -v '^[[:space:]]*$' "$O.stdout" | cut -c1-200)
    if [ $RC -eq 124 ] || [ $RC -eq 137 ]; then cls=hang; msg="(no end within 10 s) $msg"
    elif grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$O.stderr"; then
        cls=crash; msg=$(grep -m1 -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$O.stderr")
    elif [ $RC -gt 128 ]; then cls=crash; msg="signal $((RC - 128)); $msg"
    elif grep -qE 'CRITICAL|Json-|GLib-' "$O.stderr"; then
        cls=glib; msg=$(grep -m1 -E 'CRITICAL|Json-|GLib-' "$O.stderr")
    elif [ $RC -eq 2 ] && [ -n "$msg" ]; then cls=refused
    elif [ -n "$check" ] && (eval "$check") >/dev/null 2>&1; then cls=read-right
    else cls=accepted; msg="rc=$RC: $msg"
    fi
    case $cls in
        refused) NREF=$((NREF + 1));; read-right) NRR=$((NRR + 1));;
        accepted) NACC=$((NACC + 1)); ACCLIST+=("$name");; *) NBAD=$((NBAD + 1)); ACCLIST+=("$name ($cls)");;
    esac
    [ "$cls" = "$exp" ] || MISM+=("$name: $cls, expected $exp")
    [ "$cls" = refused ] && [ "$exp" = read-right ] && WRONGREF+=("$name: $msg")
    printf '%-10s %-34s %-4s (expected %s)  %s\n' "$cls" "$name" "$tag" "$exp" "$msg"
}

# ---------------------------------------------------------------- inputs
# w FILE TEXT: TEXT with printf %b escapes (\xNN, \r, \t)
w() { printf '%b' "$2" >"$1"; }
NET='[network lan]\ntype = static\nsubnet = 192.168.2.0/24\n\n'
VM='[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\nip = 192.168.2.72/24\n'
# sc NAME EXTRA_SCENARIO_LINES EXTRA_VM_LINES [EXTRA_SECTIONS]
sc() { w "$1.kdh" "[scenario]\n$2\n${NET}${VM}$3\n${4:-}"; }
OKRUN='grep -q "connect 4.00s, static 192.168.2.72" "$OUT"'
RUN=(--results @RES@)

w base.kdh "${NET}${VM}"
# A real run for capture/summary based cases
( ulimit -v $ULIMIT; timeout 20 "$K" run base.kdh --results "$D/baserun" ) >/dev/null 2>&1
BR=$(ls -d "$D"/baserun/run-* 2>/dev/null | head -1)
SUM="$BR/summary.json"; CAP="$BR/base/capture.pcapng"
[ -f "$SUM" ] && [ -f "$CAP" ] || echo "note: the base run wrote no summary/capture; report/analyze cases will be misjudged"

echo "kdh: $K  ($(date -u +%Y-%m-%dT%H:%MZ))"; echo "cases: CLASS NAME TAG (expected) first line of message"; echo

# ================================================= scenario files: whole file
: >empty.kdh
c scen-empty-file new refused '' run empty.kdh "${RUN[@]}"
w comments.kdh '# only\n; comments\n# here\n'
c scen-only-comments new refused '' run comments.kdh "${RUN[@]}"
w blank.kdh '\n   \n\t\n\n'
c scen-only-whitespace new refused '' run blank.kdh "${RUN[@]}"
w nonl.kdh "${NET}${VM}"; printf 'ip = 192.168.2.72/24' >nonl.kdh.tmp
{ printf '%b' "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\n"; cat nonl.kdh.tmp; } >nonl.kdh
c scen-no-final-newline new read-right "$OKRUN" run nonl.kdh "${RUN[@]}"
{ printf '%b' "${NET}${VM}" | sed 's/$/\r/'; } >crlf.kdh
c scen-crlf i24 read-right "$OKRUN" run crlf.kdh "${RUN[@]}"
{ printf '%b' "${NET}${VM}" | tr '\n' '\r'; } >cr.kdh
c scen-cr-only i24 read-right "$OKRUN" run cr.kdh "${RUN[@]}"
w mixed.kdh "[network lan]\r\ntype = static\nsubnet = 192.168.2.0/24\r\n\n[vm win]\rnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\r\nip = 192.168.2.72/24\n"
c scen-mixed-line-ends i24 read-right "$OKRUN" run mixed.kdh "${RUN[@]}"
w bomstart.kdh "\xef\xbb\xbf${NET}${VM}"
c scen-bom-at-start i24 read-right "$OKRUN" run bomstart.kdh "${RUN[@]}"
w bommid.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\n\xef\xbb\xbfdhcp = no\nip = 192.168.2.72/24\n"
c scen-bom-mid-file i24 refused '' run bommid.kdh "${RUN[@]}"
{ printf '\xff\xfe'; printf '%b' "${NET}${VM}" | iconv -f UTF-8 -t UTF-16LE; } >u16.kdh
c scen-utf16-bom i24 read-right "$OKRUN" run u16.kdh "${RUN[@]}"
{ printf '# '; head -c 1048576 /dev/zero | tr '\0' x; printf '\n%b' "${NET}${VM}"; } >longcomment.kdh
c scen-1MiB-comment-line new refused '' run longcomment.kdh "${RUN[@]}"
{ printf '%b' "${NET}${VM}"; head -c 41943040 /dev/zero | tr '\0' '\n'; } >huge.kdh
c scen-40MiB-of-blank-lines new refused '' run huge.kdh "${RUN[@]}"

# ================================================= invisible characters, odd whitespace
w nbsp.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp =\xc2\xa0no\nip = 192.168.2.72/24\n"
c scen-nbsp-before-value new refused '' run nbsp.kdh "${RUN[@]}"
w zwsp.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\xe2\x80\x8b\nip = 192.168.2.72/24\n"
c scen-zero-width-space-after-value new refused '' run zwsp.kdh "${RUN[@]}"
w zwj.kdh "[network lan\xe2\x80\x8d]\ntype = static\nsubnet = 192.168.2.0/24\n\n${VM}"
c scen-zwj-in-network-name new refused '' run zwj.kdh "${RUN[@]}"
w shy.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\nip = 192.168.2.\xc2\xad72/24\n"
c scen-soft-hyphen-in-ip new refused '' run shy.kdh "${RUN[@]}"
w rlo.kdh "[scenario]\ndescription = abc\xe2\x80\xaedef\n${NET}${VM}"
c scen-bidi-override-in-description new refused '' run rlo.kdh "${RUN[@]}"
w ff.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp =\fno\nip = 192.168.2.72/24\n"
c scen-formfeed-as-space new refused '' run ff.kdh "${RUN[@]}"
w vt.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\v\nip = 192.168.2.72/24\n"
c scen-vertical-tab-after-value new refused '' run vt.kdh "${RUN[@]}"
w tabs.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp\t=\tno\t\nip\t=\t192.168.2.72/24   \n"
c scen-tabs-and-trailing-space new read-right "$OKRUN" run tabs.kdh "${RUN[@]}"
w fullwidth.kdh "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\nip = 192.168.2.\xef\xbc\x97\xef\xbc\x92/24\n"
c scen-fullwidth-digits-in-ip new refused '' run fullwidth.kdh "${RUN[@]}"

# ================================================= numbers
sc t264 'timeout = 18446744073709551616s' ''
c scen-timeout-2pow64s new refused '' run t264.kdh "${RUN[@]}"
sc tmax 'timeout = 9223372036854775807ns' ''
c scen-timeout-292-years new read-right 'grep -q "^PASS\\|^FAIL" "$OUT"' run tmax.kdh "${RUN[@]}"
sc tneg 'timeout = -5m' ''
c scen-timeout-negative new refused '' run tneg.kdh "${RUN[@]}"
sc tplus 'timeout = +5m' ''
c scen-timeout-plus-sign new refused '' run tplus.kdh "${RUN[@]}"
sc tdup 'timeout = 1m1m' ''
c scen-timeout-unit-twice i24 refused '' run tdup.kdh "${RUN[@]}"
sc tord 'timeout = 30s1m' ''
c scen-timeout-units-out-of-order i24 refused '' run tord.kdh "${RUN[@]}"
sc tsp 'timeout = 5 m' ''
c scen-timeout-space-before-unit new refused '' run tsp.kdh "${RUN[@]}"
sc seed0 'seed = 0' ''
c scen-seed-zero i24 read-right 'grep -q "\"seed\" : 0," "$RES"/run-*/*/result.json' run seed0.kdh "${RUN[@]}"
sc seedbig 'seed = 18446744073709551616' ''
c scen-seed-2pow64 new refused '' run seedbig.kdh "${RUN[@]}"
sc seedmax 'seed = 18446744073709551615' ''
c scen-seed-u64max-printed-unsigned i24 read-right 'grep -q "\"seed\" : 18446744073709551615" "$RES"/run-*/summary.json' run seedmax.kdh "${RUN[@]}"
sc drvmany '' 'drivers = 4097'
c scen-drivers-4097 new refused '' run drvmany.kdh "${RUN[@]}"
sc drvbig '' 'drivers = 99999999999999999999'
c scen-drivers-overflow new refused '' run drvbig.kdh "${RUN[@]}"
sc drvneg '' 'drivers = -1'
c scen-drivers-negative new refused '' run drvneg.kdh "${RUN[@]}"
sc bcparam '' 'bugcheck = 20s 0xD1 0x1FFFFFFFFFFFFFFFF 0 0 0'
c scen-bugcheck-param-65bit new refused '' run bcparam.kdh "${RUN[@]}"
sc dbpneg '' 'dbgprint = -5s hello'
c scen-dbgprint-negative-time new refused '' run dbpneg.kdh "${RUN[@]}"
sc drvload '' 'timing.driver_load = 1ns'
c scen-driver-load-1ns new refused '' run drvload.kdh "${RUN[@]}"
sc kinit '' 'timing.kdnet_init = 99999999h'
c scen-kdnet-init-beyond-timeout new refused '' run kinit.kdh "${RUN[@]}"
sc dport0 '' '' '[debugger]\nport = 0\n'
c scen-debugger-port-0 new refused '' run dport0.kdh "${RUN[@]}"
sc dport65536 '' '' '[debugger]\nport = 65536\n'
c scen-debugger-port-65536 new refused '' run dport65536.kdh "${RUN[@]}"
sc dporte '' '' '[debugger]\nport = 5e4\n'
c scen-debugger-port-5e4 new refused '' run dporte.kdh "${RUN[@]}"
sc dbgplus '' 'dbgsettings = net hostip:192.168.2.1 port:+50000 key:1.2.3.4'
c scen-dbgsettings-port-plus new refused '' run dbgplus.kdh "${RUN[@]}"
sc vmmem 'requires = qemu' 'target = vm\nmemory = 99999999999999999999'
c scen-vm-memory-overflow new refused '' run vmmem.kdh --validate "${RUN[@]}"
sc vmcores 'requires = qemu' 'target = vm\ncores = 100000'
c scen-vm-cores-100000 new refused '' run vmcores.kdh --validate "${RUN[@]}"
sc linkbaud 'serial = link win:serial0 debugger baud:0' 'serial0: socket'
c scen-serial-link-baud-0 new refused '' run linkbaud.kdh "${RUN[@]}"
sc loss '' 'faults = loss=100.0000000000000001%'
c scen-faults-loss-just-over-100 new refused '' run loss.kdh "${RUN[@]}"
sc delay '' 'faults = delay=99999999999h'
c scen-faults-delay-huge new refused '' run delay.kdh "${RUN[@]}"

# ================================================= IPv4 forms and sense
ipcase() { w "$1.kdh" "${NET}[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\nip = $2\n"; }
ipcase ipoct '192.168.002.72/24'
c scen-ip-leading-zero-octet new refused '' run ipoct.kdh "${RUN[@]}"
ipcase ipint '3232236104/24'
c scen-ip-as-one-integer new refused '' run ipint.kdh "${RUN[@]}"
ipcase iphex '0xc0.0xa8.2.72/24'
c scen-ip-hex-octets new refused '' run iphex.kdh "${RUN[@]}"
ipcase ip3 '192.168.584/24'
c scen-ip-three-part-inet_aton new refused '' run ip3.kdh "${RUN[@]}"
ipcase ipsp '192.168.2.72 /24'
c scen-ip-space-before-prefix new refused '' run ipsp.kdh "${RUN[@]}"
ipcase ipnet '192.168.2.0/24'
c scen-ip-network-address i24 refused '' run ipnet.kdh "${RUN[@]}"
ipcase ipbc '192.168.2.255/24'
c scen-ip-broadcast-address i24 refused '' run ipbc.kdh "${RUN[@]}"
ipcase ipout '192.168.3.72/24'
c scen-ip-outside-subnet i24 refused '' run ipout.kdh "${RUN[@]}"
ipcase ippfx '192.168.2.72/16'
c scen-ip-prefix-differs-from-subnet new read-right 'grep -q "connected" "$OUT"' run ippfx.kdh "${RUN[@]}"
w hostbits.kdh "[network lan]\ntype = static\nsubnet = 192.168.2.5/24\n\n${VM}"
c scen-subnet-host-bits-set new refused '' run hostbits.kdh "${RUN[@]}"
w mcast.kdh "[network lan]\ntype = static\nsubnet = 224.0.0.0/24\n\n[vm win]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\ndhcp = no\nip = 224.0.0.72/24\n"
c scen-multicast-subnet i24 refused '' run mcast.kdh "${RUN[@]}"
w overlap.kdh "${NET}[network wan]\ntype = static\nsubnet = 192.168.0.0/16\n\n${VM}net1: e1000=BC:24:11:00:00:02,bridge=wan\n"
c scen-overlapping-subnets i24 refused '' run overlap.kdh "${RUN[@]}"
sc hostoct '' 'dbgsettings = net hostip:192.168.02.1 port:50000 key:1.2.3.4'
c scen-hostip-leading-zero new refused '' run hostoct.kdh "${RUN[@]}"
sc host0 '' 'dbgsettings = net hostip:0.0.0.0 port:50000 key:1.2.3.4'
c scen-hostip-0.0.0.0 i24 refused '' run host0.kdh "${RUN[@]}"
sc hostbc '' 'dbgsettings = net hostip:255.255.255.255 port:50000 key:1.2.3.4'
c scen-hostip-limited-broadcast new refused '' run hostbc.kdh "${RUN[@]}"
sc ping '' 'os_ping = 224.0.0.1'
c scen-os-ping-multicast new refused '' run ping.kdh "${RUN[@]}"
sc dbgip '' '' '[debugger]\nnetwork = lan\nip = 169.254.1.1\n'
c scen-debugger-ip-outside-its-network new refused '' run dbgip.kdh "${RUN[@]}"

# ================================================= MACs
w maclc.kdh "${NET}[vm win]\nnet0: e1000=bc:24:11:0a:bc:01,bridge=lan\ndhcp = no\nip = 192.168.2.72/24\n"
c scen-mac-lowercase new read-right "$OKRUN"' && grep -qi "bc:24:11:0a:bc:01" "$RES"/run-*/*/result.json' run maclc.kdh "${RUN[@]}"
macc() { w "$1.kdh" "${NET}[vm win]\nnet0: e1000=$2,bridge=lan\ndhcp = no\nip = 192.168.2.72/24\n"; }
macc mac1 'BC:24:11:0:0:1';          c scen-mac-single-digit-groups new refused '' run mac1.kdh "${RUN[@]}"
macc mac7 'BC:24:11:00:00:01:02';    c scen-mac-seven-groups new refused '' run mac7.kdh "${RUN[@]}"
macc macplain 'BC2411000001';        c scen-mac-no-separators new refused '' run macplain.kdh "${RUN[@]}"
macc macg 'BC:24:11:00:00:0G';       c scen-mac-non-hex new refused '' run macg.kdh "${RUN[@]}"
macc macsp 'BC:24:11:00:00:01 ';     c scen-mac-trailing-space-before-comma new refused '' run macsp.kdh "${RUN[@]}"
sc dmac6 '' '' '[debugger]\nmac = 33:33:00:00:00:01\n'
c scen-debugger-mac-ipv6-multicast new refused '' run dmac6.kdh "${RUN[@]}"
sc dmacvm '' '' '[debugger]\nmac = BC:24:11:00:00:01\n'
c scen-debugger-mac-equals-vm-mac new refused '' run dmacvm.kdh "${RUN[@]}"

# ================================================= sections, keys in the wrong place
w dupvm.kdh "${NET}${VM}\n[vm win]\nnet0: e1000=BC:24:11:00:00:02,bridge=lan\n"
c scen-vm-section-twice new refused '' run dupvm.kdh "${RUN[@]}"
sc dupdbg '' '' '[debugger]\nport = 50000\n[debugger]\nport = 50001\n'
c scen-debugger-section-twice new refused '' run dupdbg.kdh "${RUN[@]}"
sc dupexp '' '' '[expect]\noutcome = connected\n[expect]\noutcome = timeout\n'
c scen-expect-section-twice new refused '' run dupexp.kdh "${RUN[@]}"
w capsec.kdh "[Network lan]\ntype = static\nsubnet = 192.168.2.0/24\n\n${VM}"
c scen-section-capitalised new refused '' run capsec.kdh "${RUN[@]}"
w vmnoname.kdh "${NET}[vm]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\n"
c scen-vm-without-name new refused '' run vmnoname.kdh "${RUN[@]}"
w vm2names.kdh "${NET}[vm win extra]\nnet0: e1000=BC:24:11:00:00:01,bridge=lan\n"
c scen-vm-two-words-name new refused '' run vm2names.kdh "${RUN[@]}"
sc wtimeout '' 'timeout = 5m'
c scen-timeout-in-vm-section new refused '' run wtimeout.kdh "${RUN[@]}"
sc wport '' 'port = 50001'
c scen-debugger-port-in-vm-section new refused '' run wport.kdh "${RUN[@]}"
w wdhcp.kdh "[network lan]\ntype = static\nsubnet = 192.168.2.0/24\ndhcp = no\n\n${VM}"
c scen-dhcp-in-network-section new refused '' run wdhcp.kdh "${RUN[@]}"
sc wsubnet '' '' '[debugger]\nsubnet = 10.0.0.0/8\n'
c scen-subnet-in-debugger-section new refused '' run wsubnet.kdh "${RUN[@]}"
sc wost '' '' '[debugger]\nostype: win10\n'
c scen-ostype-in-debugger-section new refused '' run wost.kdh "${RUN[@]}"
sc wout '' 'outcome = connected'
c scen-expect-line-in-vm-section new refused '' run wout.kdh "${RUN[@]}"
sc wexp '' '' '[expect]\ndhcp = no\n'
c scen-vm-key-in-expect-section new refused '' run wexp.kdh "${RUN[@]}"
sc thrbig '' '' '[thresholds]\nconnect_time = +99999999999999999999%\n'
c scen-threshold-percent-overflow new refused '' run thrbig.kdh "${RUN[@]}"
sc expdur '' '' '[expect]\nconnect_time < 99999999999999h\n'
c scen-expect-duration-overflow new refused '' run expdur.kdh "${RUN[@]}"
sc expneg '' '' '[expect]\ndiscover_count = -1\n'
c scen-expect-count-negative new refused '' run expneg.kdh "${RUN[@]}"
sc expaddr '' '' '[expect]\naddress = 192.168.2.072\n'
c scen-expect-address-leading-zero new refused '' run expaddr.kdh "${RUN[@]}"
sc expimp '' '' '[expect]\nboots = 1.5\n'
c scen-expect-boots-1.5 i24 refused '' run expimp.kdh "${RUN[@]}"
sc expnic '' '' '[expect]\ndebug_nic = net99\n'
c scen-expect-debug-nic-net99 i24 refused '' run expnic.kdh "${RUN[@]}"
sc image '' 'image = /tmp/x.qcow2'
c scen-image-on-sim-target i24 refused '' run image.kdh "${RUN[@]}"
sc late '' '' '[debugger]\nstart = 10m\n'
c scen-debugger-start-after-timeout i24 refused '' run late.kdh "${RUN[@]}"

w incomment.kdh "[network lan]\ntype = static # no DHCP here\nsubnet = 192.168.2.0/24\n\n${VM}"
c scen-inline-comment-after-value new read-right "$OKRUN" run incomment.kdh "${RUN[@]}"
sc novalue '' 'busparams ='
c scen-key-without-value new refused '' run novalue.kdh "${RUN[@]}"
sc nokey '' '= no'
c scen-value-without-key new refused '' run nokey.kdh "${RUN[@]}"
w gwbc.kdh "[network lan]\ntype = static\nsubnet = 192.168.2.0/24\ngateway = 192.168.2.255\n\n${VM}"
c scen-gateway-broadcast i24 refused '' run gwbc.kdh "${RUN[@]}"
{ printf '%b' "${NET}[network wan]\ntype = static\nsubnet = 10.0.0.0/24\n\n[vm win]\nnet0: e1000=BC:24:11:00:01:00,bridge=lan\n"; for i in 1 2 3 4 5 6 7 8 9; do printf 'net%d: e1000=BC:24:11:00:01:%02d,bridge=wan\n' $i $i; done; printf 'busparams = 0.18.0\ndhcp = no\nip = 192.168.2.72/24\n'; } >tennics.kdh
c scen-ten-nics i24 read-right 'grep -q "connected on net0" "$OUT"' run tennics.kdh "${RUN[@]}"

# ================================================= paths
mkdir emptydir
c scen-path-empty-directory new refused '' run emptydir "${RUN[@]}"
mkfifo fifo.kdh
( yes '# endless' >fifo.kdh 2>/dev/null & echo $! >fifo.pid ); BGPIDS+=("$(cat fifo.pid)")
c scen-path-fifo-endless i24 refused '' run fifo.kdh "${RUN[@]}"
ln -s loop1.kdh loop2.kdh; ln -s loop2.kdh loop1.kdh
c scen-path-symlink-loop new refused '' run loop1.kdh "${RUN[@]}"
c scen-path-dev-zero i24 refused '' run /dev/zero "${RUN[@]}"
c scen-path-missing new refused '' run does-not-exist.kdh "${RUN[@]}"
cp base.kdh "$(printf 'new\nline.kdh')"
c scen-path-with-newline i24 refused '' run "$(printf 'new\nline.kdh')" "${RUN[@]}"
mkdir -p d1 d2; cp base.kdh d1/same.kdh; cp base.kdh d2/same.kdh
c scen-same-name-two-folders i24 refused '' run d1/same.kdh d2/same.kdh "${RUN[@]}"
c scen-same-file-twice new refused '' run base.kdh base.kdh "${RUN[@]}"

# ================================================= kdh run options
c opt-results-twice new refused '' run base.kdh --results @RES@/a --results @RES@/b
c opt-seed-twice new refused '' run base.kdh --seed 1 --seed 2 "${RUN[@]}"
c opt-seed-zero i24 read-right 'grep -q "seed 0" "$OUT"' run base.kdh --seed 0 "${RUN[@]}"
c opt-seed-2pow64 new refused '' run base.kdh --seed 18446744073709551616 "${RUN[@]}"
c opt-seed-negative new refused '' run base.kdh --seed -1 "${RUN[@]}"
c opt-jobs-zero new refused '' run base.kdh -j 0 "${RUN[@]}"
c opt-jobs-huge new refused '' run base.kdh -j 4294967297 "${RUN[@]}"
c opt-shard-3-of-2 new refused '' run base.kdh --shard 3/2 "${RUN[@]}"
c opt-shard-0-of-0 new refused '' run base.kdh --shard 0/0 "${RUN[@]}"
c opt-shard-wrap new refused '' run base.kdh --shard 1/4294967297 "${RUN[@]}"
c opt-max-capture-negative new refused '' run base.kdh --max-capture -1 "${RUN[@]}"
c opt-max-capture-overflow new refused '' run base.kdh --max-capture 99999999999999G "${RUN[@]}"
c opt-max-wall-1ns i24 read-right 'grep -q "^ERROR" "$OUT"' run base.kdh --max-wall 1ns "${RUN[@]}"
c opt-max-wall-overflow i24 refused '' run base.kdh --max-wall 99999999999999999h "${RUN[@]}"
c opt-tap-and-json-stdout new refused '' run base.kdh --tap --json - "${RUN[@]}"
c opt-json-and-junit-stdout new refused '' run base.kdh --json - --junit - "${RUN[@]}"
c opt-backend-twice new refused '' run base.kdh --backend bridge --backend user "${RUN[@]}"
c opt-results-empty i24 refused '' run base.kdh --results ""
c opt-results-is-a-file new refused '' run base.kdh --results /dev/null
c opt-json-into-directory new refused '' run base.kdh --json "$D/emptydir" "${RUN[@]}"
c opt-group-matches-nothing new refused '' run base.kdh -g no-such-group "${RUN[@]}"
c opt-baseline-dev-null i24 refused '' run base.kdh --baseline /dev/null "${RUN[@]}"
c opt-baseline-directory new refused '' run base.kdh --baseline "$D/emptydir" "${RUN[@]}"

# ================================================= VM configs (kdh check / qemu-cmd)
w bcd-ok.txt 'key 1.2.3.4\nport 50000\nhostip 192.168.2.1\ndhcp No\n'
CONF='ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
OKCHK='grep -q "KDNET will use net0" "$OUT"'
w c-comments.conf '# just a comment\n#another\n'
c conf-only-comments new refused '' check c-comments.conf --network static
w c-invis2.conf 'net0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n\xef\xbb\xbfostype: win10\n'
c conf-bom-mid-file i24 refused 'grep -qiE "U\+FEFF|BOM|byte.order" "$OUT"' check c-invis2.conf --network static
{ printf 'ostype: win10\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n' | tr '\n' '\r'; } >c-cr.conf
c conf-cr-only i24 read-right 'grep -q "KDNET will use net0" "$OUT" && grep -q "Microsoft Hv" "$OUT"' check c-cr.conf --network static
w c-nbsp.conf 'ostype:\xc2\xa0win10\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-nbsp-after-colon new refused '' check c-nbsp.conf --network static
w c-snap.conf "${CONF}parent: snap1\n\n[snap1]\nostype: win10\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\nsnaptime: 1700000000\n"
c conf-snapshot-section new read-right "$OKCHK"' && ! grep -q "Microsoft Hv" "$OUT"' check c-snap.conf --network static --bcdedit "$D/bcd-ok.txt"
w c-pending.conf "${CONF}\n[PENDING]\nostype: win11\n"
c conf-pending-section new read-right "$OKCHK"' && ! grep -q "BLOCK.*Microsoft Hv" "$OUT"' check c-pending.conf --network static --bcdedit "$D/bcd-ok.txt"
w c-mtu.conf 'ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0,mtu=99999\n'
c conf-nic-mtu-99999 i24 refused '' check c-mtu.conf --network static
w c-queues.conf 'ostype: other\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0,queues=-1\n'
c conf-nic-queues-negative i24 refused '' check c-queues.conf --network static
w c-rate.conf 'ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0,rate=nan\n'
c conf-nic-rate-nan i24 refused '' check c-rate.conf --network static
w c-tag0.conf 'ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0,tag=0\n'
c conf-vlan-tag-0 new refused '' check c-tag0.conf --network static
w c-tag4095.conf 'ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0,tag=4095\n'
c conf-vlan-tag-4095 new refused '' check c-tag4095.conf --network static
w c-net32.conf 'ostype: other\nnet32: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-net32 new refused '' check c-net32.conf --network static
w c-net31.conf 'ostype: other\nnet31: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-net31-allowed new read-right 'grep -q "net31" "$OUT" && ! grep -qi "no NIC" "$OUT"' check c-net31.conf --network static --bcdedit "$D/bcd-ok.txt"
w c-cores.conf 'cores: 99999999999999999999\nostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-cores-overflow new refused '' qemu-cmd c-cores.conf
w c-mem.conf 'memory: 18446744073709551617\nostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-memory-overflow new refused '' qemu-cmd c-mem.conf
w c-sockets.conf 'sockets: 0\nostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-sockets-zero new refused '' qemu-cmd c-sockets.conf
w c-upper.conf 'OSTYPE: win10\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-key-uppercase new read-right 'grep -q "OSTYPE. is not a qemu-server .* key; ignored" "$OUT" && ! grep -q "Microsoft Hv" "$OUT"' check c-upper.conf --network static
w c-spcolon.conf 'ostype : win10\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-space-before-colon new refused '' check c-spcolon.conf --network static
w c-trail.conf 'ostype: win10 # the old one\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-trailing-comment-in-value new refused '' check c-trail.conf --network static
w c-macuc.conf 'ostype: other\nnet0: e1000=bc:24:11:00:00:01,bridge=vmbr0\n'
c conf-mac-lowercase new read-right "$OKCHK" check c-macuc.conf --network static --bcdedit "$D/bcd-ok.txt"
w c-dupmac.conf 'ostype: other\nnet0: e1000=BC:24:11:00:00:01,bridge=vmbr0\nnet1: e1000=BC:24:11:00:00:01,bridge=vmbr0\n'
c conf-same-mac-two-nics new read-right 'grep -qiE "same MAC|twice|duplicate" "$OUT"' check c-dupmac.conf --network static
c conf-path-directory new refused '' check "$D/emptydir" --network static
mkfifo c-fifo.conf
( yes 'ostype: other' >c-fifo.conf 2>/dev/null & echo $! >c-fifo.pid ); BGPIDS+=("$(cat c-fifo.pid)")
c conf-path-fifo-endless i24 refused '' check c-fifo.conf --network static
c conf-path-dev-zero i24 refused '' check /dev/zero --network static
ln -s c-loop2.conf c-loop1.conf; ln -s c-loop1.conf c-loop2.conf
c conf-path-symlink-loop new refused '' check c-loop1.conf --network static
w c-ok.conf "$CONF"

# ================================================= bcdedit files and check options
w bcd-hostoct.txt 'key 1.2.3.4\nport 50000\nhostip 192.168.010.1\ndhcp No\n'
c bcd-hostip-leading-zero new read-right 'grep -q "BLOCK  hostip .192.168.010.1. is not an IPv4 address" "$OUT"' check c-ok.conf --network static --bcdedit bcd-hostoct.txt
w bcd-hostint.txt 'key 1.2.3.4\nport 50000\nhostip 3232236033\ndhcp No\n'
c bcd-hostip-one-integer new read-right 'grep -q "BLOCK  hostip .3232236033. is not an IPv4 address" "$OUT"' check c-ok.conf --network static --bcdedit bcd-hostint.txt
w bcd-host0.txt 'key 1.2.3.4\nport 50000\nhostip 0.0.0.0\ndhcp No\n'
c bcd-hostip-0.0.0.0 i24 read-right 'grep -q "BLOCK  hostip 0.0.0.0" "$OUT"' check c-ok.conf --network static --bcdedit bcd-host0.txt
w bcd-dupkey.txt 'key 1.2.3.4\nport 50000\nhostip 192.168.2.1\ndhcp No\nport 50001\n'
c bcd-port-twice i24 refused '' check c-ok.conf --network static --bcdedit bcd-dupkey.txt
w bcd-bom.txt 'key 1.2.3.4\nport 50000\n\xef\xbb\xbfbusparams 0.19.0\nhostip 192.168.2.1\ndhcp No\n'
c bcd-bom-before-busparams i24 refused '' check c-ok.conf --network static --bcdedit bcd-bom.txt
{ printf 'key 1.2.3.4\nport 50000\nhostip 192.168.2.1\ndhcp No\n' | iconv -f UTF-8 -t UTF-16LE; } >bcd-u16nobom.txt
c bcd-utf16-without-bom i24 refused 'grep -q "dhcp no" "$OUT"' check c-ok.conf --network static --bcdedit bcd-u16nobom.txt
w bcd-comments.txt '# nothing here\n\n   \n'
c bcd-only-comments-blank new refused '' check c-ok.conf --network static --bcdedit bcd-comments.txt
w bcd-baud.txt 'debugtype Serial\ndebugport 1\nbaudrate 115200.5\n'
c bcd-baudrate-fraction new refused '' check c-ok.conf --network static --bcdedit bcd-baud.txt
w bcd-dport.txt 'debugtype Serial\ndebugport 256\nbaudrate 115200\n'
c bcd-debugport-256 new refused '' check c-ok.conf --network static --bcdedit bcd-dport.txt
w bcd-badkey.txt 'key 1.2.3.4!\nport 50000\nhostip 192.168.2.1\ndhcp No\n'
c bcd-key-bad-character new read-right 'grep -qiE "(WARN|BLOCK).*key" "$OUT"' check c-ok.conf --network static --bcdedit bcd-badkey.txt
w bcd-nbsp.txt 'key 1.2.3.4\nport 50000\nhostip 192.168.2.1\ndhcp\xc2\xa0No\n'
c bcd-nbsp-between-field-and-value new refused '' check c-ok.conf --network static --bcdedit bcd-nbsp.txt
{ printf 'key 1.2.3.4\nport 50000\nhostip 192.168.2.1\ndhcp No\nbusparams '; head -c 1048576 /dev/zero | tr '\0' 1; printf '\n'; } >bcd-long.txt
c bcd-1MiB-line new refused '' check c-ok.conf --network static --bcdedit bcd-long.txt
c bcd-dev-zero i24 refused '' check c-ok.conf --network static --bcdedit /dev/zero
c chk-bcdedit-twice new refused '' check c-ok.conf --network static --bcdedit bcd-ok.txt --bcdedit bcd-host0.txt
c chk-network-twice new refused '' check c-ok.conf --network static --network dhcp
c chk-windows-huge new refused '' check c-ok.conf --network static --windows 99999999999999999999
c chk-windows-ubr-overflow new refused '' check c-ok.conf --network static --windows 10.0.19045.99999999999
c chk-windows-zero new refused '' check c-ok.conf --network static --windows 0

# ================================================= qemu-cmd options
c qcmd-vmid-zero new refused '' qemu-cmd c-ok.conf --vmid 0
c qcmd-vmid-wrap new refused '' qemu-cmd c-ok.conf --vmid 4294967396
c qcmd-qemu-version-huge new refused '' qemu-cmd c-ok.conf --qemu-version 99999999999.1
c qcmd-qemu-version-no-minor new refused '' qemu-cmd c-ok.conf --qemu-version 9
c qcmd-host-vendor-bogus new refused '' qemu-cmd c-ok.conf --host-cpu-vendor intel
c qcmd-cpu-models-dev-zero i24 refused '' qemu-cmd c-ok.conf --cpu-models /dev/zero
c qcmd-cpu-models-directory new refused '' qemu-cmd c-ok.conf --cpu-models "$D/emptydir"

# ================================================= captures (kdh analyze)
: >empty.pcap
c ana-empty-file new refused '' analyze empty.pcap
c ana-directory new refused '' analyze "$D/emptydir"
head -c 1000 /dev/urandom >random.pcap
c ana-random-bytes new refused '' analyze random.pcap
if [ -f "$CAP" ]; then head -c $(( $(stat -c %s "$CAP") / 2 )) "$CAP" >half.pcapng; else : >half.pcapng; fi
c ana-truncated-capture new read-right 'grep -qiE "truncat|incomplete|cut" "$OUT"' analyze half.pcapng --key 1.2.3.4
# pcap header + a record claiming a 4 GiB frame
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\x00\x00\x01\0\0\0\0\0\0\0\0\0\0\0\xf0\xff\xff\xff\xf0\xff\xff\xff' >bigrec.pcap
c ana-record-caplen-4GiB new read-right 'grep -qiE "damaged|truncated" "$OUT"' analyze bigrec.pcap
# gzip bomb: pcap header then 512 MiB of zero-length records
{ printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\x00\x00\x01\0\0\0'; head -c 536870912 /dev/zero; } | gzip -1 >bomb.pcap.gz
c ana-gzip-bomb-empty-records new read-right 'grep -q "no debuggee found" "$OUT"' analyze bomb.pcap.gz
c ana-port-zero new refused '' analyze "$CAP" --port 0
c ana-port-70000 new refused '' analyze "$CAP" --port 70000
c ana-key-empty new refused '' analyze "$CAP" --key ""
c ana-key-three-words new refused '' analyze "$CAP" --key 1.2.3

# ================================================= results (kdh report)
c rep-dev-null i24 refused '' report /dev/null
c rep-empty-directory new refused '' report "$D/emptydir"
printf '{}' >s-obj.json;           c rep-summary-empty-object i24 refused '' report s-obj.json
printf '[]' >s-arr.json;           c rep-summary-array new refused '' report s-arr.json
if [ -f "$SUM" ]; then
    sed 's/"scenarios" : \[/"scenarios" : "x", "old" : [/' "$SUM" >s-type.json
    sed '0,/"verdict" : "pass"/s//"verdict" : 5/' "$SUM" >s-verdict.json
    sed '0,/"seed" : [0-9]*/s//"seed" : "abc"/' "$SUM" >s-seed.json
    sed '0,/"connect_time_s" : 4.0/s//"connect_time_s" : 1e400/' "$SUM" >s-inf.json
else
    echo '{"scenarios":"x"}' >s-type.json; cp s-type.json s-verdict.json; cp s-type.json s-seed.json; cp s-type.json s-inf.json
fi
c rep-scenarios-is-a-string i24 refused '' report s-type.json
c rep-verdict-is-a-number new refused '' report s-verdict.json
c rep-seed-is-a-string new refused '' report s-seed.json
c rep-connect-time-1e400 new refused '' report s-inf.json
python3 -c 'print("["*200000 + "]"*200000)' >s-deep.json 2>/dev/null || { head -c 200000 /dev/zero | tr '\0' '['; } >s-deep.json
c rep-nested-200000-deep new refused '' report s-deep.json
c rep-same-run-twice new refused '' report "$BR" "$BR"
c rep-html-into-directory new refused '' report "$BR" --html "$D/emptydir"
python3 -c 'print("["*200000 + "]"*200000)' >b-deep.json 2>/dev/null || cp s-deep.json b-deep.json
c opt-baseline-nested-deep new refused '' run base.kdh --baseline b-deep.json "${RUN[@]}"
c qcmd-vmid-twice new refused '' qemu-cmd c-ok.conf --vmid 101 --vmid 102
c ana-key-twice new refused '' analyze "$CAP" --key 1.2.3.4 --key 5.6.7.8
c chk-config-dir-missing new refused '' check 105 --config-dir "$D/no-such-dir" --network static
c opt-baseline-wrong-types new refused '' run base.kdh --baseline s-type.json "${RUN[@]}"

# ================================================= tally
echo
echo "tally: $N cases: $NREF refused, $NRR read right, $NACC still accepted, $NBAD hang/crash/glib"
if [ ${#ACCLIST[@]} -gt 0 ]; then echo "still accepted / misread / hang / crash / glib:"; printf '  %s\n' "${ACCLIST[@]}"; fi
echo "refused although valid (expected read-right): ${#WRONGREF[@]}"
[ ${#WRONGREF[@]} -gt 0 ] && printf '  %s\n' "${WRONGREF[@]}"
echo "mismatches with the expected class: ${#MISM[@]}"
[ ${#MISM[@]} -gt 0 ] && printf '  %s\n' "${MISM[@]}"
exit 0
