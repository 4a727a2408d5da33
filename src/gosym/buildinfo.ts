/**
 * Go build information (`go version -m`): the `\xff Go buildinf:` blob the linker writes into the data
 * segment, in the pointer form of Go 1.13–1.17 and the inline form of 1.18+, and the module text it
 * carries, read as debug/buildinfo and runtime/debug.ParseBuildInfo read them.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import { Limits, checkLimit } from '../internal/limits.js';
import { decodeUtf8, encodeUtf8 } from '../internal/utf8.js';
import { hex } from './container/base.js';
import { PeExecutable } from './container/pe.js';
import { scanRange } from './container/scan.js';
import type { Executable } from './container/types.js';

/** A module of the build (runtime/debug.Module). */
export interface Module {
  /** Module path. */
  path: string;
  /** Module version (`(devel)` for the main module of a source build). */
  version: string;
  /** Checksum (`h1:…`), or "". */
  sum: string;
  /** The module that replaced this one, if any. */
  replace?: Module;
}

/** One build setting (runtime/debug.BuildSetting): `-trimpath=true`, `GOARCH=amd64`, `vcs.revision=…`. */
export interface BuildSetting {
  /** Setting name. */
  key: string;
  /** Setting value. */
  value: string;
}

/** Build information (runtime/debug.BuildInfo). */
export interface BuildInfo {
  /** Toolchain version, e.g. `go1.26.8`. */
  goVersion: string;
  /** Package path of the main package. */
  path: string;
  /** The main module (all fields "" when the binary was built outside module mode). */
  main: Module;
  /** Dependency modules, in the order recorded. */
  deps: Module[];
  /** Build settings, in the order recorded. */
  settings: BuildSetting[];
}

const MAGIC = '\xff Go buildinf:';
const ALIGN = 16;
const HEADER_SIZE = 32;

/**
 * Reads the build information of a Go executable, as debug/buildinfo does: the blob is found in the
 * `.go.buildinfo`/`__go_buildinfo` section or the first writable data segment (PE: section).
 * @returns `undefined` when there is no blob (not a Go binary, or one older than Go 1.13).
 * @throws GodiagError (`buildinfo`) when the blob is there but its strings or module text are broken.
 */
export async function readBuildInfo(exe: Executable): Promise<BuildInfo | undefined> {
  const raw = await readRawBuildInfo(exe);
  if (raw === undefined) return undefined;
  return { goVersion: raw.goVersion, ...parseBuildInfo(raw.modinfo) };
}

/** The two strings of the blob: the Go version and the module text (sentinels removed; "" if absent). */
export interface RawBuildInfo {
  /** Address of the blob. */
  addr: bigint;
  /** Toolchain version. */
  goVersion: string;
  /** The module text that runtime/debug.ParseBuildInfo reads. */
  modinfo: string;
}

/** Finds the blob and reads its two strings; `undefined` when there is no blob. */
export async function readRawBuildInfo(exe: Executable): Promise<RawBuildInfo | undefined> {
  const range = dataStart(exe);
  if (range === undefined) return undefined;
  const addr = await searchMagic(exe, range.addr, range.size);
  if (addr === undefined) return undefined;
  const header = await readData(exe, addr, HEADER_SIZE);
  if (header.length < HEADER_SIZE) throw broken(addr, 'the build info header is cut short');
  const flags = header[15]!;
  let vers: Uint8Array;
  let mod: Uint8Array;
  if ((flags & 2) !== 0) {
    // Inline form (1.18+): two varint-prefixed strings right after the header.
    const v = await decodeString(exe, addr + BigInt(HEADER_SIZE));
    vers = v.bytes;
    mod = (await decodeString(exe, v.next)).bytes;
  } else {
    // Pointer form (1.13–1.17): pointers to the two Go string headers, in the blob's byte order.
    const ptrSize = header[14]!;
    if (ptrSize !== 4 && ptrSize !== 8) throw broken(addr, `pointer size ${ptrSize} is not 4 or 8`);
    const little = (flags & 1) === 0;
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const ptr = (b: DataView, at: number) => (ptrSize === 8 ? b.getBigUint64(at, little) : BigInt(b.getUint32(at, little)));
    const readString = async (at: bigint): Promise<Uint8Array> => {
      // debug/buildinfo treats an unreadable string as empty.
      try {
        const h = await readData(exe, at, 2 * ptrSize);
        if (h.length < 2 * ptrSize) return new Uint8Array(0);
        const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
        const len = ptr(hv, ptrSize);
        if (len > BigInt(Limits.maxStringBytes)) return new Uint8Array(0);
        const data = await readData(exe, ptr(hv, 0), Number(len));
        return data.length < Number(len) ? new Uint8Array(0) : data;
      } catch (e) {
        if (e instanceof GodiagError) return new Uint8Array(0);
        throw e;
      }
    };
    vers = await readString(ptr(view, 16));
    mod = await readString(ptr(view, 16 + ptrSize));
  }
  if (vers.length === 0) throw broken(addr, 'the Go version string is empty or unreadable');
  // The module text is wrapped in 16-byte sentinels, each ending in a newline.
  const modinfo = mod.length >= 33 && mod[mod.length - 17] === 0x0a ? mod.subarray(16, mod.length - 16) : new Uint8Array(0);
  return { addr, goVersion: decodeUtf8(vers), modinfo: decodeUtf8(modinfo) };
}

function broken(addr: bigint, what: string): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format: 'buildinfo', offset: 0, message: `build info at ${hex(addr)}: ${what}` });
}

/** Where the blob may be: the named section, else the first writable data segment (PE: section). */
function dataStart(exe: Executable): { addr: bigint; size: number } | undefined {
  const named = exe.section('.go.buildinfo') ?? exe.section('__go_buildinfo');
  if (named !== undefined) return { addr: named.addr, size: named.size };
  if (exe instanceof PeExecutable) {
    const INITIALIZED_DATA = 0x40;
    const READ = 0x40000000;
    const WRITE = 0x80000000;
    const ALIGN_32 = 0x600000;
    for (const s of exe.peSections) {
      if (s.virtualAddress !== 0 && s.sizeOfRawData !== 0 && ((s.characteristics & ~ALIGN_32) >>> 0) === ((INITIALIZED_DATA | READ | WRITE) >>> 0)) {
        return { addr: exe.imageBase + BigInt(s.virtualAddress), size: s.virtualSize };
      }
    }
    return undefined;
  }
  const seg = exe.segments.find((s) => s.writable && !s.executable && s.fileSize > 0 && s.addr !== 0n);
  return seg === undefined ? undefined : { addr: seg.addr, size: seg.size };
}

/**
 * The magic at a 16-byte-aligned address in `[start, start + size)`, searched in chunks. Unlike
 * debug/buildinfo of Go 1.26, a misaligned copy of the magic earlier in the same 1 MiB chunk does not
 * hide the blob (Go resumes its search in a shifted slice and then reports an address off by the shift).
 */
async function searchMagic(exe: Executable, start: bigint, size: number): Promise<bigint | undefined> {
  const aligned = (start + BigInt(ALIGN - 1)) & ~BigInt(ALIGN - 1);
  const seg = exe.segmentAt(aligned);
  if (seg === undefined) return undefined;
  let end = start + BigInt(size);
  const fileEnd = seg.addr + BigInt(seg.fileSize);
  if (end > fileEnd) end = fileEnd;
  if (aligned >= end) return undefined;
  return scanRange(exe, aligned, end, ALIGN, (chunk, chunkAddr) => {
    // chunkAddr stays 16-aligned: chunks advance by the chunk size minus a multiple of 16.
    for (let i = 0; i + MAGIC.length <= chunk.length; i += ALIGN) {
      let j = 0;
      while (j < MAGIC.length && chunk[i + j] === MAGIC.charCodeAt(j)) j++;
      if (j === MAGIC.length) return chunkAddr + BigInt(i);
    }
    return undefined;
  });
}

/** Reads up to `length` bytes at `addr`, fewer where the segment's file bytes end (as debug/buildinfo). */
async function readData(exe: Executable, addr: bigint, length: number): Promise<Uint8Array> {
  const seg = exe.segmentAt(addr);
  if (seg === undefined) throw broken(addr, 'address is not in a file-backed segment');
  const avail = Number(seg.addr + BigInt(seg.fileSize) - addr);
  return exe.readAddress(addr, Math.min(length, avail));
}

async function decodeString(exe: Executable, addr: bigint): Promise<{ bytes: Uint8Array; next: bigint }> {
  const b = await readData(exe, addr, 10);
  let len = 0;
  let mul = 1;
  let n = 0;
  for (;;) {
    if (n >= b.length || n >= 10) throw broken(addr, 'bad string length varint');
    const x = b[n++]!;
    len += (x & 0x7f) * mul;
    mul *= 128;
    if (x < 0x80) break;
  }
  checkLimit(len, Limits.maxStringBytes, 'buildinfo', 0, 'build info string length');
  const start = addr + BigInt(n);
  const bytes = await readData(exe, start, len);
  if (bytes.length < len) throw broken(addr, `string of ${len} bytes runs past the segment`);
  return { bytes, next: start + BigInt(len) };
}

/** A syntax error of the module text, with its 1-based line number. */
class BuildInfoSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses the module text of build information, as runtime/debug.ParseBuildInfo does (the `go` line is
 * ignored: the version comes from the blob).
 * @throws GodiagError (`buildinfo`, `corrupt`) naming the line, with Go's message.
 */
export function parseBuildInfo(text: string): Omit<BuildInfo, 'goVersion'> {
  try {
    return parseBuildInfoText(text);
  } catch (e) {
    if (e instanceof BuildInfoSyntaxError) {
      throw new GodiagError(ErrorCode.Corrupt, { format: 'buildinfo', offset: 0, message: `could not parse Go build info: line ${e.line}: ${e.message}` });
    }
    throw e;
  }
}

function parseBuildInfoText(text: string): Omit<BuildInfo, 'goVersion'> {
  const out: Omit<BuildInfo, 'goVersion'> = { path: '', main: { path: '', version: '', sum: '' }, deps: [], settings: [] };
  let lineNum = 1;
  let last: Module | undefined;
  const moduleLine = (elem: string[]): Module => {
    if (elem.length !== 2 && elem.length !== 3) throw new BuildInfoSyntaxError(lineNum, `expected 2 or 3 columns; got ${elem.length}`);
    return { path: elem[0]!, version: elem[1]!, sum: elem[2] ?? '' };
  };
  let rest = text;
  for (;;) {
    const nl = rest.indexOf('\n');
    // A last line without its newline is not read (as in Go).
    if (nl < 0) break;
    const line = rest.slice(0, nl);
    rest = rest.slice(nl + 1);
    if (line.startsWith('path\t')) {
      out.path = line.slice(5);
    } else if (line.startsWith('mod\t')) {
      out.main = moduleLine(line.slice(4).split('\t'));
      last = out.main;
    } else if (line.startsWith('dep\t')) {
      const m = moduleLine(line.slice(4).split('\t'));
      out.deps.push(m);
      last = m;
    } else if (line.startsWith('=>\t')) {
      const elem = line.slice(3).split('\t');
      if (elem.length !== 3) throw new BuildInfoSyntaxError(lineNum, `expected 3 columns for replacement; got ${elem.length}`);
      if (last === undefined) throw new BuildInfoSyntaxError(lineNum, 'replacement with no module on previous line');
      last.replace = { path: elem[0]!, version: elem[1]!, sum: elem[2]! };
      last = undefined;
    } else if (line.startsWith('build\t')) {
      out.settings.push(buildSetting(line.slice(6), lineNum));
    }
    lineNum++;
  }
  return out;
}

function quoteKey(key: string): boolean {
  return key.length === 0 || /[= \t\r\n"`]/.test(key);
}

function quoteValue(value: string): boolean {
  return /[ \t\r\n"`]/.test(value);
}

function buildSetting(kv: string, lineNum: number): BuildSetting {
  if (kv.length < 1) throw new BuildInfoSyntaxError(lineNum, "build line missing '='");
  let key: string;
  let rawValue: string;
  const c0 = kv[0];
  if (c0 === '=') throw new BuildInfoSyntaxError(lineNum, 'build line with missing key');
  if (c0 === '`' || c0 === '"') {
    const q = unquote(kv);
    if (q === undefined) throw new BuildInfoSyntaxError(lineNum, 'invalid quoted key in build line');
    const rawKeyLen = kv.length - q.rest.length;
    if (q.rest.length === 0) throw new BuildInfoSyntaxError(lineNum, "build line missing '=' after quoted key");
    if (q.rest[0] !== '=') throw new BuildInfoSyntaxError(lineNum, `unexpected character after quoted key: ${goQuoteRune(q.rest)}`);
    key = q.value;
    rawValue = kv.slice(rawKeyLen + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new BuildInfoSyntaxError(lineNum, "build line missing '=' after key");
    key = kv.slice(0, eq);
    rawValue = kv.slice(eq + 1);
    if (quoteKey(key)) throw new BuildInfoSyntaxError(lineNum, `unquoted key ${goQuote(key)} must be quoted`);
  }
  let value = '';
  if (rawValue.length > 0) {
    if (rawValue[0] === '`' || rawValue[0] === '"') {
      const q = unquote(rawValue);
      if (q === undefined || q.rest.length !== 0) throw new BuildInfoSyntaxError(lineNum, 'invalid quoted value in build line');
      value = q.value;
    } else {
      value = rawValue;
      if (quoteValue(value)) throw new BuildInfoSyntaxError(lineNum, `unquoted value ${goQuote(value)} must be quoted`);
    }
  }
  return { key, value };
}

/**
 * A Go string literal at the start of `s` ("…" with escapes, or `…` raw), as strconv's unquote reads
 * it: the value, and the text after the literal. Escapes such as `\xff` make bytes, so the value is built
 * as bytes and decoded the way Go strings print.
 */
function unquote(s: string): { value: string; rest: string } | undefined {
  const quote = s[0];
  if (quote === '`') {
    const end = s.indexOf('`', 1);
    if (end < 0) return undefined;
    // Carriage returns inside raw strings are discarded.
    return { value: s.slice(1, end).replace(/\r/g, ''), rest: s.slice(end + 1) };
  }
  if (quote !== '"') return undefined;
  const bytes: number[] = [];
  let i = 1;
  for (;;) {
    if (i >= s.length) return undefined;
    const c = s.codePointAt(i)!;
    if (c === 0x22) break;
    if (c === 0x0a) return undefined;
    if (c !== 0x5c) {
      for (const b of encodeUtf8(String.fromCodePoint(c))) bytes.push(b);
      i += c > 0xffff ? 2 : 1;
      continue;
    }
    const e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a': bytes.push(7); break;
      case 'b': bytes.push(8); break;
      case 'f': bytes.push(12); break;
      case 'n': bytes.push(10); break;
      case 'r': bytes.push(13); break;
      case 't': bytes.push(9); break;
      case 'v': bytes.push(11); break;
      case '\\': bytes.push(0x5c); break;
      case '"': bytes.push(0x22); break;
      case 'x':
      case 'u':
      case 'U': {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const digits = s.slice(i, i + n);
        if (digits.length < n || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
        i += n;
        const v = parseInt(digits, 16);
        if (e === 'x') bytes.push(v);
        else {
          if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
          for (const b of encodeUtf8(String.fromCodePoint(v))) bytes.push(b);
        }
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        const digits = s.slice(i - 1, i + 2);
        if (digits.length < 3 || !/^[0-7]{3}$/.test(digits)) return undefined;
        const v = parseInt(digits, 8);
        if (v > 255) return undefined;
        bytes.push(v);
        i += 2;
        break;
      }
      default:
        return undefined;
    }
  }
  return { value: decodeUtf8(Uint8Array.from(bytes)), rest: s.slice(i + 1) };
}

/** Go's %q of a string, for messages. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %q of the byte after a quoted key, for messages. */
function goQuoteRune(rest: string): string {
  return `'${rest[0]}'`;
}
