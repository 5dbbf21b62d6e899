// An image named in a JSON request: base64 or a base64 `data:` URL, nothing else. The server never
// opens a path or fetches a URL a client names (that would let anyone read the server's files or
// make it call other hosts), so anything else is a 400 saying so.
import { HttpError } from './http-error.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:([^,]*?)(;base64)?,/i;

function invalid(field: string, why: string): HttpError {
  return new HttpError(400, 'invalid_src', `${field}: ${why}; send the image bytes as base64 or a base64 data: URL (the server never reads paths or fetches URLs)`);
}

export function decodeImageSource(field: string, value: unknown): Uint8Array {
  if (typeof value !== 'string') throw invalid(field, `expected a string, got ${value === null ? 'null' : typeof value}`);
  let base64 = value;
  const dataUrl = DATA_URL.exec(value);
  if (dataUrl) {
    if (!dataUrl[2]) throw invalid(field, 'a data: URL must be base64-encoded (";base64,")');
    base64 = value.slice(dataUrl[0].length);
  }
  base64 = base64.replace(/\s+/g, ''); // line-wrapped base64 (e.g. `base64` without -w0) is fine
  if (base64.length === 0) throw invalid(field, 'empty image');
  // Padded base64 only (what every encoder writes): a short path such as /etc/passwd uses only
  // base64 letters, and must be refused rather than decoded into garbage.
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw invalid(field, dataUrl ? 'the data: URL payload is not valid (padded) base64' : 'neither (padded) base64 nor a data: URL');
  }
  const bytes = Buffer.from(base64, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
