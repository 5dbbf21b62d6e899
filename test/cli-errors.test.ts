// Every failure: exit 1, exactly one `error: …` line on stderr, and no output file left behind.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTempDir, listDir, removeTempDirs, repoPath, runCli, type CliResult } from './cli-run.ts';

const DA3 = repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf');
const DA2 = repoPath('fixtures/models/da2/pack-da2-f32.gguf');
const PHOTO = repoPath('fixtures/photos/desk.jpg');

function expectOneError(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('see: '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
}

/** A command-line mistake: the error line, then where to read the command's help (no usage dump). */
function expectUsageError(result: CliResult, message: RegExp, command: string | undefined): void {
  expectOneError(result, message);
  expect(result.stderr.split('\n').filter((line) => line !== '')[1]).toBe(`see: depth-anything ${command ? `${command} --help` : 'help'}`);
  expect(result.stdout).toBe('');
}

let dir: string;
let files: string[];
const out = (name: string) => join(dir, name);

beforeAll(() => {
  dir = freshTempDir();
  writeFileSync(out('garbage.gguf'), 'this is not a GGUF file, just some text\n'.repeat(20));
  const da3 = readFileSync(DA3);
  writeFileSync(out('truncated-header.gguf'), da3.subarray(0, 200));
  writeFileSync(out('truncated-data.gguf'), da3.subarray(0, da3.length >> 1));
  writeFileSync(out('garbage.jpg'), 'not an image at all');
  copyFileSync(PHOTO, out('photo.jpg'));
  files = listDir(dir);
});
afterAll(removeTempDirs);

/** The scratch directory must hold exactly what beforeAll put there. */
function expectNoNewFiles(): void {
  expect(listDir(dir)).toEqual(files);
}

describe('command-line mistakes: one error line and where the help is', () => {
  it.each([
    [['frobnicate'], /^error: unknown command: frobnicate \(commands: info, depth, reconstruct, synth, quantize, convert, serve\)$/],
    [['depth', '--model', DA3, '--input', PHOTO, '--bogus'], /^error: unknown flag: --bogus$/],
    [['info', '--model'], /^error: flag --model needs a value$/],
    [['info'], /^error: info: --model is required$/],
    [['depth', '--model', DA3], /^error: depth: --input is required$/],
    [['depth', '--model', DA3, '--input', PHOTO, '--colormap', 'jet'], /--colormap must be gray or turbo/],
    [['depth', '--model', DA3, '--input', PHOTO, '--threads', '0'], /--threads must be a positive integer/],
  ])('%j', (args, message) => {
    const result = runCli(args);
    expectUsageError(result, message, args[0] === 'frobnicate' ? undefined : args[0]);
  });

  it('help, --help and no arguments print the whole usage and succeed', () => {
    for (const args of [[], ['help'], ['--help']]) {
      const result = runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^usage:\n {2}depth-anything info/);
      expect(result.stderr).toBe('');
    }
  });

  it('each command has its own --help (also as `help <command>`)', () => {
    for (const command of ['info', 'depth', 'reconstruct', 'synth', 'quantize', 'convert']) {
      for (const args of [[command, '--help'], ['help', command]]) {
        const result = runCli(args);
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^usage:\\n {2}depth-anything ${command} `));
        expect(result.stdout).not.toMatch(new RegExp(`depth-anything (?!${command})\\w+ `));
      }
    }
  });
});

describe('info on bad model files', () => {
  it.each([
    ['missing.gguf', /cannot open model .*missing\.gguf: no such file or directory/],
    ['garbage.gguf', /garbage\.gguf.*(magic|GGUF)/i],
    ['truncated-header.gguf', /truncated-header\.gguf/],
    ['truncated-data.gguf', /truncated-data\.gguf.*past end of file/],
  ])('%s', (name, message) => {
    const result = runCli(['info', '--model', out(name)]);
    expectOneError(result, message);
    expect(result.stdout).toBe('');
  });

  it('a directory', () => {
    expectOneError(runCli(['info', '--model', dir]), /cannot open model .*: not a regular file/);
  });
});

describe('depth failures leave no output file', () => {
  const outputs = () => ['--pfm', out('d.pfm'), '--png', out('d.png'), '--pose', out('d.json')];

  it.each([
    ['missing model', () => [out('missing.gguf'), PHOTO], /cannot open model .*missing\.gguf: no such file or directory/],
    ['garbage model', () => [out('garbage.gguf'), PHOTO], /garbage\.gguf/],
    ['truncated GGUF', () => [out('truncated-data.gguf'), PHOTO], /truncated-data\.gguf/],
    ['missing image', () => [DA3, out('missing.jpg')], /cannot read image .*missing\.jpg: no such file or directory/],
    ['garbage image', () => [DA3, out('garbage.jpg')], /cannot decode image .*garbage\.jpg/],
    ['--pose on a DA2 model', () => [DA2, PHOTO], /--pose: model Depth-Anything-V2-Pack-Random \(da2\) does not predict camera pose/],
  ])('%s', (_, paths, message) => {
    const [model, input] = paths();
    expectOneError(runCli(['depth', '--model', model!, '--input', input!, ...outputs()]), message);
    expectNoNewFiles();
  });

  it('an output directory that does not exist', () => {
    const args = ['depth', '--model', DA3, '--input', PHOTO, '--pfm', out('d.pfm'), '--png', out('nowhere/d.png')];
    expectOneError(runCli(args), /cannot write --png output .*nowhere\/d\.png: no such file or directory/);
    expectNoNewFiles();
  });

  it('an output "directory" that is a file', () => {
    const args = ['depth', '--model', DA3, '--input', PHOTO, '--pose', join(out('photo.jpg'), 'd.json')];
    expectOneError(runCli(args), /cannot write --pose output .*: a parent path is not a directory/);
    expectNoNewFiles();
  });

  it('never overwrites the model or the input', () => {
    const photo = readFileSync(out('photo.jpg'));
    const args = ['depth', '--model', DA3, '--input', out('photo.jpg'), '--png', out('photo.jpg')];
    expectOneError(runCli(args), /--png output .*photo\.jpg is the --input file; refusing to overwrite it/);
    expect(readFileSync(out('photo.jpg'))).toEqual(photo);
    const modelArgs = ['depth', '--model', DA3, '--input', PHOTO, '--pfm', DA3];
    expectOneError(runCli(modelArgs), /--pfm output .* is the --model file/);
    expectNoNewFiles();
  });
});

describe('3D export failures (--glb, --colmap, --colmap-txt) leave nothing behind', () => {
  it('several inputs with a per-file flag: a usage error before anything is read', () => {
    const result = runCli(['depth', '--model', DA3, '--input', PHOTO, '--input', PHOTO, '--pfm', out('two.pfm')]);
    expectUsageError(result, /^error: depth: with several --input each view writes <prefix>_view<i>/, 'depth');
    expectNoNewFiles();
  });

  it('a model without camera pose: says the family has no camera head, and no COLMAP directory', () => {
    const result = runCli(['depth', '--model', DA2, '--input', PHOTO, '--colmap', out('sparse'), '--glb', out('x.glb')]);
    expectOneError(result, /^error: --glb\/--colmap need a camera pose, but .* is a da2 model, which has no camera head \(DA3 any-view and nested models have one\)$/);
    expectNoNewFiles();
  });

  it('--colmap and --colmap-txt together is a usage error', () => {
    const result = runCli(['depth', '--model', DA3, '--input', PHOTO, '--colmap', out('a'), '--colmap-txt', out('b')]);
    expectUsageError(result, /^error: depth: give only one of --colmap and --colmap-txt$/, 'depth');
    expectNoNewFiles();
  });

  it('a COLMAP "directory" that is a file', () => {
    expectOneError(runCli(['depth', '--model', DA3, '--input', PHOTO, '--colmap-txt', out('photo.jpg')]), /cannot write --colmap-txt output .*photo\.jpg: not a directory/);
    expectNoNewFiles();
  });

  it('a failing check after the COLMAP directory was made removes it again', () => {
    const args = ['depth', '--model', DA3, '--input', PHOTO, '--colmap', out('made/sparse'), '--glb', out('nowhere/x.glb')];
    expectOneError(runCli(args), /cannot write --glb output .*nowhere\/x\.glb: no such file or directory/);
    expectNoNewFiles();
  });
});
