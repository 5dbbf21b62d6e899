// `depth-anything serve`: scans the models, starts the HTTP server, and on SIGINT/SIGTERM stops
// taking requests, lets in-flight ones finish, and exits (a second signal exits at once).
import { scanModels } from '../server/model-catalog.ts';
import { createDepthServer } from '../server/server.ts';
import { stderrLog } from '../server/access-log.ts';
import { webAssetLoader } from '../server/web-assets.ts';
import { parseServeOptions } from './serve-options.ts';

export async function runServe(args: readonly string[]): Promise<void> {
  const options = parseServeOptions(args);
  const catalog = await scanModels(options.models);
  const app = createDepthServer({
    ...options,
    catalog,
    loadOptions: { backend: options.backend, threads: options.threads, weightPrecision: options.weightPrecision },
    log: stderrLog,
    webAssets: webAssetLoader(),
  });
  let address;
  try {
    address = await app.listen(options.port, options.host);
  } catch (e) {
    throw new Error(`serve: cannot listen on ${options.host}:${options.port}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  stderrLog(`${catalog.size} model${catalog.size === 1 ? '' : 's'}: ${[...catalog.keys()].join(', ')}`);
  if (options.apiKey === undefined && !['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
    stderrLog(`warning: listening on ${options.host} without --api-key: anyone who can reach it can run models`);
  }
  stderrLog(`listening on http://${host}:${address.port}/`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      stderrLog(`${signal}: finishing ${app.status().in_flight} in-flight request(s), refusing new ones`);
      app.shutdown().then(() => { stderrLog('stopped'); resolve(); });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
