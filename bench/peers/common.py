"""Shared by the Python peers: the files to read, in the same order as the Rust programs, and
the counting loop."""

import json
import os
import sys


def files(roots):
    """Every regular file under each root (walked recursively, sorted by path per root)."""
    out = []
    for root in roots:
        if os.path.isdir(root):
            found = []
            for dirpath, _dirs, names in os.walk(root):
                found.extend(os.path.join(dirpath, n) for n in names)
            out.extend(sorted(found))
        else:
            out.append(root)
    return out


def report(**fields):
    """Print the counts as one JSON line (the harness reads it)."""
    print(json.dumps(fields, separators=(",", ":")))
    sys.stdout.flush()


def count(peer, roots, testcases_of, rejections):
    """Reads every file under `roots` with `testcases_of(path)`, which yields one bool per
    testcase (True when it failed or errored), and prints the totals with `report`. A file
    that raises one of `rejections` is named on stderr and counted as rejected; the
    testcases it yielded before that still count."""
    paths = files(roots)
    size = testcases = failures = rejected = 0
    for path in paths:
        size += os.path.getsize(path)
        try:
            for failed in testcases_of(path):
                testcases += 1
                failures += failed
        except rejections as e:
            print(f"{peer}: rejected {path}: {e}", file=sys.stderr)
            rejected += 1
    report(files=len(paths), bytes=size, testcases=testcases, failures=failures,
           rejected=rejected)
