#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_man.py - the manual pages against `kdh help` and the README

    check_man.py KDH MANDIR SCENARIO_PAGE README

Checks that every command `kdh --help` lists has its page in MANDIR (and no
page is left over), that each page is what `kdh --man NAME` prints now
(a stale build fails), that every page renders without a groff or man
warning, that a command's page and `kdh help NAME` name the same options
(and every option of the usage line is explained outside the SYNOPSIS),
that kdh-analyze(1) names every metric of the README's metrics table, and
that kdh-scenario(5) names every key of the README's scenario key table
and every metric of its Metrics paragraph.
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


def table_keys(md, header):
    """the `names` in the first column of the README table under @header"""
    table = md.split(header, 1)
    if len(table) < 2:
        fail("README: no table '%s'" % header)
        return []
    keys = []
    for row in table[1].split("\n")[2:]:
        if not row.startswith("|"):
            break
        keys += re.findall(r"`([^`]+)`", re.split(r"(?<!\\)\|", row)[1])
    return [" ".join(k.replace("\\|", "|").split()) for k in keys]


def check_metrics(mandir, readme):
    """the README's kdh analyze metrics table against kdh-analyze(1)"""
    with open(readme) as f:
        keys = table_keys(f.read(), "| metric | definition")
    page = os.path.join(mandir, "kdh-analyze.1")
    if not keys or not os.path.exists(page):
        return
    text = " ".join(render(page).split())
    for k in keys:
        if not named(k, text):
            fail("kdh-analyze(1) does not name '%s' (README metrics table)" % k)


def check_scenario(page, readme):
    lint(page)
    text = " ".join(render(page).split())
    with open(readme) as f:
        md = f.read()
    keys = table_keys(md, "| section / key |")
    m = re.search(r"^Metrics: (.*?)^With several VMs", md, re.M | re.S)
    if not m:
        fail("README: no Metrics paragraph")
    else:
        keys += re.findall(r"`([^`]+)`", m.group(1))
    if len(keys) < 40:
        fail("README: only %d keys found in the key table" % len(keys))
    for k in keys:
        k = " ".join(k.replace("\\|", "|").split())
        if not named(k, text):
            fail("kdh-scenario(5) does not name '%s' (README key table)" % k)


def main():
    kdh, mandir, scenario_page, readme = sys.argv[1:5]
    if not shutil.which("groff"):
        print("SKIP: no groff (Debian: groff-base)")
        return 77
    check_commands(kdh, mandir)
    check_metrics(mandir, readme)
    check_scenario(scenario_page, readme)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
