/** A mistake in the command line itself: reported together with the usage text. */
export class UsageError extends Error {
  override name = 'UsageError';
}
