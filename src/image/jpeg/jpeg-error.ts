// The one error type the JPEG decoder throws: corrupt, truncated or unsupported input.
export class JpegError extends Error {
  constructor(message: string) {
    super(`JPEG: ${message}`);
    this.name = 'JpegError';
  }
}
