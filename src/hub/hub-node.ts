// Downloading a hub file in Node into huggingface_hub's cache layout, so both tools share it:
//   $HF_HUB_CACHE (default $HF_HOME/hub, HF_HOME default ~/.cache/huggingface)
//     models--<owner>--<name>/blobs/<sha256>            the file
//     models--<owner>--<name>/snapshots/<commit>/<path>  a link to it
//     models--<owner>--<name>/refs/<revision>            the commit a branch pointed to
// Downloads resume from `<blob>.incomplete` with a Range request, are verified against the LFS
// sha256 before they are kept, send HF_TOKEN when set, and HF_HUB_OFFLINE=1 uses only the cache.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describeHttpFailure, linkedEtag, parseHubSpec, resolveUrl, DEFAULT_ENDPOINT, type HubFile } from './hub-spec.ts';

export interface HubDownloadOptions {
  /** Environment (default process.env): HF_ENDPOINT, HF_HOME, HF_HUB_CACHE, HF_TOKEN, HF_HUB_OFFLINE. */
  env?: Record<string, string | undefined>;
  /** Called with bytes downloaded so far and the total (0 when unknown). */
  onProgress?: (done: number, total: number) => void;
}

function cacheRoot(env: Record<string, string | undefined>): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  return join(env.HF_HOME ?? join(homedir(), '.cache', 'huggingface'), 'hub');
}

const repoFolder = (file: HubFile) => `models--${file.repo.replace('/', '--')}`;
const isCommit = (revision: string) => /^[0-9a-f]{40}$/.test(revision);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** The cached file of a reference, or undefined when the cache does not have it. */
async function fromCache(root: string, file: HubFile): Promise<string | undefined> {
  const repo = join(root, repoFolder(file));
  const commit = isCommit(file.revision) ? file.revision : await readFile(join(repo, 'refs', file.revision), 'utf8').then((s) => s.trim(), () => undefined);
  if (!commit) return undefined;
  const path = join(repo, 'snapshots', commit, ...file.path.split('/'));
  return (await exists(path)) ? path : undefined;
}

/**
 * The local path of a hub file (`<owner>/<repo>/<path>[@revision]`, optionally `hf:`-prefixed),
 * downloading it into the shared cache first when needed.
 */
export async function downloadHubFile(spec: string, options: HubDownloadOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const file = parseHubSpec(spec);
  const root = cacheRoot(env);
  const offline = env.HF_HUB_OFFLINE === '1' || env.HF_HUB_OFFLINE?.toLowerCase() === 'true';
  if (offline) {
    const cached = await fromCache(root, file);
    if (!cached) throw new Error(`hub: HF_HUB_OFFLINE is set and ${file.repo}/${file.path}@${file.revision} is not in the cache (${root})`);
    return cached;
  }
  const url = resolveUrl(file, env.HF_ENDPOINT || DEFAULT_ENDPOINT);
  const auth: Record<string, string> = env.HF_TOKEN ? { authorization: `Bearer ${env.HF_TOKEN}` } : {};
  let head: Response;
  try {
    head = await fetch(url, { method: 'HEAD', headers: auth, redirect: 'manual' });
  } catch (e) {
    const cached = await fromCache(root, file);
    if (cached) return cached; // offline but cached: what huggingface_hub does too
    throw new Error(`hub: cannot reach ${url} (${(e as Error).message}); set HF_HUB_OFFLINE=1 to use the cache only`);
  }
  if (head.status >= 400) throw new Error(`hub: ${describeHttpFailure(head.status, file)}`);
  const etag = linkedEtag(head.headers);
  const commit = head.headers.get('x-repo-commit') ?? (isCommit(file.revision) ? file.revision : undefined);
  if (!etag || !commit) throw new Error(`hub: ${url} did not say which file version it serves (no ETag / X-Repo-Commit)`);
  const size = Number(head.headers.get('x-linked-size') ?? head.headers.get('content-length') ?? 0);
  const location = head.status >= 300 && head.status < 400 ? new URL(head.headers.get('location') ?? url, url).toString() : url;

  const repo = join(root, repoFolder(file));
  const blob = join(repo, 'blobs', etag);
  const snapshot = join(repo, 'snapshots', commit, ...file.path.split('/'));
  if (!(await exists(blob))) await downloadBlob(location, blob, etag, size, auth, options.onProgress);
  await mkdir(dirname(snapshot), { recursive: true });
  const target = relative(dirname(snapshot), blob);
  if (await readlink(snapshot).then((t) => t !== target, () => true)) {
    await rm(snapshot, { force: true });
    await symlink(target, snapshot);
  }
  if (!isCommit(file.revision)) {
    await mkdir(join(repo, 'refs'), { recursive: true });
    await writeFile(join(repo, 'refs', file.revision), commit);
  }
  return snapshot;
}

/**
 * Fetches into `<blob>.incomplete` (resuming what is there), hashing the bytes as they are
 * written (a resumed file's earlier bytes are hashed once, first), checks the sha256, then
 * renames into place: the file is never read back whole.
 */
async function downloadBlob(url: string, blob: string, sha256: string, size: number, auth: Record<string, string>, onProgress?: (done: number, total: number) => void): Promise<void> {
  await mkdir(dirname(blob), { recursive: true });
  const partial = `${blob}.incomplete`;
  let hash = createHash('sha256');
  let hashed = 0;
  for (let attempt = 0; ; attempt++) {
    const have = await stat(partial).then((s) => s.size, () => 0);
    const response = await fetch(url, { headers: { ...auth, ...(have > 0 ? { range: `bytes=${have}-` } : {}) } });
    if (response.status >= 400) {
      await response.body?.cancel();
      throw new Error(`hub: the download of ${url} failed with HTTP ${response.status}`);
    }
    const resumed = have > 0 && response.status === 206;
    if (!resumed || hashed !== have) {
      // Starting over, or resuming a file this run has not hashed yet (left by an earlier run).
      hash = createHash('sha256');
      hashed = 0;
      if (resumed) {
        for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
        hashed = have;
      }
    }
    const handle = await open(partial, resumed ? 'a' : 'w');
    let done = hashed;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        hash.update(chunk);
        done = hashed += chunk.byteLength;
        onProgress?.(done, size);
      }
    } catch (e) {
      await handle.close();
      if (attempt < 3) continue; // connection dropped: resume from what arrived
      throw new Error(`hub: the download of ${url} was interrupted (${(e as Error).message}); run again to resume`);
    }
    await handle.close();
    if (size > 0 && done < size && attempt < 3) continue;
    break;
  }
  const actual = hash.digest('hex');
  if (/^[0-9a-f]{64}$/.test(sha256) && actual !== sha256) {
    await rm(partial, { force: true });
    throw new Error(`hub: the downloaded file's sha256 ${actual} is not the hub's ${sha256} (corrupted download, removed; run again)`);
  }
  await rename(partial, blob);
}
