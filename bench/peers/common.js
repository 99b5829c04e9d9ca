// Shared by the node peers: the files to read, in the same order as the Rust programs, and
// the one-line JSON report the harness reads.
"use strict";

const fs = require("fs");
const path = require("path");

/** Every regular file under each root (walked recursively, sorted by path per root). */
function files(roots) {
  const out = [];
  for (const root of roots) {
    if (fs.statSync(root).isDirectory()) {
      const found = [];
      const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(p);
          else found.push(p);
        }
      };
      walk(root);
      // Byte order, as Rust's and Python's sorts.
      found.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      out.push(...found);
    } else {
      out.push(root);
    }
  }
  return out;
}

/** Counts the testcases of a parsed tree whose elements are objects keyed by child name. */
function countTree(node, counts, asArray) {
  for (const suite of asArray(node.testsuite)) {
    if (suite === null || typeof suite !== "object") continue;
    for (const tc of asArray(suite.testcase)) {
      counts.testcases += 1;
      if (tc !== null && typeof tc === "object" && (tc.failure !== undefined || tc.error !== undefined)) {
        counts.failures += 1;
      }
    }
    countTree(suite, counts, asArray);
  }
}

function report(fields) {
  process.stdout.write(JSON.stringify(fields) + "\n");
}

module.exports = { files, countTree, report };
