// One stderr line per answered request. Everything the client chose (method, path, model name) is
// written through JSON.stringify, so a crafted value cannot forge or split log lines.

export type LogSink = (line: string) => void;

export const stderrLog: LogSink = (line) => process.stderr.write(`serve: ${line}\n`);

/** A client string, quoted and escaped, cut to a length that keeps lines readable. */
export function quoted(value: string, max = 200): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

export interface AccessRecord {
  remote: string;
  method: string;
  url: string;
  status: number;
  ms: number;
  model?: string;
  error?: string;
}

export function accessLine(r: AccessRecord): string {
  const extra = `${r.model !== undefined ? ` model=${quoted(r.model)}` : ''}${r.error !== undefined ? ` error=${quoted(r.error)}` : ''}`;
  return `${r.remote} ${quoted(r.method, 16)} ${quoted(r.url)} ${r.status} ${Math.round(r.ms)}ms${extra}`;
}
