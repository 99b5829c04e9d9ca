"""Peer: the standard library's xml.etree.ElementTree.iterparse, clearing elements as it goes.

Usage: python etree_iterparse_peer.py DIR_OR_FILE...
Prints {"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N} (failures: testcases
with a <failure> or <error> child; rejected: files the parser raised on).
"""

import sys
import xml.etree.ElementTree as ET

from common import count

FAILING = ("failure", "error")


def testcases_of(path):
    """One bool per testcase (failed or errored), elements cleared as they are read."""
    for _event, elem in ET.iterparse(path, events=("end",)):
        tag = elem.tag
        if tag == "testcase":
            yield any(child.tag in FAILING for child in elem)
            elem.clear()
        elif tag == "testsuite":
            # Drops the (already cleared) testcases kept as the suite's children.
            elem.clear()


if __name__ == "__main__":
    count("etree", sys.argv[1:], testcases_of, ET.ParseError)
