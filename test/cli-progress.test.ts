// Progress lines: only on a terminal, never with --quiet, one line rewritten in place and cleared
// at the end; the CLI accepts --quiet on every command.
import { afterEach, describe, expect, it } from 'vitest';
import { setQuiet, startProgress } from '../src/cli/progress.ts';
import { repoPath, runCli } from './cli-run.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('progress', () => {
  afterEach(() => setQuiet(false));

  it('redraws one line on a terminal (throttled) and clears it at the end', () => {
    const stream = fakeStream(true);
    let t = 0;
    const p = startProgress('loading m.gguf', stream, () => t);
    p.update(1 << 20, 4 << 20);
    t = 50;
    p.update(2 << 20, 4 << 20); // within 100 ms: skipped
    t = 1000;
    p.update(4 << 20, 4 << 20);
    p.end();
    expect(stream.writes).toEqual([
      '\r\x1b[2Kloading m.gguf: 1.0 / 4.0 MB (25 %), 1000 MB/s',
      '\r\x1b[2Kloading m.gguf: 4.0 / 4.0 MB (100 %), 4 MB/s',
      '\r\x1b[2K',
    ]);
  });

  it('puts a note (e.g. the tensor being written) before the byte count', () => {
    const stream = fakeStream(true);
    let t = 0;
    const p = startProgress('quantizing to q.gguf', stream, () => t);
    t = 500;
    p.update(2 << 20, 8 << 20, 'tensor 3/300');
    expect(stream.writes).toEqual(['\r\x1b[2Kquantizing to q.gguf: tensor 3/300, 2.0 / 8.0 MB (25 %), 4 MB/s']);
  });

  it('writes nothing to a pipe or with --quiet', () => {
    const pipe = fakeStream(false);
    const p = startProgress('x', pipe);
    p.update(1, 2);
    p.end();
    setQuiet(true);
    const tty = fakeStream(true);
    const q = startProgress('x', tty);
    q.update(1, 2);
    q.end();
    expect([pipe.writes, tty.writes]).toEqual([[], []]);
  });

  it('every command accepts --quiet', () => {
    const result = runCli(['info', '--model', repoPath('fixtures/models/da3/pack-da3-aux-f32.gguf'), '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^checkpoint: /);
  });
});
