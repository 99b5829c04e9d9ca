// Peer: xml2js, the XML library xunit-viewer uses, called as xunit-viewer's parser calls it:
// each file read whole as text, then `parseString(text, callback)` with the default options
// (a full object tree, every child in an array, attributes under `$`), one file at a time.
// xunit-viewer then builds its own suite objects and merges them across files; this peer
// only counts, so it is a lower bound on xunit-viewer's time.
//
// Usage: node xml2js_peer.js DIR_OR_FILE...
// Prints {"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N}.
"use strict";

const fs = require("fs");
const xml2js = require("xml2js");
const { files, countTree, report } = require("./common");

const parse = (text) =>
  new Promise((resolve, reject) => {
    xml2js.parseString(text, (err, result) => (err ? reject(err) : resolve(result)));
  });

const asArray = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

async function main(roots) {
  const paths = files(roots);
  const counts = { files: paths.length, bytes: 0, testcases: 0, failures: 0, rejected: 0 };
  for (const p of paths) {
    const text = fs.readFileSync(p).toString();
    counts.bytes += Buffer.byteLength(text);
    try {
      const doc = await parse(text);
      if (doc && doc.testsuites) countTree(doc.testsuites, counts, asArray);
      else if (doc) countTree(doc, counts, asArray);
    } catch (e) {
      process.stderr.write(`xml2js: rejected ${p}: ${String(e).split("\n")[0]}\n`);
      counts.rejected += 1;
    }
  }
  report(counts);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`xml2js peer: ${e.stack || e}\n`);
  process.exit(1);
});
