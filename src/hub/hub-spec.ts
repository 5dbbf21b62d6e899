// Hugging Face hub model references (`<owner>/<repo>/<path/in/repo>[@revision]`, the CLI's
// `hf:` prefix) and where they resolve, as huggingface_hub computes it: HF_ENDPOINT (default the
// hub) + /<owner>/<repo>/resolve/<revision>/<path>.

export interface HubFile {
  /** owner/name */
  repo: string;
  /** Path inside the repository. */
  path: string;
  /** Branch, tag or commit (default "main"). */
  revision: string;
}

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export function parseHubSpec(spec: string): HubFile {
  const text = spec.startsWith('hf:') ? spec.slice(3) : spec;
  const at = text.lastIndexOf('@');
  const [ref, revision] = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text, 'main'];
  const parts = ref.split('/');
  if (parts.length < 3 || parts.some((p) => p === '' || p === '.' || p === '..') || revision === '') {
    throw new Error(`hub: '${spec}' is not <owner>/<repo>/<path/in/repo>[@revision]`);
  }
  return { repo: `${parts[0]}/${parts[1]}`, path: parts.slice(2).join('/'), revision };
}

export function resolveUrl(file: HubFile, endpoint = DEFAULT_ENDPOINT): string {
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${file.repo}/resolve/${encodeURIComponent(file.revision)}/${path}`;
}

/** The LFS sha256 the hub reports for a file (X-Linked-Etag, else ETag), without quotes or W/. */
export function linkedEtag(headers: Headers): string | undefined {
  const raw = headers.get('x-linked-etag') ?? headers.get('etag');
  return raw?.replace(/^W\//, '').replace(/"/g, '') || undefined;
}

export function describeHttpFailure(status: number, file: HubFile): string {
  if (status === 401 || status === 403) return `${file.repo} is gated or private (HTTP ${status}): accept its terms on the hub and set HF_TOKEN`;
  if (status === 404) return `${file.repo}/${file.path} at '${file.revision}' was not found on the hub (HTTP 404)`;
  return `the hub answered HTTP ${status} for ${file.repo}/${file.path}`;
}
