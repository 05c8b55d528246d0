#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_vmx_cases.py - kdh check on the .vmx corpus: one case a line of
tests/vmx/cases, one TAP result a case (kvm-unit-tests style: the cases are
data).  Usage: check_vmx_cases.py KDH CASES_FILE

A case line is NAME | KDH ARGUMENTS | EXIT STATUS | EXPECTED | ...; kdh runs
in the cases file's folder, and each EXPECTED is a substring of its stdout
and stderr together ("!TEXT": TEXT must not appear)."""
import os
import shlex
import subprocess
import sys


def cases(path):
    with open(path, encoding="utf-8") as fp:
        for no, line in enumerate(fp, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [f.strip() for f in line.split(" | ")]
            if len(fields) < 3 or not fields[2].isdigit():
                raise SystemExit(f"{path}:{no}: not NAME | ARGS | EXIT | ...")
            yield no, fields[0], fields[1], int(fields[2]), fields[3:]


def run(kdh, folder, name, args, want_rc, expect):
    r = subprocess.run([kdh] + shlex.split(args, posix=False), cwd=folder,
                       capture_output=True, text=True)
    out = r.stdout + r.stderr
    why = []
    if r.returncode != want_rc:
        why.append(f"exit {r.returncode}, expected {want_rc}")
    for e in expect:
        if e.startswith("!") and e[1:] in out:
            why.append(f"says what it must not: {e[1:]}")
        elif not e.startswith("!") and e not in out:
            why.append(f"does not say: {e}")
    return why, out


def main(kdh, path):
    kdh = os.path.abspath(kdh)
    all_cases = list(cases(path))
    folder = os.path.dirname(os.path.abspath(path))
    print(f"1..{len(all_cases)}")
    bad = 0
    for i, (no, name, args, rc, expect) in enumerate(all_cases, 1):
        why, out = run(kdh, folder, name, args, rc, expect)
        print(f"{'not ok' if why else 'ok'} {i} - {name} (line {no}): kdh {args}")
        if why:
            bad += 1
            for w in why:
                print(f"# {w}")
            print("# " + out.replace("\n", "\n# "))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
