#!/usr/bin/env node
// Entry point: the CLI lives in the compiled TypeScript (npm install builds it).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(2);
});
