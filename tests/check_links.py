#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_links.py - every relative link in the Markdown docs leads somewhere

    check_links.py SRCDIR

The manual is spread over README.md and docs/*.md, which point at each
other by file and section.  This reads every *.md file of the source tree
(build and results directories and dot-directories left out) and fails
for each relative link or image whose file does not exist, and for each
`#anchor` that names no heading of its Markdown file (anchors made as
GitHub makes them: lower case, punctuation dropped, blanks to hyphens,
-1, -2, ... for repeats).  Links inside code spans and fenced blocks are
examples, not links, and are skipped; so are URLs with a scheme.
"""
import os
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SKIP_DIRS = ("build", "results", "subprojects")


def markdown_files(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not d.startswith(SKIP_DIRS))
        for f in sorted(files):
            if f.endswith(".md"):
                yield os.path.join(top, f)


def prose_lines(text):
    """(line number, line) outside fenced code, code spans blanked"""
    fence = None
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1).startswith(fence):
                fence = None
            continue
        if fence is None:
            yield n, re.sub(r"`+[^`]*`+", "``", line)


def slug(heading):
    s = heading.strip().lower().replace("`", "")
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def heading_text(path):
    """the headings of @path outside fenced code, code spans kept"""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    fence, out = None, []
    for line in text.splitlines():
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            fence = None if fence else m.group(1)
            continue
        if not fence:
            h = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if h:
                out.append(h.group(1))
    return out


def anchor_set(path, cache={}):
    if path not in cache:
        seen, out = {}, set()
        for h in heading_text(path):
            base = slug(h)
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else "%s-%d" % (base, n))
        cache[path] = out
    return cache[path]


def check(path, root):
    failures = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    rel = os.path.relpath(path, root)
    for n, line in prose_lines(text):
        for target in LINK.findall(line):
            if SCHEME.match(target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path),
                                                 file_part)) if file_part else path
            where = "%s:%d: %s" % (rel, n, target)
            if not os.path.exists(dest):
                failures.append(where + ": no such file")
            elif anchor and dest.endswith(".md") and \
                    anchor not in anchor_set(dest):
                failures.append(where + ": no heading for #" + anchor)
    return failures


def main():
    if len(sys.argv) != 2:
        print("usage: check_links.py SRCDIR", file=sys.stderr)
        return 2
    root = sys.argv[1]
    files = list(markdown_files(root))
    failures = [f for p in files for f in check(p, root)]
    for f in failures:
        print("FAIL: " + f)
    if not files:
        failures.append("no Markdown files under " + root)
        print("FAIL: " + failures[-1])
    if failures:
        print("%d broken links" % len(failures))
        return 1
    print("ok: %d files" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
