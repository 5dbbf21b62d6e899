// `--api-key`: clients send `Authorization: Bearer <key>` (the OpenAI/LocalAI convention). Keys
// are compared as SHA-256 digests in constant time, so response timing says nothing about them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

export function apiKeyCheck(key: string | undefined): (req: IncomingMessage) => void {
  if (key === undefined) return () => {};
  const expected = digest(key);
  return (req) => {
    const header = req.headers.authorization;
    const challenge = { 'www-authenticate': 'Bearer' };
    if (header === undefined) throw new HttpError(401, 'missing_api_key', 'this server needs an API key: send "Authorization: Bearer <key>"', challenge);
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) throw new HttpError(401, 'invalid_api_key', 'the API key is wrong', challenge);
  };
}
