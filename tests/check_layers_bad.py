#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_layers_bad.py - scripts/check-layers.py catches each kind of edge
that looks up: one case a line, in a scratch copy of the tree, each case
alone (TAP output).  Usage: check_layers_bad.py SOURCE_ROOT"""
import os
import shutil
import subprocess
import sys
import tempfile

# (file to touch, line to add or None for an empty new file, expected text)
CASES = [
    ("harness/util/json_read.c", '#include "kdh/report/report.h"',
     "util includes kdh/report/report.h (report)"),
    ("harness/util/size.c", "#include <kdh/cli/man.h>",
     "util includes kdh/cli/man.h (cli)"),
    ("harness/report/report.c", '#include "harness/run/run_priv.h"',
     "report includes harness/run/run_priv.h (run)"),
    ("harness/bench/bench.c", '#include "../run/run_priv.h"',
     "private to run/"),
    ("netsim/loop.c", '#include "kdh/run/run.h"', "netsim includes kdh/run/run.h"),
    ("harness/run/run.c", '#include "kdh/nothing.h"', "which names no file"),
    ("harness/stray.c", None, "harness/stray.c: in no wing"),
    ("harness/run/sub/deep.c", None, "deep.c: in no wing"),
    ("harness/newwing/a.c", None, "newwing/a.c: in no wing"),
]


def main(root):
    script = os.path.join(root, "scripts", "check-layers.py")
    print(f"1..{len(CASES) + 1}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for top in ("harness", "include", "netsim"):
            shutil.copytree(os.path.join(root, top), os.path.join(tmp, top))
        r = subprocess.run([sys.executable, script, tmp], capture_output=True,
                           text=True)
        ok &= r.returncode == 0
        print(("ok" if r.returncode == 0 else "not ok") + " 1 - the tree as it is")
        for i, (f, line, want) in enumerate(CASES, 2):
            path = os.path.join(tmp, f)
            saved = open(path).read() if os.path.exists(path) else None
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "a") as fp:
                fp.write((line + "\n") if line else "")
            r = subprocess.run([sys.executable, script, tmp],
                               capture_output=True, text=True)
            good = r.returncode == 1 and want in r.stdout
            ok &= good
            print(f"{'ok' if good else 'not ok'} {i} - {f}: {want}")
            if not good:
                print("# " + r.stdout.replace("\n", "\n# "))
            if saved is None:
                os.remove(path)
            else:
                with open(path, "w") as fp:
                    fp.write(saved)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
