// depth-anything command line: `node src/cli/main.ts <command> …` or the bin/depth-anything.js launcher.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../node.ts'; // this runtime's worker_threads (wasm threads) and Dawn (webgpu), registered explicitly
import { setQuiet } from './progress.ts';
import { commandUsage, USAGE } from './usage.ts';
import { UsageError } from './usage-error.ts';

type Command = (args: readonly string[]) => Promise<void>;

// Loaded on demand so `help` and command-line mistakes never pay for (or trip over) the model code.
const COMMANDS: Record<string, () => Promise<Command>> = {
  info: async () => (await import('./info-command.ts')).runInfo,
  depth: async () => (await import('./depth-command.ts')).runDepth,
  reconstruct: async () => (await import('./reconstruct-command.ts')).runReconstruct,
  synth: async () => (await import('./synth-command.ts')).runSynth,
  quantize: async () => (await import('./quantize-command.ts')).runQuantize,
  convert: async () => (await import('./convert-command.ts')).runConvert,
  serve: async () => (await import('./serve-command.ts')).runServe,
};

const HELP = new Set(['help', '-h', '--help']);

/** Runs one command line (without the `node script` prefix); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // --quiet / -q, accepted by every command: no progress lines on a terminal.
  setQuiet(argv.includes('--quiet') || argv.includes('-q'));
  const [name, ...args] = argv.filter((arg) => arg !== '--quiet' && arg !== '-q');
  if (name === undefined || HELP.has(name)) {
    const topic = name === 'help' && args[0] !== undefined ? commandUsage(args[0]) : undefined;
    process.stdout.write(topic ?? USAGE);
    return 0;
  }
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(commandUsage(name) ?? USAGE);
    return 0;
  }
  try {
    const loadCommand = COMMANDS[name];
    if (!loadCommand) throw new UsageError(`unknown command: ${name} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    await (await loadCommand())(args);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Exactly one line, whatever the thrower put in its message.
    process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (e instanceof UsageError) process.stderr.write(`see: depth-anything ${COMMANDS[name] ? `${name} --help` : 'help'}\n`);
    return 1;
  }
}

function isEntryModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryModule()) process.exitCode = await main(process.argv.slice(2));
