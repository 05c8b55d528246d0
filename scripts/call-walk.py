#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""call-walk.py - how often a walk from run_pool() climbs back up, from objects

Usage: call-walk.py BUILD [--root FUNC] [--list] [--back-only] [--calls-only]

Issue 25 asks that walking a scenario from run_pool() through the code no
longer climb back from a backend into run.c, measured the same way before and
after the harness moves into wings.  This script is that measure.  It reads
the objects of the libkdh static library in a meson build dir
(BUILD/libkdh.a.p/*.o) with binutils (objdump), so it sees what the compiler
saw, and needs nothing but Python 3 and objdump.

Theory of operation
  Files.  Each object is mapped to its source by compile_commands.json (meson
  names harness/run.c "harness_run.c.o" and harness/run/run.c
  "harness_run_run.c.o"; without compile_commands.json the name is matched
  against the .c files under harness/).  Only harness/ is walked: netsim/,
  the generated builtin scenarios, GLib and libc are left out, and a call
  into them is no edge.  Files are shown relative to harness/.
  Functions.  The "F" symbols of each object, global and static (static ones
  are local symbols, keyed by file and name).  GCC's clones and split parts
  (foo.constprop.0, foo.isra.0, foo.part.0, foo.cold) count as foo.  With
  -O2 (kdh's default) a static function inlined into its caller is part of
  that caller, so the figures depend on the build: compare only builds with
  the same options (the summary names the -O level).  -O0 keeps one symbol
  per source function and reads closest to the code:
      meson setup /tmp/walk -Doptimization=0 && ninja -C /tmp/walk libkdh.a
  Edges, caller -> callee, each with its number of sites:
    call   a call or jmp instruction to the callee (by its relocation, or, for
           a static callee the assembler resolved in place, by its address);
    ref    the callee's address taken in the caller's code (a callback handed
           to someone who will call it);
    table  the caller's code refers to a data object (an ops table, a static
           const struct) that holds the callee's address, directly or through
           further data objects.
  A call through a pointer is no edge: that is what an ops table is for.
  --calls-only keeps only "call" edges.
  The walk.  Functions reachable from --root (run_pool) over the edges.
  Ancestors.  anc(f), the files entered before f's own file on some path from
  the root, is the least fixpoint of: anc(root) = {}; for every edge p -> f,
  anc(f) includes anc(p), and also file(p) when file(p) != file(f).
  A climb back up is a reachable edge p -> f with file(f) != file(p) and
  file(f) in anc(p): f's file was entered before p's on a path that reaches p
  (run.c -> run_bridge.c -> run.c counts one).  Every climb closes a cycle
  between files.  Counted per distinct (caller, callee) function pair
  ("edges"), per instruction ("sites"), and per distinct (caller file, callee
  file) pair ("file pairs").

Output: --list prints, per function on the walk, its file and the files it
calls into ("^" marks a file it climbs back to); --back-only prints the
climbing edges; the last line is always a one-line summary.  Exit 0, or 2 on
bad input (no such build dir, no libkdh objects, no root function).
"""
import argparse, json, os, re, subprocess, sys
from collections import defaultdict

CLONE = re.compile(r"\.(cold|constprop|isra|part|lto_priv)(\.\d+)?")
SECTIONS = re.compile(r"^Disassembly of section (\S+):")
LABEL = re.compile(r"^[0-9a-f]+ <(.+)>:$")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
RELOC = re.compile(r"^\s*([0-9a-f]+):?\s+(R_X86_64_\w+)\s+(\S+?)([+-]0x[0-9a-f]+)?$")
TARGET = re.compile(r"<([^>+]+)(\+0x[0-9a-f]+)?>")


def die(msg):
    print("call-walk: " + msg, file=sys.stderr)
    sys.exit(2)


def objdump(*args):
    return subprocess.run(["objdump", *args], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def sources(build):
    """Map each libkdh object to its source path relative to the source root."""
    info = json.load(open(os.path.join(build, "meson-info", "meson-info.json")))
    src = info["directories"]["source"]
    objs = sorted(f for f in os.listdir(os.path.join(build, "libkdh.a.p"))
                  if f.endswith(".o"))
    out = {}
    cc = os.path.join(build, "compile_commands.json")
    if os.path.exists(cc):
        for e in json.load(open(cc)):
            if e["output"].startswith("libkdh.a.p/"):
                p = os.path.normpath(os.path.join(e["directory"], e["file"]))
                out[os.path.basename(e["output"])] = os.path.relpath(p, src)
    else:
        names = {}
        for d, _, fs in os.walk(os.path.join(src, "harness")):
            for f in fs:
                rel = os.path.relpath(os.path.join(d, f), src)
                names[rel.replace("/", "_") + ".o"] = rel
        out = {o: names[o] for o in objs if o in names}
    return {os.path.join(build, "libkdh.a.p", o): out[o] for o in objs
            if out.get(o, "").startswith("harness/")}


def base(name):
    return CLONE.sub("", name)


class Obj:
    """One object: its function and data symbols, by section."""

    def __init__(self, path, file):
        self.path, self.file = path, file
        self.syms = defaultdict(list)   # section -> [(start, end, name, kind)]
        self.glob = {}                  # global name -> kind
        for line in objdump("-t", path):
            m = re.match(r"^([0-9a-f]+) (.{7}) (\S+)\t([0-9a-f]+) (.+)$", line)
            if not m or m.group(3) == "*UND*" or m.group(2)[6] not in "FO":
                continue
            start, size = int(m.group(1), 16), int(m.group(4), 16)
            name, kind = base(m.group(5)), m.group(2)[6]
            self.syms[m.group(3)].append((start, start + max(size, 1), name, kind))
            if m.group(2)[0] in "g!u":
                self.glob[name] = kind

    def at(self, section, off):
        """The symbol (name, kind) that holds section+off, or None."""
        for start, end, name, kind in self.syms.get(section, ()):
            if start <= off < end:
                return name, kind
        return None


def target(obj, gsyms, sym, addend, rtype):
    """Resolve a relocation to a node (file, name, kind), or None."""
    if sym in obj.syms and sym not in obj.glob:      # a section: section+addend
        off = int(addend or "0", 16) + (4 if rtype.endswith(("PC32", "PLT32")) else 0)
        hit = obj.at(sym, off)
        return (obj.file, *hit) if hit else None
    sym = base(sym)
    for syms in obj.syms.values():                    # a local of this object
        for _, _, name, kind in syms:
            if name == sym and sym not in obj.glob:
                return obj.file, name, kind
    return gsyms.get(sym)


def graph(build):
    """Edges node -> {node: [kind, sites]} over all harness objects."""
    objs = [Obj(p, f) for p, f in sources(build).items()]
    if not objs:
        die(f"no harness objects under {build}/libkdh.a.p")
    gsyms = {n: (o.file, n, k) for o in objs for n, k in o.glob.items()}
    edges = defaultdict(dict)

    def add(src, dst, kind):
        if dst and src != dst:
            e = edges[src].setdefault(dst, [kind, 0])
            e[1] += 1
            if kind == "call":
                e[0] = "call"

    for o in objs:
        code, func, kind, pending = set(), None, "ref", None
        for line in objdump("-dr", "--no-show-raw-insn", o.path):
            if m := RELOC.match(line):   # belongs to the instruction above
                add(func, target(o, gsyms, m.group(3), m.group(4), m.group(2)), kind)
                pending = None           # it names the target, not the comment
                continue
            if pending:                  # resolved in place by the assembler
                add(func, target(o, gsyms, pending, None, ""), kind)
            kind, pending = "ref", None
            if m := SECTIONS.match(line):
                code.add(m.group(1))
            elif m := LABEL.match(line):
                func = (o.file, base(m.group(1)), "F")
            elif m := INSN.match(line):
                if m.group(2).startswith(("call", "jmp")):
                    kind = "call"
                if (t := TARGET.search(m.group(3))) and not t.group(2):
                    pending = t.group(1)
        if pending:
            add(func, target(o, gsyms, pending, None, ""), kind)
        sec = None
        for line in objdump("-r", o.path):
            if m := re.match(r"^RELOCATION RECORDS FOR \[(.+)\]:", line):
                sec = m.group(1)
            elif sec and sec not in code and not sec.startswith((".rela", ".debug", ".eh_frame")):
                if m := re.match(r"^([0-9a-f]+) (R_X86_64_\w+)\s+(\S+?)([+-]0x[0-9a-f]+)?$", line):
                    hold = o.at(sec, int(m.group(1), 16))
                    if hold:
                        add((o.file, *hold), target(o, gsyms, m.group(3), m.group(4), m.group(2)), "ref")
    return edges, gsyms


def functions(edges, calls_only):
    """Function -> {function: [kind, sites]}, data objects folded into table edges."""
    out = defaultdict(dict)
    for src, dsts in list(edges.items()):
        if src[2] != "F":
            continue
        for dst, (kind, n) in dsts.items():
            if dst[2] == "F":
                if not calls_only or kind == "call":
                    out[src][dst] = [kind, n]
            elif not calls_only:
                seen, todo = {dst}, [dst]
                while todo:
                    for d in edges.get(todo.pop(), {}):
                        if d[2] == "F" and d != src:
                            out[src].setdefault(d, ["table", n])
                        elif d[2] == "O" and d not in seen:
                            seen.add(d)
                            todo.append(d)
    return out


def walk(fg, root):
    """Reachable functions, and anc() for each, as described above."""
    reach, todo = {root}, [root]
    while todo:
        for d in fg.get(todo.pop(), {}):
            if d not in reach:
                reach.add(d)
                todo.append(d)
    anc = {f: set() for f in reach}
    changed = True
    while changed:
        changed = False
        for p in reach:
            for f in fg.get(p, {}):
                want = anc[p] | ({p[0]} if p[0] != f[0] else set())
                if not want <= anc[f]:
                    anc[f] |= want
                    changed = True
    return reach, anc


def short(file):
    return file[len("harness/"):] if file.startswith("harness/") else file


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--root", default="run_pool")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--back-only", action="store_true")
    ap.add_argument("--calls-only", action="store_true")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.build, "libkdh.a.p")):
        die(f"{a.build}: no libkdh.a.p (build it first)")
    edges, gsyms = graph(a.build)
    root = gsyms.get(a.root)
    if not root or root[2] != "F":
        die(f"no global function {a.root} in the harness objects")
    fg = functions(edges, a.calls_only)
    reach, anc = walk(fg, root)
    climbs = sorted((p, f, *fg[p][f]) for p in reach for f in fg.get(p, {})
                    if f[0] != p[0] and f[0] in anc[p])
    if a.list:
        for p in sorted(reach):
            into = sorted({f[0] for f in fg.get(p, {})} - {p[0]})
            marks = [short(g) + ("^" if g in anc[p] else "") for g in into]
            print(f"{short(p[0])}:{p[1]} -> {' '.join(marks) or '-'}")
    if a.back_only:
        for p, f, kind, n in climbs:
            print(f"{short(p[0])}:{p[1]} -> {short(f[0])}:{f[1]} {kind} x{n}")
    nedges = sum(len(fg.get(p, {})) for p in reach)
    pairs = {(p[0], f[0]) for p, f, _, _ in climbs}
    opts = json.load(open(os.path.join(a.build, "meson-info", "intro-buildoptions.json")))
    opt = next((o["value"] for o in opts if o["name"] == "optimization"), "?")
    print(f"call-walk: from {a.root}: {len(reach)} functions in "
          f"{len({f[0] for f in reach})} files, {nedges} edges; climbs back up: "
          f"{len(climbs)} edges, {sum(c[3] for c in climbs)} sites, "
          f"{len(pairs)} file pairs (-O{opt}" + (", calls only)" if a.calls_only else ")"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
