// In-process tests of the CLI's building blocks (no subprocess).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFlags, positiveIntegerFlag, requiredFlag } from '../src/cli/args.ts';
import { parseDepthOptions } from '../src/cli/depth-options.ts';
import { checkOutputs, prepareOutputDirectory, writeOutputs } from '../src/cli/output-files.ts';
import { summarizeTimings } from '../src/cli/timing-summary.ts';
import { UsageError } from '../src/cli/usage-error.ts';
import { freshTempDir, listDir, removeTempDirs } from './cli-run.ts';

afterAll(removeTempDirs);

describe('parseFlags', () => {
  const spec = { '--model': 'value', '--no-invert': 'switch' } as const;

  it('reads value flags and switches', () => {
    const flags = parseFlags(['--model', 'm.gguf', '--no-invert'], spec);
    expect(flags.get('--model')).toBe('m.gguf');
    expect(flags.get('--no-invert')).toBe(true);
    expect(requiredFlag(flags, 'info', '--model')).toBe('m.gguf');
  });

  it.each([
    [['--bogus'], 'unknown flag: --bogus'],
    [['model.gguf'], 'unexpected argument: model.gguf'],
    [['--model'], 'flag --model needs a value'],
    [['--model', '--no-invert'], 'flag --model needs a value'],
    [['--model', 'a', '--model', 'b'], 'flag --model given more than once'],
  ])('%j → usage error "%s"', (args, message) => {
    expect(() => parseFlags(args, spec)).toThrow(new UsageError(message));
  });

  it('reports missing required flags and bad integers', () => {
    expect(() => requiredFlag(parseFlags([], spec), 'info', '--model')).toThrow('info: --model is required');
    for (const bad of ['0', '-2', '1.5', 'x', '']) {
      const flags = new Map([['--threads', bad]]);
      expect(() => positiveIntegerFlag(flags, '--threads')).toThrow(/--threads must be a positive integer/);
    }
    expect(positiveIntegerFlag(new Map([['--threads', '8']]), '--threads')).toBe(8);
  });
});

describe('summarizeTimings', () => {
  it('picks median = sorted[n/2] and p90 = sorted[min(floor(0.9n), n-1)]', () => {
    expect(summarizeTimings([5, 1, 3, 2, 4])).toEqual({ median: 3, min: 1, max: 5, p90: 5 });
    expect(summarizeTimings([4, 1, 3, 2])).toEqual({ median: 3, min: 1, max: 4, p90: 4 });
    const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(summarizeTimings(ten)).toEqual({ median: 6, min: 1, max: 10, p90: 10 });
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(summarizeTimings(twenty).p90).toBe(19);
    expect(summarizeTimings([7])).toEqual({ median: 7, min: 7, max: 7, p90: 7 });
  });
});

describe('output files', () => {
  it('refuses outputs that are an input, the same file twice, a directory, or in a missing directory', () => {
    const dir = freshTempDir();
    const model = join(dir, 'model.gguf');
    writeFileSync(model, 'model bytes');
    const inputs = [{ flag: '--model', path: model }];
    expect(() => checkOutputs([{ flag: '--pfm', path: join(dir, '.', 'model.gguf') }], inputs)).toThrow(
      /--pfm output .* is the --model file; refusing to overwrite it/,
    );
    const twice = [{ flag: '--pfm', path: join(dir, 'a') }, { flag: '--png', path: join(dir, 'a') }];
    expect(() => checkOutputs(twice, inputs)).toThrow(/--pfm and --png name the same file/);
    mkdirSync(join(dir, 'sub'));
    expect(() => checkOutputs([{ flag: '--png', path: join(dir, 'sub') }], inputs)).toThrow(/is a directory/);
    expect(() => checkOutputs([{ flag: '--png', path: join(dir, 'missing', 'x.png') }], inputs)).toThrow(
      /cannot write --png output .*missing.*x\.png: no such file or directory/,
    );
    expect(() => checkOutputs([{ flag: '--png', path: join(model, 'x.png') }], inputs)).toThrow(/not a directory/);
    expect(listDir(dir)).toEqual(['model.gguf', 'sub']);
    expect(readFileSync(model, 'utf8')).toBe('model bytes');
  });

  it('writes all files, or none when one of them fails', () => {
    const dir = freshTempDir();
    writeOutputs([
      { flag: '--pfm', path: join(dir, 'a.pfm'), bytes: new Uint8Array([1, 2, 3]) },
      { flag: '--pose', path: join(dir, 'a.json'), bytes: '{}\n' },
    ]);
    expect(listDir(dir)).toEqual(['a.json', 'a.pfm']);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{}\n');

    const failing = [
      { flag: '--pfm', path: join(dir, 'b.pfm'), bytes: new Uint8Array([1]) },
      { flag: '--png', path: join(dir, 'gone', 'b.png'), bytes: new Uint8Array([2]) },
    ];
    expect(() => writeOutputs(failing)).toThrow(/cannot write --png output .*b\.png: no such file or directory/);
    expect(listDir(dir)).toEqual(['a.json', 'a.pfm']); // no b.pfm and no temporaries
    expect(existsSync(join(dir, 'b.pfm'))).toBe(false);
  });
});

describe('3D export flags and directories', () => {
  const base = ['--model', 'm.gguf', '--input', 'a.jpg'];

  it('parses --glb, --colmap and --colmap-txt (one or several inputs); rejects both COLMAP forms', () => {
    expect(parseDepthOptions([...base, '--glb', 'x.glb', '--colmap', 'sparse'])).toMatchObject({ glb: 'x.glb', colmap: { dir: 'sparse', format: 'bin' } });
    expect(parseDepthOptions([...base, '--colmap-txt', 'sparse']).colmap).toEqual({ dir: 'sparse', format: 'txt' });
    expect(parseDepthOptions(base)).toMatchObject({ glb: undefined, colmap: undefined });
    expect(() => parseDepthOptions([...base, '--colmap', 'a', '--colmap-txt', 'b'])).toThrow(
      new UsageError('depth: give only one of --colmap and --colmap-txt'),
    );
    expect(parseDepthOptions([...base, '--input', 'b.jpg', '--glb', 'x.glb'])).toMatchObject({ inputs: ['a.jpg', 'b.jpg'], glb: 'x.glb' });
  });

  it('the naming rule: per-file flags for one input, --out-prefix for several, never mixed', () => {
    expect(() => parseDepthOptions([...base, '--input', 'b.jpg', '--pfm', 'two.pfm', '--pose', 'p.json'])).toThrow(
      new UsageError('depth: with several --input each view writes <prefix>_view<i>.pfm/.png/.json; use --out-prefix <prefix> instead of --pfm, --pose'),
    );
    expect(() => parseDepthOptions([...base, '--out-prefix', 'run'])).toThrow(/--out-prefix names the per-view files of several --input/);
    expect(parseDepthOptions([...base, '--input', 'b.jpg', '--out-prefix', 'run']).outPrefix).toBe('run');
  });

  it('creates a missing output directory with its parents, and undoes only what it created', () => {
    const dir = freshTempDir();
    const undo = prepareOutputDirectory('--colmap', join(dir, 'a', 'b'));
    expect(listDir(join(dir, 'a'))).toEqual(['b']);
    undo();
    expect(listDir(dir)).toEqual([]);

    mkdirSync(join(dir, 'kept'));
    prepareOutputDirectory('--colmap', join(dir, 'kept'))();
    expect(listDir(dir)).toEqual(['kept']); // existed before: left alone

    const busy = prepareOutputDirectory('--colmap', join(dir, 'busy', 'inner'));
    writeFileSync(join(dir, 'busy', 'other.txt'), 'x');
    busy();
    expect(listDir(join(dir, 'busy'))).toEqual(['other.txt']); // a directory in use stays

    writeFileSync(join(dir, 'file'), 'x');
    expect(() => prepareOutputDirectory('--colmap', join(dir, 'file'))).toThrow(/cannot write --colmap output .*file: not a directory/);
    expect(() => prepareOutputDirectory('--colmap-txt', join(dir, 'file', 'sub'))).toThrow(
      /cannot create --colmap-txt directory .*sub: a parent path is not a directory/,
    );
  });
});
