#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""cfg2cmd-agree.py - how often kdh qemu-cmd agrees with qemu-server's own
expected command lines (its src/test/cfg2cmd/*.conf + .conf.cmd pairs).

usage: scripts/cfg2cmd-agree.py QEMU_SERVER_GIT_DIR [--kdh PATH]
                                [--default-qemu-version X.Y] [--verbose]

QEMU_SERVER_GIT_DIR is a qemu-server git directory (bare or not); the test
cases are read from its HEAD into a temporary directory, never kept.  Each
x86 case (src/test/cfg2cmd/*.conf with a .conf.cmd; aarch64/ is left out)
runs
  kdh qemu-cmd --proxmox --lines --vmid 8006 [--qemu-version V]
      [--host-cpu-vendor X] --cpu-models MOCK CONF
with what run_config2command_tests.pl mocks: the config description's
QEMU_VERSION (else the QEMU the expected outputs were recorded with,
--default-qemu-version, 11.0: they include flags qemu-server adds only for
QEMU >= 11.0 and machine pc-q35-11.0+pve2), HOST_CPU_VENDOR (GenuineIntel
by default) and the runner's mocked cpu-models.conf.  Three fields are
compared, nothing else: the -cpu value (the first one: qemu-server's own;
args: -cpu comes later), the -readconfig argument (q35), and each NIC's
-device model, bus and addr.  One line per case, then
  -cpu agrees on N of M cases (P %)
  agree on N of M cases (P %)
Separately, the firmware and devices qemu_devices.c picks: the OVMF code
image, the display adapter's -device (or -vga none), the balloon's
-device; a case where they differ gets a "devices NAME: ..." line, then
  firmware, display and balloon agree on N of M cases (P %)
Exit status 0, or 2 when it cannot run.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

CASES = "src/test/cfg2cmd"
RUNNER = "src/test/run_config2command_tests.pl"


def git(gitdir, *args):
    return subprocess.run(["git", "-C", gitdir] + list(args), check=True,
                          capture_output=True, text=True).stdout


def mocked_cpu_models(gitdir):
    """the cpu-models.conf text the runner's load_custom_cpu_model_config
    mock parses, or None"""
    try:
        text = git(gitdir, "show", "HEAD:" + RUNNER)
    except subprocess.CalledProcessError:
        return None
    m = re.search(r'"cpu-models\.conf",\s*<<EOF,\n(.*?)\nEOF\n', text, re.S)
    return m.group(1) + "\n" if m else None


def description(conf):
    """the '#' description lines of the current config (not snapshots)"""
    env = {}
    for line in conf.splitlines():
        if line.startswith("["):
            break
        m = re.match(r"#\s*(TEST|QEMU_VERSION|HOST_ARCH|HOST_CPU_VENDOR|"
                     r"EXPECT_ERROR|EXPECT_WARN(?:ING)?):\s*(.*?)\s*$", line)
        if m:
            env[m.group(1)] = m.group(2)
    return env


def conf_arch(conf):
    for line in conf.splitlines():
        if line.startswith("["):
            break
        m = re.match(r"arch:\s*(\S+)", line)
        if m:
            return m.group(1)
    return None


def argv_of(text, lines):
    if lines:
        return [l for l in text.splitlines() if not l.startswith("#")]
    return shlex.split(text.replace("\\\n", " "))


def fields(argv):
    """(cpu, readconfig, [nic...]) of an argv; None when absent"""
    cpu = readconfig = None
    nics = []
    for i, a in enumerate(argv[:-1]):
        v = argv[i + 1]
        if a == "-cpu" and cpu is None:
            cpu = v
        elif a == "-readconfig" and readconfig is None:
            readconfig = v
        elif a == "-device" and "netdev=" in v:
            parts = v.split(",")
            kv = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
            nics.append("%s,netdev=%s,bus=%s,addr=%s" % (
                parts[0], kv.get("netdev"), kv.get("bus"), kv.get("addr")))
    return cpu, readconfig, nics


def devices(argv):
    """(ovmf code, display, balloon) of an argv"""
    code = vga = balloon = None
    for i, a in enumerate(argv[:-1]):
        v = argv[i + 1]
        if a == "-drive" and v.startswith("if=pflash,unit=0,"):
            code = v.split("file=", 1)[1].split(",")[0]
        elif a == "-blockdev" and '"node-name":"pflash0"' in v:
            code = re.search(r'"filename":"([^"]*)"', v).group(1)
        elif a == "-device" and re.search(r",id=vga(,|$)", v) and vga is None:
            vga = v
        elif a == "-vga" and v == "none":
            vga = "-vga none"
        elif a == "-device" and v.startswith("virtio-balloon"):
            balloon = v
    return code, vga, balloon


def run_case(kdh, path, env, models, default_qemu):
    cmd = [kdh, "qemu-cmd", "--proxmox", "--lines", "--vmid", "8006",
           "--qemu-version", env.get("QEMU_VERSION", default_qemu)]
    if env.get("HOST_CPU_VENDOR"):
        cmd += ["--host-cpu-vendor", env["HOST_CPU_VENDOR"]]
    if models:
        cmd += ["--cpu-models", models]
    r = subprocess.run(cmd + [path], capture_output=True, text=True)
    if r.returncode:
        err = r.stderr.strip().splitlines()
        return None, err[-1] if err else "exit %d" % r.returncode
    return argv_of(r.stdout, True), None


def compare(want, got):
    """list of 'field: want ... got ...' differences"""
    names = ("-cpu", "-readconfig", "nics")
    out = []
    for name, w, g in zip(names, want, got):
        if w != g:
            out.append("%s: want %r got %r" % (name, w, g))
    return out


def pct(n, m):
    return 100.0 * n / m if m else 0.0


def main():
    args = sys.argv[1:]
    kdh = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "build", "kdh")
    default_qemu = "11.0"
    verbose = False
    pos = []
    while args:
        a = args.pop(0)
        if a == "--kdh" and args:
            kdh = args.pop(0)
        elif a == "--default-qemu-version" and args:
            default_qemu = args.pop(0)
        elif a == "--verbose":
            verbose = True
        else:
            pos.append(a)
    if len(pos) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    gitdir = pos[0]
    if not os.access(kdh, os.X_OK):
        print("cfg2cmd-agree: %s: not built" % kdh, file=sys.stderr)
        return 2
    try:
        names = git(gitdir, "ls-tree", "--name-only", "HEAD", CASES + "/")
    except (subprocess.CalledProcessError, OSError) as e:
        print("cfg2cmd-agree: %s: %s" % (gitdir, e), file=sys.stderr)
        return 2
    names = names.split()
    confs = sorted(n for n in names if n.endswith(".conf"))
    total = agree = cpu_agree = dev_agree = skipped = 0
    with tempfile.TemporaryDirectory(prefix="kdh-cfg2cmd-") as tmp:
        models = None
        text = mocked_cpu_models(gitdir)
        if text is not None:
            models = os.path.join(tmp, "cpu-models.conf")
            with open(models, "w") as f:
                f.write(text)
        for name in confs:
            base = os.path.basename(name)
            if name + ".cmd" not in names:
                skipped += 1    # EXPECT_ERROR cases: no command line
                continue
            conf = git(gitdir, "show", "HEAD:" + name)
            env = description(conf)
            arch = conf_arch(conf) or env.get("HOST_ARCH", "x86_64")
            if arch != "x86_64":
                skipped += 1
                continue
            path = os.path.join(tmp, base)
            with open(path, "w") as f:
                f.write(conf)
            want = fields(argv_of(git(gitdir, "show", "HEAD:" + name + ".cmd"),
                                  False))
            got_argv, err = run_case(kdh, path, env, models, default_qemu)
            total += 1
            if err:
                print("differ %s: kdh refused it: %s" % (base, err))
                continue
            got = fields(got_argv)
            want_dev = devices(argv_of(git(gitdir, "show", "HEAD:" + name +
                                           ".cmd"), False))
            got_dev = devices(got_argv)
            if want_dev == got_dev:
                dev_agree += 1
            else:
                print("devices %s: want %r got %r" % (base, want_dev, got_dev))
            diffs = compare(want, got)
            cpu_agree += want[0] == got[0]
            if diffs:
                print("differ %s: %s" % (base, "; ".join(diffs)))
            else:
                agree += 1
                print("agree  %s" % base)
                if verbose:
                    print("       -cpu %s" % got[0])
    print("(%d cases without a command line or not x86 left out)" % skipped)
    print("-cpu agrees on %d of %d cases (%.1f %%)" % (cpu_agree, total,
                                                      pct(cpu_agree, total)))
    print("agree on %d of %d cases (%.1f %%)" % (agree, total, pct(agree, total)))
    print("firmware, display and balloon agree on %d of %d cases (%.1f %%)" %
          (dev_agree, total, pct(dev_agree, total)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
