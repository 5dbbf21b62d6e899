// The README's code blocks are part of the front door: every ```ts block is extracted,
// type-checked against the sources (as the published types would see it: 'depth-anything-ts'
// resolves to the Node entry) and run from the repository root, so a snippet cannot rot.
// Blocks written in bundler/workerd module syntax (`import x from '….wasm'`) are type-checked
// only: Node cannot import a .wasm file as a module.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './cli-run.ts';

const readme = readFileSync(repoPath('README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const dir = repoPath('test/.readme-snippets');
const isModuleSyntaxOnly = (code: string) => /from '[^']+\.wasm'/.test(code);

/** The snippet as a file of this repository: the package name points at the sources. */
function asRepoFile(code: string): string {
  return code.replace(/from 'depth-anything-ts'/g, "from '../../src/node.ts'");
}

describe('README code blocks', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the blocks this test expects to find', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('every block type-checks', () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    blocks.forEach((code, i) => writeFileSync(`${dir}/snippet-${i}.ts`, asRepoFile(code)));
    writeFileSync(`${dir}/wasm-modules.d.ts`, "declare module 'depth-anything-ts/wasm/*.wasm' { const module: WebAssembly.Module; export default module; }\n");
    writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..' }, include: ['*.ts'] }));
    const tsc = spawnSync(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', `${dir}/tsconfig.json`], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it.each(blocks.map((code, i) => ({ i, code })).filter(({ code }) => !isModuleSyntaxOnly(code)))('block $i runs from the repository root', ({ i, code }) => {
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/run-${i}.ts`;
    writeFileSync(file, asRepoFile(code));
    const run = spawnSync(process.execPath, [file], { cwd: repoPath('.'), encoding: 'utf8', timeout: 110_000 });
    const stderr = run.stderr.split('\n').filter((l) => l !== '' && !/^Warning: maxDynamic\w+PerPipelineLayout/.test(l)).join('\n');
    expect(stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toBe('');
  });
});
