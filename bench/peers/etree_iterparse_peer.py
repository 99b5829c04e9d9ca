"""Peer: the standard library's xml.etree.ElementTree.iterparse, clearing elements as it goes.

Usage: python etree_iterparse_peer.py DIR_OR_FILE...
Prints {"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N} (failures: testcases
with a <failure> or <error> child; rejected: files the parser raised on).
"""

import os
import sys
import xml.etree.ElementTree as ET

from common import files, report

FAILING = ("failure", "error")


def main(roots):
    paths = files(roots)
    size = testcases = failures = rejected = 0
    for path in paths:
        size += os.path.getsize(path)
        try:
            for _event, elem in ET.iterparse(path, events=("end",)):
                tag = elem.tag
                if tag == "testcase":
                    testcases += 1
                    if any(child.tag in FAILING for child in elem):
                        failures += 1
                    elem.clear()
                elif tag == "testsuite":
                    # Drops the (already cleared) testcases kept as the suite's children.
                    elem.clear()
        except ET.ParseError as e:
            print(f"etree: rejected {path}: {e}", file=sys.stderr)
            rejected += 1
    report(files=len(paths), bytes=size, testcases=testcases, failures=failures,
           rejected=rejected)


if __name__ == "__main__":
    main(sys.argv[1:])
