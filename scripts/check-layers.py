#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-layers.py - harness/ wings look only down (issue 25)

Every file of harness/ and include/kdh/ is in one wing: its folder,
harness/WING/x.c, harness/WING/x_priv.h, include/kdh/WING/x.h.  A wing
may include (and, with --build, call) only its own files and those of
wings below it; a private header (harness/WING/...) only from its own
wing.  netsim/ is beneath every wing and includes nothing of them.  A
file outside a wing's folder, or in a folder not listed below, fails.
An include is resolved as the compiler does (quoted: the file's own
folder first; then include/ and the source root, meson's -I), so
"../run/x.h" and <kdh/run/x.h> count like "kdh/run/x.h".  tests/ may
include any header (three tests read a wing's private one).

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

# the wings, bottom to top (docs/development.md says what each is)
WINGS = ["util", "kdnet", "cmd", "analyze", "platform", "target", "debugger",
         "scenario", "result", "report", "run", "watch", "bench", "cli"]
RANK = {w: i for i, w in enumerate(WINGS)}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SEARCH = ("include", ".")  # meson.build: include_directories('include', '.')


def wing_of(rel):
    """a file's wing from its path; None when it is in none"""
    parts = rel.split("/")
    if parts[0] == "netsim" or parts[:2] == ["include", "netsim"]:
        return "netsim"
    for top in (["harness"], ["include", "kdh"]):
        n = len(top)
        if parts[:n] == top and len(parts) == n + 2 and parts[n] in RANK:
            return parts[n]
    return None


def include_path(root, f, quote, inc):
    """the file an include line of F reaches (relative to ROOT), else None"""
    dirs = ([os.path.dirname(f)] if quote == '"' else []) + list(SEARCH)
    for d in dirs:
        p = os.path.normpath(os.path.join(d, inc))
        if not p.startswith("..") and os.path.isfile(os.path.join(root, p)):
            return p
    return None


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
    for d, subdirs, names in os.walk(build):
        subdirs[:] = [s for s in subdirs if s.endswith(".p")]  # objects only
        for n in names:
            if n in path:
                objs.setdefault(path[n], os.path.join(d, n))
    defs, undef = {}, defaultdict(set)
    src_of = {o: c for c, o in objs.items()}
    out = subprocess.run(["nm", "-A"] + sorted(src_of), capture_output=True,
                         text=True).stdout if src_of else ""
    for line in out.splitlines():  # OBJECT:VALUE TYPE NAME, one nm for all
        o, _, rest = line.partition(":")
        c, p = src_of.get(o), rest.split()
        if c:
            if len(p) == 3 and p[1] in "TDRBC":
                defs.setdefault(p[2], c)
            elif len(p) == 2 and p[0] == "U":
                undef[c].add(p[1])
    for c in sorted(undef):
        for s in sorted(undef[c]):
            t = defs.get(s)
            if not t:
                continue
            yield c, s, t


def line_of(root, f, symbol):
    """the first line of F naming SYMBOL, for the message"""
    with open(os.path.join(root, f)) as fp:
        return next((i for i, l in enumerate(fp, 1)
                     if re.search(r"\b%s\b" % re.escape(symbol), l)), 0)


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
            print(f"{f}: in no wing (put it in harness/WING/ or include/kdh/WING/)")
            bad += 1
    if listing:
        for w in WINGS:
            print(w + ":", " ".join(f for f in files if wing_of(f) == w))
    for f in files:
        src = wing_of(f)
        if src is None:
            continue
        for n, line in enumerate(open(os.path.join(root, f)), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(2)
            path = include_path(root, f, m.group(1), inc)
            if path is None:
                if inc.split("/")[0] in ("kdh", "harness", "netsim"):
                    print(f"{f}:{n}: includes {inc}, which names no file")
                    bad += 1
                continue  # the system's, or generated in the build dir
            dst = wing_of(path)
            if dst is None:
                print(f"{f}:{n}: includes {inc}, which is in no wing")
                bad += 1
            elif dst != src and above(src, dst):
                print(f"{f}:{n}: {src} includes {inc} ({dst})")
                bad += 1
            elif dst != src and path.startswith("harness/"):
                print(f"{f}:{n}: {src} includes {inc}, private to {dst}/")
                bad += 1
    if build:
        for f, s, t in calls(root, build, files):
            src, dst = wing_of(f), wing_of(t)
            if src and dst and src != dst and above(src, dst):
                n = line_of(root, f, s)
                print(f"{f}:{n}: {src} calls {s}() of {t} ({dst})")
                bad += 1
    print(f"{bad} edge(s) looking up", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
