#!/usr/bin/env node
// The Node command of the browser verifier (verifier/web/README.md). Built beside
// suiji-verify.js and suiji-verify-cli.js into dist/ (or build/verifier/web/).
import { main } from './suiji-verify-cli.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`suiji-verify-js: ${e && e.stack ? e.stack : e}\n`);
    process.exit(2);
  },
);
