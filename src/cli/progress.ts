// Progress on stderr for long work (loading a model, writing a GGUF), only on a terminal and
// never with --quiet: one line rewritten in place, cleared when the work ends. Pipes and files
// get nothing extra, so scripts see the same output as before.

let quiet = false;

/** --quiet (any command): no progress lines. */
export function setQuiet(value: boolean): void {
  quiet = value;
}

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` of `total` bytes (total 0: unknown), with an optional note such as "tensor 3/300". */
  update(done: number, total: number, note?: string): void;
  /** Clears the line. */
  end(): void;
}

const MB = 2 ** 20;
const NONE: Progress = { update() {}, end() {} };

export function startProgress(label: string, stream: ProgressStream = process.stderr, now: () => number = () => performance.now()): Progress {
  if (quiet || !stream.isTTY) return NONE;
  const start = now();
  let last = -Infinity, shown = false;
  return {
    update(done, total, note) {
      const t = now();
      if (t - last < 100 && done < total) return; // at most ten redraws a second
      last = t;
      const seconds = Math.max((t - start) / 1000, 1e-3);
      const of = total > 0 ? ` / ${(total / MB).toFixed(1)} MB (${Math.floor(100 * done / total)} %)` : ' MB';
      stream.write(`\r\x1b[2K${label}: ${note ? `${note}, ` : ''}${(done / MB).toFixed(1)}${of}, ${(done / MB / seconds).toFixed(0)} MB/s`);
      shown = true;
    },
    end() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}

/** Passes chunks through, reporting the bytes that went by (and `note()`, when given). */
export async function* withProgress(
  label: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, total = 0, note?: () => string,
): AsyncGenerator<Uint8Array> {
  const progress = startProgress(label);
  let done = 0;
  try {
    for await (const chunk of chunks) {
      yield chunk;
      done += chunk.byteLength;
      progress.update(done, total, note?.());
    }
  } finally {
    progress.end();
  }
}
