"""Shared by the Python peers: the files to read, in the same order as the Rust programs."""

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
