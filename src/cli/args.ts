// A tiny flag parser: `--name value`, repeatable `--name value` lists and bare `--switch` flags,
// nothing positional.
import { UsageError } from './usage-error.ts';

export type FlagKind = 'value' | 'list' | 'switch';

/** Parsed flags: the value of each value flag, all values of a list flag, `true` for each switch. */
export type Flags = Map<string, string | string[] | true>;

export function parseFlags(args: readonly string[], spec: Readonly<Record<string, FlagKind>>): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument: ${arg}`);
    const kind = spec[arg];
    if (kind === undefined) throw new UsageError(`unknown flag: ${arg}`);
    if (flags.has(arg) && kind !== 'list') throw new UsageError(`flag ${arg} given more than once`);
    if (kind === 'switch') {
      flags.set(arg, true);
      continue;
    }
    const value = args[i + 1];
    // A following flag is almost certainly a forgotten value, not a file named "--…".
    if (value === undefined || value.startsWith('--')) throw new UsageError(`flag ${arg} needs a value`);
    if (kind === 'list') flags.set(arg, [...(flagValues(flags, arg)), value]);
    else flags.set(arg, value);
    i++;
  }
  return flags;
}

/** The value of a value flag, if given. */
export function flagValue(flags: Flags, name: string): string | undefined {
  const value = flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** All values of a list flag, in command-line order (empty if not given). */
export function flagValues(flags: Flags, name: string): string[] {
  const value = flags.get(name);
  return Array.isArray(value) ? value : [];
}

export function requiredFlag(flags: Flags, command: string, name: string): string {
  const value = flagValue(flags, name);
  if (value === undefined) throw new UsageError(`${command}: ${name} is required`);
  return value;
}

export function positiveIntegerFlag(flags: Flags, name: string): number | undefined {
  const text = flagValue(flags, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a positive integer, got "${text}"`);
  }
  return value;
}
