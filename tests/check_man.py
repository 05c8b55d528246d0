#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_man.py - the manual pages against `kdh help` and the docs' tables

    check_man.py KDH MANDIR SCENARIO_PAGE DOC...

Checks that every command `kdh --help` lists has its page in MANDIR (and no
page is left over), that each page is what `kdh --man NAME` prints now
(a stale build fails), that every page renders without a groff or man
warning, that a command's page and `kdh help NAME` name the same options
(and every option of the usage line is explained outside the SYNOPSIS),
that kdh-analyze(1) names every metric of the metrics table and
kdh-scenario(5) every key of the scenario key table and every metric of
the Metrics paragraph.  Those tables are looked for in the Markdown DOCs
(meson passes docs/manual.md, which has kdh analyze's metrics table, and
docs/scenarios.md, which has the key table and the Metrics paragraph);
each must be found in exactly one of them.
"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(argv, env=None):
    p = subprocess.run(argv, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def render(page):
    """the page as plain text, one long line per paragraph"""
    rc, out, err = run(["groff", "-man", "-Tutf8", "-ww", "-rLL=300n",
                        "-P-c", "-P-b", "-P-u", page])
    if rc or err.strip():
        fail("%s: groff: rc %d %s" % (page, rc, err.strip()))
    return out.replace("\u2010", "-").replace("\u2212", "-")


def sections(text):
    """{SECTION: text}: headings are the unindented lines"""
    out, cur = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.strip() == line and \
                not re.match(r"^\S+\(\d\)", line):
            cur = line
            out[cur] = ""
        elif cur:
            out[cur] += " " + line.strip()
    return out


OPT = re.compile(r"(?<![\w\-./])(--?[A-Za-z][\w\-]*)")


def options(text):
    return set(OPT.findall(text))


def lint(page):
    rc, _, err = run(["groff", "-man", "-Tutf8", "-ww", "-z", page])
    if rc or err.strip():
        fail("%s: groff -ww: %s" % (page, err.strip()))
    if shutil.which("man"):
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
        rc, _, err = run(["man", "-l", "--warnings", page], env)
        if rc or err.strip():
            fail("%s: man -l --warnings: %s" % (page, err.strip()))


def check_commands(kdh, mandir):
    _, out, _ = run([kdh, "--help"])
    cmds = re.findall(r"^  (\S+)\s", out.split("Commands:")[1].split("\n\n")[0],
                      re.M)
    if not cmds:
        fail("kdh --help lists no commands")
    pages = {f for f in os.listdir(mandir) if f.endswith(".1")}
    want = {"kdh.1"} | {"kdh-%s.1" % c for c in cmds}
    for p in sorted(want - pages):
        fail("%s: no page (add the command to man/meson.build)" % p)
    for p in sorted(pages - want):
        fail("%s: a page for no command" % p)
    lint(os.path.join(mandir, "kdh.1"))
    index = render(os.path.join(mandir, "kdh.1"))
    for c in cmds:
        if "kdh-%s(1)" % c not in index:
            fail("kdh(1) does not name kdh-%s(1)" % c)
    for c in cmds:
        page = os.path.join(mandir, "kdh-%s.1" % c)
        if not os.path.exists(page):
            continue
        _, now, _ = run([kdh, "--man", c])
        with open(page) as f:
            if f.read() != now:
                fail("%s is not what 'kdh --man %s' prints" % (page, c))
        lint(page)
        check_options(kdh, c, render(page))


def check_options(kdh, cmd, text):
    _, help_text, _ = run([kdh, "help", cmd])
    usage = help_text.split("\n\n")[0]
    secs = sections(text)
    body = " ".join(v for k, v in secs.items() if k not in ("SYNOPSIS", "NAME"))
    in_help = options(help_text[len(usage):]) | {"--help"}
    in_page = options(body)
    for o in sorted(options(usage) - in_page):
        fail("kdh-%s(1): usage option %s is not explained" % (cmd, o))
    for o in sorted(in_help ^ in_page):
        fail("kdh-%s(1): option %s is %s" % (cmd, o, "only in the page"
             if o in in_page else "not in the page"))


def named(key, text):
    """@key in @text as a whole word: logo_hang is not logo_hang_s"""
    return re.search(r"(?<![\w.-])" + re.escape(key) + r"(?![\w-])", text)


def doc_with(docs, what, pattern):
    """(name, text) of the one doc in @docs where regex @pattern matches"""
    hits = [(name, md) for name, md in docs
            if re.search(pattern, md, re.M | re.S)]
    names = ", ".join(name for name, _ in docs)
    if not hits:
        fail("%s: in none of %s" % (what, names))
    elif len(hits) > 1:
        fail("%s: in %d of %s (one place only)" % (what, len(hits), names))
    if len(hits) != 1:
        return None, ""
    return hits[0]


def table_keys(docs, header):
    """(doc name, the `names` in the first column of the table under
    @header)"""
    name, md = doc_with(docs, "table '%s'" % header, re.escape(header))
    table = md.split(header, 1)
    if len(table) < 2:
        return name, []
    keys = []
    for row in table[1].split("\n")[2:]:
        if not row.startswith("|"):
            break
        keys += re.findall(r"`([^`]+)`", re.split(r"(?<!\\)\|", row)[1])
    return name, [" ".join(k.replace("\\|", "|").split()) for k in keys]


def check_metrics(mandir, docs):
    """the kdh analyze metrics table against kdh-analyze(1)"""
    name, keys = table_keys(docs, "| metric | definition")
    page = os.path.join(mandir, "kdh-analyze.1")
    if not keys or not os.path.exists(page):
        return
    text = " ".join(render(page).split())
    for k in keys:
        if not named(k, text):
            fail("kdh-analyze(1) does not name '%s' (%s metrics table)"
                 % (k, name))


def check_scenario(page, docs):
    lint(page)
    text = " ".join(render(page).split())
    name, keys = table_keys(docs, "| section / key |")
    para = r"^Metrics: (.*?)^With several VMs"
    mname, md = doc_with(docs, "the Metrics paragraph", para)
    m = re.search(para, md, re.M | re.S)
    if m:
        keys += re.findall(r"`([^`]+)`", m.group(1))
    if name and len(keys) < 40:
        fail("%s: only %d keys found in the key table" % (name, len(keys)))
    for k in keys:
        k = " ".join(k.replace("\\|", "|").split())
        if not named(k, text):
            fail("kdh-scenario(5) does not name '%s' (%s key table)"
                 % (k, name))


def read_docs(paths):
    docs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            docs.append((os.path.basename(p), f.read()))
    return docs


def main():
    if len(sys.argv) < 5:
        print("usage: check_man.py KDH MANDIR SCENARIO_PAGE DOC...",
              file=sys.stderr)
        return 2
    kdh, mandir, scenario_page = sys.argv[1:4]
    docs = read_docs(sys.argv[4:])
    if not shutil.which("groff"):
        print("SKIP: no groff (Debian: groff-base)")
        return 77
    check_commands(kdh, mandir)
    check_metrics(mandir, docs)
    check_scenario(scenario_page, docs)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
