"""Peer: junitparser (`JUnitXml.fromfile` on each file), walking every testcase.

Usage: python junitparser_peer.py DIR_OR_FILE...
Prints {"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N} (failures: testcases
with a failure or error result; rejected: files junitparser raised on).
"""

import sys

from junitparser import Error, Failure, JUnitXml, TestSuite

from common import count


def suites(xml):
    """The suites of a parsed file: a <testsuites> root yields its children, else itself."""
    if isinstance(xml, TestSuite):
        yield xml
    else:
        yield from xml


def testcases_of(path):
    """One bool per testcase (a failure or error result)."""
    for suite in suites(JUnitXml.fromfile(path)):
        for case in suite:
            yield any(isinstance(r, (Failure, Error)) for r in case.result)


if __name__ == "__main__":
    # A rejected file is a result, not a crash: junitparser raises many kinds of errors.
    count("junitparser", sys.argv[1:], testcases_of, Exception)
