// An error that knows its HTTP answer: status, a stable machine-readable code, a message for
// people, and any headers the status needs (Allow, Retry-After, WWW-Authenticate).

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** The JSON body every error response carries. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
