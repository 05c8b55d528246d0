#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-layers.py - harness/ wings look only down (issue 25)

Every file of harness/ and include/kdh/ belongs to one wing; a wing may
include (and, with --build, call) only its own files and those of wings
below it.  netsim/ is beneath every wing and includes nothing of them.

A file's wing is its folder (harness/WING/x.c, include/kdh/WING/x.h) once
the move is done; before it, WINGS below names it.  A file in neither is
an error, so a new file has to be given a wing.

Usage: check-layers.py [--build BUILDDIR] [--list] [SOURCE_ROOT]
  --build  also check calls: nm over BUILDDIR's harness objects
  --list   print each wing and its files, bottom first
Exit status: 0 when every edge looks down, 1 otherwise.
"""
import os
import re
import subprocess
import sys
from collections import defaultdict

# bottom to top; each wing: its files as they are named today (basenames),
# and the new files docs/wings-plan.md plans (absent ones are ignored)
WINGS = [
    ("util", "fileio.c json_out.c json_parse.c json_read.c jsonfile.c readfile.c"
     " textfile.c size.c datadir.c json_out.h json_read.h jsonfile.h textfile.h"
     " size.h datadir.h"
     " values.c fileio.h values.h"),  # planned (docs/wings-plan.md)
    ("kdnet", "kdnet.c kdnet_ctl.c kdnet_key.c kdnet_decoder.c kd.c kd_api.c"
     " kd_stream.c kd_note.c kdnet.h kdnet_decoder.h kd.h kd_api.h kd_stream.h"),
    ("cmd", "cli.c cli_once.c suggest.c cli.h cli_once.h"),
    ("analyze", "analyze.c analyze_addr.c analyze_cmd.c analyze_kd.c"
     " analyze_kd_outcome.c analyze_kdnet.c analyze_outcome.c analyze_priv.h"
     " analyze_serial.c analyze_vm.c decode_cmd.c decrypted.c kd_log.c"
     " analyze.h decrypted.h kd_log.h"),
    ("platform", "winbuild.c winbuild_name.c pve.c pve_cpu.c pve_cpu_hv.c"
     " pve_cpu_models.c pve_machine.c pve_pci.c pve_propstr.c vmconf.c"
     " vmconf_devices.c qemu_argv.c qemu_devices.c bcdedit.c check.c"
     " check_hv.c check_nic.c check_secboot.c check_priv.h vm_cmds.c"
     " winbuild.h pve.h pve_cpu.h pve_machine.h pve_pci.h qemu_argv.h"
     " qemu_devices.h vmconf.h check.h qemu_probe.c"),
    ("target", "target.c target_addr.c target_kd.c target_kd_script.c"
     " target_kdnet.c target_serial.c target_priv.h target_kd_priv.h"
     " agent_cfg.c agent_main.c target.h agent.h"
     " target_kd_values.c"),
    ("debugger", "debugger.c debugger_serial.c kd_engine.c listen_cmd.c"
     " listen_kd.c listen_skip.c listen_priv.h serial_link_cmd.c debugger.h"
     " debugger_serial.h kd_engine.h"),
    ("scenario", "scenario.c scenario_check.c scenario_ini.c scenario_ini.h"
     " scenario_kd.c scenario_net_check.c scenario_priv.h scenario_serial.c"
     " scenario_values.c scenario_values.h scenario_vm.c expect.c"
     " expect_sense.c scenario.h"),
    ("result", "verdict.c run_why.c provenance.c provenance.h result.h"),
    ("report", "report.c report_cmd.c report_html.c report_junit.c report_kd.c"
     " report_lanes.c report_merge.c report_model.c report_parse.c"
     " report_partial.c report_phases.c report_priv.h report_runs.c"
     " report_svg.c report_text.c report_trend.c baseline.c baseline_cmd.c"
     " report.h baseline.h"),
    ("run", "run.c run_bridge.c run_cmd.c run_console.c run_console.h run_kd.c"
     " run_outputs.c run_outputs.h run_pool.c run_priv.h run_requires.c"
     " run_results.c run_results.h run_serial.c run_stop.c run_suite.c"
     " run_suite.h run_vm.c vm.c accel.c accel_probe.c net_cmd.c list_cmd.c"
     " run.h vm.h accel.h run_switch.c run_sim.c run_backend.h"),
    ("watch", "watch_capture.c watch_cmd.c watch_debugger.c watch_kd.c"
     " watch_priv.h watch_rules.c watch_settings.c watch_setup.c watch_story.c"
     " watch_story_priv.h watch_verdict.c"),
    ("bench", "bench.c bench_analyze.c bench_kd.c bench_kd_boot.c bench_relay.c"
     " bench_sim.c bench_switch.c bench_topo.c bench_vm.c bench_watch.c"
     " bench.h"),
    ("cli", "main.c man.c complete.c man.h commands.h"),
]
RANK = {w: i for i, (w, _) in enumerate(WINGS)}
BY_NAME = {f: w for w, fs in WINGS for f in fs.split()}
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:kdh|harness|netsim)/[^"]+)"')


def wing_of(rel):
    """a file's wing from its path (after the move) or the map (before)"""
    parts = rel.split("/")
    for top in (["harness"], ["include", "kdh"]):
        n = len(top)
        if parts[:n] == top and len(parts) == n + 2 and parts[n] in RANK:
            return parts[n]
    if parts[0] == "netsim" or parts[:2] == ["include", "netsim"]:
        return "netsim"
    return BY_NAME.get(parts[-1])


def sources(root):
    for top in ("harness", "include/kdh", "netsim", "include/netsim"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, n), root)


def above(src, dst):
    if dst == "netsim":
        return False
    if src == "netsim":
        return True
    return RANK[dst] > RANK[src]


def calls(root, build, files):
    """(file, line, symbol, defining file) for calls between wings"""
    path = {f.replace("/", "_") + ".o": f for f in files}  # meson's names
    objs = {}
    for d, _, names in os.walk(build):
        for n in names:
            if n in path:
                objs.setdefault(path[n], os.path.join(d, n))
    defs, undef = {}, defaultdict(set)
    for c, o in objs.items():
        out = subprocess.run(["nm", o], capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRBC":
                defs.setdefault(p[2], c)
            elif len(p) == 2 and p[0] == "U":
                undef[c].add(p[1])
    for c in sorted(undef):
        for s in sorted(undef[c]):
            t = defs.get(s)
            if not t:
                continue
            ln = next((i for i, l in enumerate(open(os.path.join(root, c)), 1)
                       if re.search(r"\b%s\b" % re.escape(s), l)), 0)
            yield c, ln, s, t


def main(argv):
    root, build, listing = ".", None, False
    args = iter(argv)
    for a in args:
        if a == "--build":
            build = next(args)
        elif a == "--list":
            listing = True
        else:
            root = a
    files = list(sources(root))
    bad = 0
    for f in files:
        if wing_of(f) is None:
            print(f"{f}: in no wing (add it to WINGS in {sys.argv[0]})")
            bad += 1
    if listing:
        for w, _ in WINGS:
            print(w + ":", " ".join(f for f in files if wing_of(f) == w))
    known = {os.path.basename(f): f for f in files}
    known.update({f[len("include/"):] if f.startswith("include/") else f: f
                  for f in files})
    for f in files:
        src = wing_of(f)
        if src is None:
            continue
        for n, line in enumerate(open(os.path.join(root, f)), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            tgt = known.get(inc) or known.get(os.path.basename(inc))
            dst = wing_of(tgt) if tgt else None
            if dst and dst != src and above(src, dst):
                print(f"{f}:{n}: {src} includes {inc} ({dst})")
                bad += 1
    if build:
        for f, n, s, t in calls(root, build, files):
            src, dst = wing_of(f), wing_of(t)
            if src and dst and src != dst and above(src, dst):
                print(f"{f}:{n}: {src} calls {s}() of {t} ({dst})")
                bad += 1
    print(f"{bad} edge(s) looking up", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
