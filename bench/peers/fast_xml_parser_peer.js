// Peer: fast-xml-parser's XMLParser on each file's text, attributes kept (a JUnit reader
// needs the names), `testsuite` and `testcase` always arrays.
//
// Usage: node fast_xml_parser_peer.js DIR_OR_FILE...
// Prints {"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N}.
"use strict";

const fs = require("fs");
const { XMLParser } = require("fast-xml-parser");
const { files, countTree, report } = require("./common");

const ALWAYS_ARRAY = new Set(["testsuite", "testcase"]);
const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => ALWAYS_ARRAY.has(name),
});

const asArray = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function main(roots) {
  const paths = files(roots);
  const counts = { files: paths.length, bytes: 0, testcases: 0, failures: 0, rejected: 0 };
  for (const p of paths) {
    const text = fs.readFileSync(p, "utf8");
    counts.bytes += Buffer.byteLength(text);
    try {
      const doc = parser.parse(text);
      if (doc && doc.testsuites) countTree(doc.testsuites, counts, asArray);
      else if (doc) countTree(doc, counts, asArray);
    } catch (e) {
      process.stderr.write(`fast-xml-parser: rejected ${p}: ${String(e).split("\n")[0]}\n`);
      counts.rejected += 1;
    }
  }
  report(counts);
}

main(process.argv.slice(2));
