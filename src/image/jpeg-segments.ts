// Walks the marker segments of a JPEG header (everything before the first scan), bounds-checked.

export interface JpegSegment {
  /** Marker byte after 0xFF, e.g. 0xE1 for APP1, 0xC0 for SOF0. */
  marker: number;
  /** Segment payload, without the marker and the 2-byte length. */
  data: Uint8Array;
}

/** Header segments up to (not including) the first SOS; stops early at a malformed segment. */
export function jpegHeaderSegments(bytes: Uint8Array): JpegSegment[] {
  const segments: JpegSegment[] = [];
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return segments;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) break;
    const marker = bytes[pos + 1];
    if (marker === 0xff) { pos++; continue; } // fill byte
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { pos += 2; continue; } // markers without payload
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (length < 2 || pos + 2 + length > bytes.length) break;
    segments.push({ marker, data: bytes.subarray(pos + 4, pos + 2 + length) });
    pos += 2 + length;
  }
  return segments;
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Frame size declared by the first SOF segment, or undefined when there is none. */
export function jpegFrameSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  for (const { marker, data } of jpegHeaderSegments(bytes)) {
    if (SOF_MARKERS.has(marker) && data.length >= 5) {
      return { height: (data[1] << 8) | data[2], width: (data[3] << 8) | data[4] };
    }
  }
  return undefined;
}
