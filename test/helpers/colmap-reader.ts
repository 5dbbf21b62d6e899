// Readers for COLMAP sparse models (binary and text, as read_write_model.py parses them), used to
// check what the exporter writes field by field.
import { expect } from 'vitest';
import type { ColmapFile } from '../../src/export/colmap.ts';

interface Camera { id: number; model: number; width: number; height: number; params: number[] }
interface Image { id: number; qvec: number[]; tvec: number[]; cameraId: number; name: string; points2d: [number, number, number][] }
interface Point3d { id: number; xyz: number[]; rgb: number[]; error: number; track: [number, number][] }
export interface ColmapModel { cameras: Camera[]; images: Image[]; points: Point3d[] }

/** A reader for COLMAP's binary model (as in read_write_model.py), which must consume every byte. */
export function readColmapBinary(files: ColmapFile[]): ColmapModel {
  const file = (name: string) => {
    const bytes = files.find((f) => f.name === name)!.bytes as Uint8Array;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    const take = <T>(n: number, read: (o: number) => T): T => { const v = read(at); at += n; return v; };
    return {
      i32: () => take(4, (o) => view.getInt32(o, true)),
      u64: () => Number(take(8, (o) => view.getBigUint64(o, true))),
      i64: () => Number(take(8, (o) => view.getBigInt64(o, true))),
      f64: () => take(8, (o) => view.getFloat64(o, true)),
      u8: () => take(1, (o) => view.getUint8(o)),
      cstring: () => { const end = bytes.indexOf(0, at); const s = new TextDecoder().decode(bytes.subarray(at, end)); at = end + 1; return s; },
      done: () => expect(at).toBe(bytes.length),
    };
  };
  const c = file('cameras.bin');
  const cameras = Array.from({ length: c.u64() }, () => ({ id: c.i32(), model: c.i32(), width: c.u64(), height: c.u64(), params: [c.f64(), c.f64(), c.f64(), c.f64()] }));
  c.done();
  const im = file('images.bin');
  const images = Array.from({ length: im.u64() }, () => ({
    id: im.i32(),
    qvec: [im.f64(), im.f64(), im.f64(), im.f64()],
    tvec: [im.f64(), im.f64(), im.f64()],
    cameraId: im.i32(),
    name: im.cstring(),
    points2d: Array.from({ length: im.u64() }, (): [number, number, number] => [im.f64(), im.f64(), im.i64()]),
  }));
  im.done();
  const p = file('points3D.bin');
  const points = Array.from({ length: p.u64() }, () => ({
    id: p.u64(),
    xyz: [p.f64(), p.f64(), p.f64()],
    rgb: [p.u8(), p.u8(), p.u8()],
    error: p.f64(),
    track: Array.from({ length: p.u64() }, (): [number, number] => [p.i32(), p.i32()]),
  }));
  p.done();
  return { cameras, images, points };
}

/** A reader for the text model: comment headers, then the same records. */
export function readColmapText(files: ColmapFile[]): ColmapModel {
  const lines = (name: string) => (files.find((f) => f.name === name)!.bytes as string).split('\n').slice(0, -1).filter((l) => !l.startsWith('#'));
  const cameras = lines('cameras.txt').map((l) => {
    const [id, model, w, h, ...params] = l.split(' ');
    expect(model).toBe('PINHOLE');
    return { id: Number(id), model: 1, width: Number(w), height: Number(h), params: params.map(Number) };
  });
  const imageLines = lines('images.txt');
  const images = [];
  for (let i = 0; i < imageLines.length; i += 2) {
    const f = imageLines[i]!.split(' ');
    const xs = imageLines[i + 1]! === '' ? [] : imageLines[i + 1]!.split(' ').map(Number);
    images.push({
      id: Number(f[0]), qvec: f.slice(1, 5).map(Number), tvec: f.slice(5, 8).map(Number), cameraId: Number(f[8]), name: f[9]!,
      points2d: Array.from({ length: xs.length / 3 }, (_, k): [number, number, number] => [xs[3 * k]!, xs[3 * k + 1]!, xs[3 * k + 2]!]),
    });
  }
  const points = lines('points3D.txt').map((l) => {
    const f = l.split(' ').map(Number);
    return { id: f[0]!, xyz: f.slice(1, 4), rgb: f.slice(4, 7), error: f[7]!, track: [[f[8]!, f[9]!] as [number, number]] };
  });
  return { cameras, images, points };
}
