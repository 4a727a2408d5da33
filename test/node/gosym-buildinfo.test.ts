// Build information, read as debug/buildinfo and runtime/debug.ParseBuildInfo read it.
//  - PARSE_CASES: module texts and what runtime/debug.ParseBuildInfo of Go 1.26 returned for each (the
//    result, or the error text), printed by a small Go program; texts that are not UTF-8 are given in hex.
//  - Every executable fixture against the BuildInfo line of its `gosym` golden (debug/buildinfo).
//  - The blob itself, written here in both forms (pointer form of Go 1.13–1.17 in either byte order and
//    pointer size, inline form of 1.18+) at arbitrary 16-byte-aligned places in a data segment.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { decodeUtf8 } from '../../src/internal/utf8.js';
import { openExecutable } from '../../src/gosym/container/open.js';
import { parseBuildInfo, readBuildInfo, readRawBuildInfo, type BuildInfo } from '../../src/gosym/buildinfo.js';
import { FIXTURES, GOLDENS, fixtureBytes, loadManifest, readGolden } from '../support/fixtures.js';

interface ParseCase {
  name: string;
  text?: string;
  hex?: string;
  want: Omit<BuildInfo, 'goVersion'> | { error: string };
}

const PARSE_CASES: ParseCase[] = [
  {
    name: "a full record: path, main module, deps, replacements, settings",
    text: "go\tgo1.26.8\npath\texample.com/deps\nmod\texample.com/deps\t(devel)\t\ndep\texample.com/local\tv1.2.3\n=>\t./local\t(devel)\t\ndep\tgithub.com/ianlancetaylor/demangle\tv0.0.0-20260724033716-83e58baca724\n=>\tgithub.com/ianlancetaylor/demangle\tv0.0.0-20250417193237-f615e6bd150b\th1:ogbOPx86mIhFy764gGkqnkFC8m5PJA7sPzlk9ppLVQA=\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\nbuild\t-buildmode=exe\nbuild\t-ldflags=\"-X \\\"main.v=a b\\\"\"\nbuild\t-tags=x,y\nbuild\tCGO_ENABLED=0\n",
    want: {"deps": [{"path": "example.com/local", "version": "v1.2.3", "sum": "", "replace": {"path": "./local", "version": "(devel)", "sum": ""}}, {"path": "github.com/ianlancetaylor/demangle", "version": "v0.0.0-20260724033716-83e58baca724", "sum": "", "replace": {"path": "github.com/ianlancetaylor/demangle", "version": "v0.0.0-20250417193237-f615e6bd150b", "sum": "h1:ogbOPx86mIhFy764gGkqnkFC8m5PJA7sPzlk9ppLVQA="}}, {"path": "golang.org/x/sys", "version": "v0.1.0", "sum": "h1:abc="}], "main": {"path": "example.com/deps", "version": "(devel)", "sum": ""}, "path": "example.com/deps", "settings": [{"key": "-buildmode", "value": "exe"}, {"key": "-ldflags", "value": "-X \"main.v=a b\""}, {"key": "-tags", "value": "x,y"}, {"key": "CGO_ENABLED", "value": "0"}]},
  },
  {
    name: "main module with two columns, dep with three",
    text: "mod\tm\tv1\ndep\td\tv2\th1:x\n",
    want: {"deps": [{"path": "d", "version": "v2", "sum": "h1:x"}], "main": {"path": "m", "version": "v1", "sum": ""}, "path": "", "settings": []},
  },
  {
    name: "the last line without a newline is not read",
    text: "path\tp\nmod\tm\tv1\t\nbuild\tk=v",
    want: {"deps": [], "main": {"path": "m", "version": "v1", "sum": ""}, "path": "p", "settings": []},
  },
  {
    name: "an empty text",
    text: "",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": []},
  },
  {
    name: "quoted key",
    text: "build\t\"a b\"=c\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": [{"key": "a b", "value": "c"}]},
  },
  {
    name: "quoted key with escapes, backquoted value with a carriage return",
    text: "build\t\"k\\x41\\u00e9\\101\"=`x\ry z`\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": [{"key": "kAéA", "value": "xy z"}]},
  },
  {
    name: "quoted value with every escape",
    text: "build\tk=\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\x7f\\xe2\\x82\\xac\\u00e9\\U0001F600\\101 x\"\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": [{"key": "k", "value": "\u0007\b\f\n\r\t\u000b\\\"€é😀A x"}]},
  },
  {
    name: "quoted value of raw bytes that are not UTF-8",
    text: "build\tk=\"\\xff\\xfe x\"\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": [{"key": "k", "value": "�� x"}]},
  },
  {
    name: "ill-formed UTF-8 in a plain value",
    hex: '706174680970ff710a6275696c64096b3d76c30a',
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "p�q", "settings": [{"key": "k", "value": "v�"}]},
  },
  {
    name: "empty value",
    text: "build\tk=\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": [{"key": "k", "value": ""}]},
  },
  {
    name: "value with = inside",
    text: "build\tk=a=b\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "", "settings": [{"key": "k", "value": "a=b"}]},
  },
  {
    name: "unknown lines are skipped",
    text: "hello\nxx\tyy\npath\tp\n\n",
    want: {"deps": [], "main": {"path": "", "version": "", "sum": ""}, "path": "p", "settings": []},
  },
  {
    name: "error: unquoted value with a space",
    text: "build\tk=a b\n",
    want: {"error": "could not parse Go build info: line 1: unquoted value \"a b\" must be quoted"},
  },
  {
    name: "error: unquoted value with a quote",
    text: "build\tk=a\"b\n",
    want: {"error": "could not parse Go build info: line 1: unquoted value \"a\\\"b\" must be quoted"},
  },
  {
    name: "error: missing key",
    text: "build\t=v\n",
    want: {"error": "could not parse Go build info: line 1: build line with missing key"},
  },
  {
    name: "error: no = after key",
    text: "build\tkv\n",
    want: {"error": "could not parse Go build info: line 1: build line missing '=' after key"},
  },
  {
    name: "error: empty build line",
    text: "build\t\n",
    want: {"error": "could not parse Go build info: line 1: build line missing '='"},
  },
  {
    name: "error: unquoted key with a space",
    text: "build\ta b=c\n",
    want: {"error": "could not parse Go build info: line 1: unquoted key \"a b\" must be quoted"},
  },
  {
    name: "error: quoted key without =",
    text: "build\t\"k\"\n",
    want: {"error": "could not parse Go build info: line 1: build line missing '=' after quoted key"},
  },
  {
    name: "error: quoted key then another character",
    text: "build\t\"k\"x=1\n",
    want: {"error": "could not parse Go build info: line 1: unexpected character after quoted key: 'x'"},
  },
  {
    name: "error: bad quoted key",
    text: "build\t\"k=1\n",
    want: {"error": "could not parse Go build info: line 1: invalid quoted key in build line"},
  },
  {
    name: "error: bad escape in a quoted value",
    text: "build\tk=\"\\q\"\n",
    want: {"error": "could not parse Go build info: line 1: invalid quoted value in build line"},
  },
  {
    name: "error: text after a quoted value",
    text: "build\tk=\"a\"b\n",
    want: {"error": "could not parse Go build info: line 1: invalid quoted value in build line"},
  },
  {
    name: "error: surrogate escape",
    text: "build\tk=\"\\ud800\"\n",
    want: {"error": "could not parse Go build info: line 1: invalid quoted value in build line"},
  },
  {
    name: "error: octal escape beyond 255",
    text: "build\tk=\"\\400\"\n",
    want: {"error": "could not parse Go build info: line 1: invalid quoted value in build line"},
  },
  {
    name: "error: dep with one column",
    text: "dep\tonly\n",
    want: {"error": "could not parse Go build info: line 1: expected 2 or 3 columns; got 1"},
  },
  {
    name: "error: mod with four columns",
    text: "mod\ta\tb\tc\td\n",
    want: {"error": "could not parse Go build info: line 1: expected 2 or 3 columns; got 4"},
  },
  {
    name: "error: replacement with two columns",
    text: "dep\td\tv\n=>\tr\tv\n",
    want: {"error": "could not parse Go build info: line 2: expected 3 columns for replacement; got 2"},
  },
  {
    name: "error: replacement with no module before it",
    text: "path\tp\n=>\tr\tv\ts\n",
    want: {"error": "could not parse Go build info: line 2: replacement with no module on previous line"},
  },
  {
    name: "error: two replacements in a row",
    text: "dep\td\tv\n=>\tr\tv\ts\n=>\tr\tv\ts\n",
    want: {"error": "could not parse Go build info: line 3: replacement with no module on previous line"},
  },
  {
    name: "error on line 3",
    text: "path\tp\nmod\tm\tv\t\nbuild\tk\n",
    want: {"error": "could not parse Go build info: line 3: build line missing '=' after key"},
  },
];

const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

describe('parseBuildInfo matches runtime/debug.ParseBuildInfo', () => {
  it.each(PARSE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // The module text is bytes in the binary; godiag decodes it as Go prints strings, then parses.
    const text = c.text ?? decodeUtf8(fromHex(c.hex!));
    if ('error' in c.want) {
      let err: unknown;
      try {
        parseBuildInfo(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GodiagError);
      expect(err).toMatchObject({ code: 'corrupt', format: 'buildinfo', detail: c.want.error });
    } else {
      expect(parseBuildInfo(text)).toEqual(c.want);
    }
  });
});

describe('readBuildInfo matches debug/buildinfo on every executable fixture', () => {
  const manifest = loadManifest();
  const exes = manifest.fixtures.filter((f) => ['elf', 'macho', 'pe'].includes(f.format) && existsSync(join(FIXTURES, f.path)));
  const withGolden = exes.flatMap((f) => {
    const base = join(GOLDENS, f.path.replace(/\.gz$/, ''));
    const p = [`${base}.gosym.json.gz`, `${base}.gosym.json`].find((x) => existsSync(x));
    return p === undefined ? [] : [[f.path, f, p] as const];
  });
  if (withGolden.length === 0) it.skip('no gosym goldens in this clone', () => {});
  it.each(withGolden)('%s', async (_path, f, golden) => {
    const lines = readGolden(golden).trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    const want = lines.find((l) => l.kind === 'BuildInfo');
    const got = await readBuildInfo(await openExecutable(fixtureBytes(f)));
    if (want === undefined) expect(got).toBeUndefined();
    else {
      const { kind: _kind, ...rest } = want;
      expect(got).toEqual(rest);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Synthetic blobs

const MAGIC = '\xff Go buildinf:';
const SEG = 0x500000;

interface Blob {
  inline: boolean;
  ptrSize: 4 | 8;
  little: boolean;
  vers: Uint8Array;
  mod: Uint8Array;
}

/** The module text as the linker stores it: between two 16-byte sentinels. */
function wrapMod(text: Uint8Array): Uint8Array {
  if (text.length === 0) return text;
  const out = new Uint8Array(text.length + 32);
  out.fill(0xa5, 0, 16);
  out.set(text, 16);
  out.fill(0x5a, 16 + text.length);
  return out;
}

function uvarint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * A 64-bit or 32-bit ELF file with one writable PT_LOAD segment and no section headers (so the blob is
 * searched for in the first writable segment, as debug/buildinfo does), the blob at `blobAt`.
 */
function elfWithBlob(b: Blob, segSize: number, blobAt: number, decoys: number[]): Uint8Array {
  const class64 = b.ptrSize === 8;
  const eh = class64 ? 64 : 52;
  const ph = class64 ? 56 : 32;
  const dataOff = 0x1000;
  const file = new Uint8Array(dataOff + segSize);
  const v = new DataView(file.buffer);
  const le = b.little;
  file.set([0x7f, 0x45, 0x4c, 0x46, class64 ? 2 : 1, le ? 1 : 2, 1, 0]);
  v.setUint16(16, 2, le);
  v.setUint16(18, class64 ? 62 : 3, le);
  v.setUint32(20, 1, le);
  if (class64) {
    v.setBigUint64(32, BigInt(eh), le);
    v.setUint16(54, ph, le);
    v.setUint16(56, 1, le);
    v.setUint32(eh, 1, le);
    v.setUint32(eh + 4, 6, le);
    v.setBigUint64(eh + 8, BigInt(dataOff), le);
    v.setBigUint64(eh + 16, BigInt(SEG), le);
    v.setBigUint64(eh + 32, BigInt(segSize), le);
    v.setBigUint64(eh + 40, BigInt(segSize), le);
  } else {
    v.setUint32(28, eh, le);
    v.setUint16(42, ph, le);
    v.setUint16(44, 1, le);
    v.setUint32(eh, 1, le);
    v.setUint32(eh + 4, dataOff, le);
    v.setUint32(eh + 8, SEG, le);
    v.setUint32(eh + 16, segSize, le);
    v.setUint32(eh + 20, segSize, le);
    v.setUint32(eh + 24, 6, le);
  }
  const put = (at: number, bytes: ArrayLike<number>) => file.set(bytes, dataOff + at);
  const magic = Array.from(MAGIC, (c) => c.charCodeAt(0));
  for (const d of decoys) put(d, magic);
  put(blobAt, magic);
  file[dataOff + blobAt + 14] = b.ptrSize;
  file[dataOff + blobAt + 15] = (b.inline ? 2 : 0) | (b.little ? 0 : 1);
  if (b.inline) {
    const body = [...uvarint(b.vers.length), ...b.vers, ...uvarint(b.mod.length), ...b.mod];
    put(blobAt + 32, body);
  } else {
    // Two string headers right after the blob, their bytes after that.
    const hdrs = blobAt + 32;
    const versAt = hdrs + 4 * b.ptrSize;
    const modAt = versAt + b.vers.length;
    const word = (at: number, x: number) => (b.ptrSize === 8 ? v.setBigUint64(dataOff + at, BigInt(x), le) : v.setUint32(dataOff + at, x, le));
    word(blobAt + 16, SEG + hdrs);
    word(blobAt + 16 + b.ptrSize, SEG + hdrs + 2 * b.ptrSize);
    word(hdrs, SEG + versAt);
    word(hdrs + b.ptrSize, b.vers.length);
    word(hdrs + 2 * b.ptrSize, SEG + modAt);
    word(hdrs + 3 * b.ptrSize, b.mod.length);
    put(versAt, b.vers);
    put(modAt, b.mod);
  }
  return file;
}

const enc = (s: string) => new TextEncoder().encode(s);
const goodCases = PARSE_CASES.filter((c) => !('error' in c.want));

describe('the build info blob', () => {
  test.prop(
    [
      fc.boolean(),
      fc.constantFrom<4 | 8>(4, 8),
      fc.boolean(),
      fc.stringMatching(/^go1\.[0-9]{1,2}(\.[0-9]{1,2})?$/),
      fc.constantFrom(...goodCases),
      fc.integer({ min: 0, max: (2_500_000 >> 4) - 40 }),
      fc.array(fc.integer({ min: 0, max: 2_500_000 - 20 }), { maxLength: 4 }),
    ],
    { numRuns: 60 },
  )('found at any 16-byte-aligned place, either form, either byte order and pointer size', async (inline, ptrSize, little, vers, c, slot, decoys) => {
    const blobAt = slot * 16;
    // A magic number at an unaligned place, or inside the blob's own data, is not the blob. (debug/buildinfo
    // of Go 1.26 misses the blob when such a copy precedes it in the same 1 MiB chunk: see searchMagic.)
    const unaligned = decoys.map((d) => (d % 16 === 0 ? d + 1 : d)).filter((d) => d < blobAt - 16 || d > blobAt + 600);
    const text = c.text !== undefined ? enc(c.text) : fromHex(c.hex!);
    const complete = text.length > 0 && text[text.length - 1] === 0x0a;
    const seg = Math.max(2_500_000, blobAt + 1024);
    const bytes = elfWithBlob({ inline, ptrSize, little, vers: enc(vers), mod: wrapMod(text) }, seg, blobAt, unaligned);
    const exe = await openExecutable(bytes);
    const raw = await readRawBuildInfo(exe);
    expect(raw?.addr).toBe(BigInt(SEG + blobAt));
    expect(raw?.goVersion).toBe(vers);
    // The text comes back when the linker's sentinels frame it (it then ends in a newline).
    expect(raw?.modinfo).toBe(complete ? decodeUtf8(text) : '');
    const bi = await readBuildInfo(exe);
    expect(bi).toEqual({ goVersion: vers, ...(complete ? c.want : parseBuildInfo('')) });
  });

  it('no blob: undefined; a blob whose version string is empty: a GodiagError', async () => {
    const none = elfWithBlob({ inline: true, ptrSize: 8, little: true, vers: enc('go1.26'), mod: new Uint8Array(0) }, 4096, 32, []);
    none.fill(0, 0x1000 + 32, 0x1000 + 48);
    expect(await readBuildInfo(await openExecutable(none))).toBeUndefined();
    const empty = elfWithBlob({ inline: true, ptrSize: 8, little: true, vers: new Uint8Array(0), mod: new Uint8Array(0) }, 4096, 32, []);
    await expect(readBuildInfo(await openExecutable(empty))).rejects.toMatchObject({ code: 'corrupt', format: 'buildinfo' });
    const ptrs = elfWithBlob({ inline: false, ptrSize: 8, little: true, vers: enc('go1.13'), mod: new Uint8Array(0) }, 4096, 32, []);
    ptrs.fill(0xee, 0x1000 + 48, 0x1000 + 56); // the version's pointer leads nowhere
    await expect(readBuildInfo(await openExecutable(ptrs))).rejects.toBeInstanceOf(GodiagError);
  });

  it('a blob cut short by the end of the segment', async () => {
    const b = elfWithBlob({ inline: true, ptrSize: 8, little: true, vers: enc('go1.26'), mod: wrapMod(enc('path\tp\n')) }, 8192, 4096 - 48, []);
    const v = new DataView(b.buffer);
    v.setBigUint64(64 + 32, 4096n, true); // the segment ends inside the module text
    v.setBigUint64(64 + 40, 4096n, true);
    await expect(readBuildInfo(await openExecutable(b))).rejects.toBeInstanceOf(GodiagError);
  });
});
