import type { Tensor } from '../backend/backend.ts';

/**
 * Observer of intermediate tensors, named like the reference dumps (`backbone.block3`,
 * `head.refinenet2`, …). Used by parity tests to localize a mismatch; a tracer must copy what it
 * keeps (e.g. start `backend.download(t)`) before returning, as the tensor may be released next.
 */
export type Trace = (name: string, t: Tensor) => void;
