#!/usr/bin/env node
// Launcher. In a git checkout it runs the TypeScript sources directly (Node >= 22.18 strips
// types), so it can never pick up a stale build; the published package ships only dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
const entry = process.features.typescript && existsSync(source) ? source : compiled;
if (!existsSync(entry)) {
  process.stderr.write('error: no build in dist/; run `npm run build`, or use Node >= 22.18 to run the TypeScript sources\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
