/**
 * UTF-8 decoding with Go's semantics.
 *
 * Go strings are bytes; when Go code turns ill-formed UTF-8 into text (`range`, encoding/json) each byte
 * that does not start a valid sequence becomes one U+FFFD. The WHATWG TextDecoder instead replaces a
 * "maximal subpart" with one U+FFFD, which can differ (`E2 82 41` is two replacements in Go, one in a
 * browser). We decode exactly as Go does so that strings compare equal to the Go reference.
 * @module
 */

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes UTF-8 bytes to a string, replacing ill-formed bytes as Go does. */
export function decodeUtf8(bytes: Uint8Array): string {
  const n = bytes.length;
  // ASCII fast path: short strings dominate symbol and string tables.
  if (n < 64) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    return decodeUtf8Lossy(bytes);
  }
}

/** Slow path for ill-formed input: one U+FFFD per byte that does not begin a valid sequence. */
function decodeUtf8Lossy(b: Uint8Array): string {
  const parts: string[] = [];
  const codes: number[] = [];
  let i = 0;
  while (i < b.length) {
    const c0 = b[i]!;
    let cp = 0xfffd;
    let size = 1;
    if (c0 < 0x80) {
      cp = c0;
    } else if (c0 >= 0xc2 && c0 <= 0xdf) {
      const c1 = b[i + 1];
      if (c1 !== undefined && (c1 & 0xc0) === 0x80) {
        cp = ((c0 & 0x1f) << 6) | (c1 & 0x3f);
        size = 2;
      }
    } else if (c0 >= 0xe0 && c0 <= 0xef) {
      const c1 = b[i + 1];
      const c2 = b[i + 2];
      const lo = c0 === 0xe0 ? 0xa0 : 0x80;
      const hi = c0 === 0xed ? 0x9f : 0xbf; // no surrogates
      if (c1 !== undefined && c2 !== undefined && c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80) {
        cp = ((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
        size = 3;
      }
    } else if (c0 >= 0xf0 && c0 <= 0xf4) {
      const c1 = b[i + 1];
      const c2 = b[i + 2];
      const c3 = b[i + 3];
      const lo = c0 === 0xf0 ? 0x90 : 0x80;
      const hi = c0 === 0xf4 ? 0x8f : 0xbf;
      if (
        c1 !== undefined && c2 !== undefined && c3 !== undefined &&
        c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80 && (c3 & 0xc0) === 0x80
      ) {
        cp = ((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
        size = 4;
      }
    }
    codes.push(cp);
    if (codes.length >= 4096) {
      parts.push(String.fromCodePoint(...codes));
      codes.length = 0;
    }
    i += size;
  }
  parts.push(String.fromCodePoint(...codes));
  return parts.join('');
}

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD, as in Go's conversion). */
export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}
