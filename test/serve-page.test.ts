// The page at `/` of `depth-anything serve` in headless Chromium (Debian's `chromium`, driven by
// playwright-core): a fixture photo through both modes — inference on the server, and in the
// browser with the bundled library on weights streamed from GET /models/<id>.gguf — the depth the
// page holds and the PFM it downloads compared with the API's answer for the same photo, the point
// cloud canvas checked for drawn points, and an error shown on the page. Screenshots are kept in
// test-artifacts/. Skipped without /usr/bin/chromium unless DA_REQUIRE_CHROMIUM=1 (CI sets it).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePfm } from '../src/export/pfm.ts';
import { webAssetLoader } from '../src/server/web-assets.ts';
import { freshTempDir, removeTempDirs, repoPath } from './cli-run.ts';
import { base64, DA3, photo, postJson, startTestServer, type TestServer } from './helpers/serve.ts';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.DA_REQUIRE_CHROMIUM === '1';
const artifacts = repoPath('test-artifacts');
const DESK = repoPath('fixtures/photos/desk.jpg');

let server: TestServer;
let browser: Browser;
let page: Page;
let apiDepth: Float32Array;
const pageErrors: string[] = [];

const f32 = (bytes: Buffer) => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));

/** Picks the photo (or clicks "Run again") and waits for the page to finish that run. */
async function runPage(start: () => Promise<void>): Promise<void> {
  const runs = await page.evaluate(() => (globalThis as any).depthPage.runs as number);
  await start();
  await page.waitForFunction((before) => (globalThis as any).depthPage.runs > before, runs, { timeout: 110_000 });
}

/** The depth the page holds for view 0, as float32 (transferred as base64 of its bytes). */
async function pageDepth(): Promise<Float32Array> {
  const text = await page.evaluate(() => {
    const d = (globalThis as any).depthPage.result.views[0].depth as Float32Array;
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return f32(Buffer.from(text, 'base64'));
}

async function downloadedPfm(): Promise<Float32Array> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-pfm')]);
  expect(download.suggestedFilename()).toBe('depth.pfm');
  const pfm = decodePfm(new Uint8Array(readFileSync(await download.path())));
  expect([pfm.width, pfm.height]).toEqual([504, 336]);
  return pfm.values;
}

/** Share of the point-cloud canvas that is not the background colour, from a screenshot of it. */
async function cloudCoverage(name: string): Promise<{ covered: number; colours: number }> {
  const shot = await page.locator('#cloud').screenshot();
  writeFileSync(join(artifacts, `serve-page-cloud-${name}.png`), shot);
  const png = decodePng(shot);
  const channels = png.channels;
  const background = [png.data[0]!, png.data[1]!, png.data[2]!];
  let covered = 0;
  const colours = new Set<number>();
  for (let i = 0; i < png.width * png.height; i++) {
    const [r, g, b] = [png.data[i * channels]!, png.data[i * channels + 1]!, png.data[i * channels + 2]!];
    if (Math.abs(r - background[0]!) + Math.abs(g - background[1]!) + Math.abs(b - background[2]!) > 24) covered++;
    colours.add((r << 16) | (g << 8) | b);
  }
  return { covered: covered / (png.width * png.height), colours: colours.size };
}

describe.skipIf(!existsSync(CHROMIUM) && !required)('web page in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer({ webAssets: webAssetLoader() });
    const api = await (await postJson(`${server.url}/v1/depth`, { model: DA3, src: base64(photo('desk.jpg')) })).json();
    apiDepth = f32(Buffer.from(api.depth, 'base64'));
    const { chromium } = await import('playwright-core');
    // SwiftShader gives headless Chromium WebGL2 without a GPU.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (document.querySelector('#model') as HTMLSelectElement).options.length > 0);
    await page.selectOption('#model', DA3);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    removeTempDirs();
  });

  it('is crossOriginIsolated (COOP/COEP), so in-browser wasm can use threads', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('server mode: shows the API\'s depth for the photo, a drawn point cloud, and downloads the same PFM, GLB and PLY', async () => {
    await runPage(() => page.setInputFiles('#photos', DESK));
    const state = await page.evaluate(() => ({ state: (globalThis as any).depthPage.state, error: (globalThis as any).depthPage.error, mode: (globalThis as any).depthPage.result?.mode }));
    expect(state).toEqual({ state: 'done', error: undefined, mode: 'server' });
    expect(Buffer.from((await pageDepth()).buffer)).toEqual(Buffer.from(apiDepth.buffer));
    expect(Buffer.from((await downloadedPfm()).buffer)).toEqual(Buffer.from(apiDepth.buffer));
    // The page's GLB and PLY (made in the page from the API's points and cameras) are the server's files.
    for (const [button, route, name] of [['#dl-glb', '/v1/depth/glb', 'scene.glb'], ['#dl-ply', '/v1/depth/ply', 'points.ply']] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      expect(download.suggestedFilename()).toBe(name);
      const served = await postJson(`${server.url}${route}`, { model: DA3, src: base64(photo('desk.jpg')) });
      expect(readFileSync(await download.path())).toEqual(Buffer.from(await served.arrayBuffer()));
    }
    const cloud = await cloudCoverage('server');
    expect(cloud.covered).toBeGreaterThan(0.01);
    expect(cloud.colours).toBeGreaterThan(50);
    expect(await page.isVisible('#depth')).toBe(true);
    expect(await page.isVisible('#confidence')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'serve-page-server.png'), fullPage: true });
  });

  it('browser mode: the library in the page, weights streamed from the server, gives the same depth', async () => {
    await page.selectOption('#mode', 'browser');
    await runPage(() => page.click('#run'));
    const result = await page.evaluate(() => ({ state: (globalThis as any).depthPage.state, error: (globalThis as any).depthPage.error, mode: (globalThis as any).depthPage.result.mode, backend: (globalThis as any).depthPage.result.backend as string }));
    expect(result).toMatchObject({ state: 'done', error: undefined, mode: 'browser' });
    expect(result.backend).toMatch(/^wasm \(.*threads?/);
    expect(server.logs.some((l) => l.includes(`"GET" "/models/${DA3}.gguf" 200`))).toBe(true);
    // Same kernels, another engine (V8 in Chromium vs Node's): equal to float rounding.
    const depth = await pageDepth();
    expect(depth.length).toBe(apiDepth.length);
    let worst = 0;
    depth.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - apiDepth[i]!) / Math.abs(apiDepth[i]!)); });
    expect(worst).toBeLessThan(1e-4);
    expect(Buffer.from((await downloadedPfm()).buffer)).toEqual(Buffer.from(depth.buffer));
    const cloud = await cloudCoverage('browser');
    expect(cloud.covered).toBeGreaterThan(0.01);
    await page.screenshot({ path: join(artifacts, 'serve-page-browser.png'), fullPage: true });
  });

  it('a server error appears on the page', async () => {
    await page.selectOption('#mode', 'server');
    const bad = join(freshTempDir(), 'broken.jpg');
    writeFileSync(bad, readFileSync(DESK).subarray(0, 3000));
    await runPage(() => page.setInputFiles('#photos', bad));
    expect(await page.evaluate(() => (globalThis as any).depthPage.state)).toBe('error');
    expect(await page.isVisible('#error')).toBe(true);
    expect(await page.textContent('#error')).toMatch(/^400 invalid_image: image: .*JPEG/);
  });

  it('raised no uncaught exception in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
