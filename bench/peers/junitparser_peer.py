"""Peer: junitparser (`JUnitXml.fromfile` on each file), walking every testcase.

Usage: python junitparser_peer.py DIR_OR_FILE...
Prints {"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N} (failures: testcases
with a failure or error result; rejected: files junitparser raised on).
"""

import os
import sys

from junitparser import Error, Failure, JUnitXml, TestSuite

from common import files, report


def suites(xml):
    """The suites of a parsed file: a <testsuites> root yields its children, else itself."""
    if isinstance(xml, TestSuite):
        yield xml
    else:
        yield from xml


def main(roots):
    paths = files(roots)
    size = testcases = failures = rejected = 0
    for path in paths:
        size += os.path.getsize(path)
        try:
            xml = JUnitXml.fromfile(path)
        except Exception as e:  # noqa: BLE001 - a rejected file is a result, not a crash
            print(f"junitparser: rejected {path}: {e}", file=sys.stderr)
            rejected += 1
            continue
        for suite in suites(xml):
            for case in suite:
                testcases += 1
                if any(isinstance(r, (Failure, Error)) for r in case.result):
                    failures += 1
    report(files=len(paths), bytes=size, testcases=testcases, failures=failures,
           rejected=rejected)


if __name__ == "__main__":
    main(sys.argv[1:])
