/**
 * Format detection from the first bytes of a file: which Go diagnostic format it is, and the facts its
 * header states (trace version, executable class and architecture, compression).
 * @module
 */

import { ByteCursor } from './internal/cursor.js';
import { ErrorCode, GodiagError } from './internal/errors.js';
import { detectCompression, decompressPrefix, type Compression } from './internal/compression.js';
import { ProtoReader } from './internal/protowire.js';
import { parseTraceHeader } from './trace/header.js';

/** How many leading bytes {@link detect} needs to decide for every format (PE headers may sit later). */
export const DETECT_BYTES = 64 * 1024;

/** An execution trace: `go 1.N trace` header. */
export interface DetectedTrace {
  /** Discriminant: which format was found. */
  format: 'trace';
  /** The trace format version from the header, e.g. "1.23" (Go 1.24 writes 1.23). */
  version: string;
}

/** A profile.proto profile, gzip-compressed (as Go writes it) or raw. */
export interface DetectedPprof {
  /** Discriminant: which format was found. */
  format: 'pprof';
  /** `gzip` as Go writes profiles, or `none` for a raw protobuf. */
  compression: 'gzip' | 'none';
}

/** A profile in Go's legacy binary CPU format (before Go 1.9 wrote protobuf). */
export interface DetectedLegacyCpuProfile {
  /** Discriminant: which format was found. */
  format: 'pprof-legacy-cpu';
}

/** One of Go's text profiles (`?debug=1`). */
export interface DetectedTextProfile {
  /** Discriminant: which format was found. */
  format: 'pprof-text';
  /** Which profile the header line names. */
  profile: 'heap' | 'goroutine' | 'threadcreate' | 'contention' | 'mutex';
}

/** A goroutine dump (`goroutine?debug=2`, `runtime.Stack(all)`, a crash's traceback). */
export interface DetectedGoroutineDump {
  /** Discriminant: which format was found. */
  format: 'goroutine-dump';
}

/** An ELF file (executable, shared object, relocatable, or core). */
export interface DetectedElf {
  /** Discriminant: which format was found. */
  format: 'elf';
  /** `EI_CLASS`: 32- or 64-bit. */
  class: 32 | 64;
  /** `EI_DATA`: the byte order of the file. */
  byteOrder: 'little' | 'big';
  /** `EI_OSABI`. */
  osabi: number;
  /** `e_type`: 1 relocatable, 2 executable, 3 shared object (PIE), 4 core. */
  type: number;
  /** `e_machine`. */
  machine: number;
  /** Entry point address (`bigint`: an address). */
  entry: bigint;
  /** The GOARCH name of `machine`, when Go has one. */
  arch?: string;
}

/** A thin Mach-O file. */
export interface DetectedMachO {
  /** Discriminant: which format was found. */
  format: 'macho';
  /** 32- or 64-bit, from the magic number. */
  bits: 32 | 64;
  /** The byte order of the file, from the magic number. */
  byteOrder: 'little' | 'big';
  /** `cputype`. */
  cpu: number;
  /** `filetype`: 2 executable, 4 core, 6 dylib, … */
  type: number;
  /** The GOARCH name of `cpu`, when Go has one. */
  arch?: string;
}

/** A universal (fat) Mach-O file. */
export interface DetectedMachOUniversal {
  /** Discriminant: which format was found. */
  format: 'macho-universal';
  /** The architectures it contains, in file order. */
  arches: {
    /** `cputype`. */
    cpu: number;
    /** The GOARCH name of `cpu`, when Go has one. */
    arch?: string;
  }[];
}

/** A PE (Windows) image. */
export interface DetectedPe {
  /** Discriminant: which format was found. */
  format: 'pe';
  /** COFF `Machine`. */
  machine: number;
  /** 64 for a PE32+ optional header, else 32. */
  bits: 32 | 64;
  /** The GOARCH name of `machine`, when Go has one. */
  arch?: string;
}

/** runtime/metrics values in one of the encodings the metrics reader knows. */
export interface DetectedMetrics {
  /** Discriminant: which format was found. */
  format: 'metrics';
  /** Which text encoding carries the values. */
  encoding: 'prometheus-text' | 'expvar-json' | 'runtime-metrics-json';
}

/** What {@link detect} found. `compression` is set when a gzip or zlib wrapper was removed to find it. */
export type Detected = (
  | DetectedTrace
  | DetectedPprof
  | DetectedLegacyCpuProfile
  | DetectedTextProfile
  | DetectedGoroutineDump
  | DetectedElf
  | DetectedMachO
  | DetectedMachOUniversal
  | DetectedPe
  | DetectedMetrics
) & {
  /** Set when a gzip or zlib wrapper had to be removed to find the format. */
  wrapper?: Exclude<Compression, 'none'>;
};

/**
 * Identifies a Go diagnostic format from the leading bytes of a file. Pass at least {@link DETECT_BYTES}
 * (or the whole file, if shorter); `complete` says whether `head` is the whole file.
 * @throws GodiagError with code `not-format` for anything else.
 */
export function detect(head: Uint8Array, complete = head.length < DETECT_BYTES): Detected {
  const compression = detectCompression(head);
  const inner = compression === 'none' ? undefined : inflatedPrefix(head, compression);
  if (compression !== 'none' && inner !== undefined) {
    if (compression === 'gzip' && looksLikeProfileProto(inner, complete && inner.length < DETECT_BYTES)) {
      return { format: 'pprof', compression: 'gzip' };
    }
    const found = detectPlain(inner);
    if (found) return { ...found, wrapper: compression };
    throw notKnown(`${compression}-compressed data that is not`);
  }
  const found = detectPlain(head);
  if (found) return found;
  if (looksLikeProfileProto(head, complete)) return { format: 'pprof', compression: 'none' };
  throw notKnown('data that is not');
}

/**
 * The start of compressed data, inflated. A zlib header is two bytes with a 1-in-31 check, so plain bytes
 * can look like one: zlib data that does not inflate is taken for plain bytes (`undefined`). A gzip magic
 * number is not an accident, so broken gzip data stays an error.
 */
function inflatedPrefix(head: Uint8Array, compression: 'gzip' | 'zlib'): Uint8Array | undefined {
  try {
    return decompressPrefix(head, compression, DETECT_BYTES);
  } catch (e) {
    if (compression === 'zlib' && e instanceof GodiagError) return undefined;
    throw e;
  }
}

function notKnown(what: string): GodiagError {
  return new GodiagError(ErrorCode.NotFormat, {
    format: 'input',
    offset: 0,
    message: `${what} a Go diagnostic format I know (execution trace, pprof profile, goroutine dump, metrics, ELF/Mach-O/PE executable or core)`,
  });
}

function startsWith(b: Uint8Array, s: string, at = 0): boolean {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

type Plain = Exclude<Detected, DetectedPprof>;

function detectPlain(b: Uint8Array): Plain | undefined {
  if (startsWith(b, 'go 1.')) return detectTrace(b);
  if (startsWith(b, '\x7fELF')) return detectElf(b);
  if (b.length >= 4) {
    const be = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, false);
    if (be === 0xfeedface || be === 0xfeedfacf || be === 0xcefaedfe || be === 0xcffaedfe) return detectMachO(b);
    if (be === 0xcafebabe && b.length >= 8) {
      // Java class files share this magic; their second word (a version) is never below 20.
      const n = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4, false);
      if (n > 0 && n < 20) return detectUniversal(b, n);
    }
  }
  if (startsWith(b, 'MZ')) return detectPe(b);
  if (isLegacyCpuProfile(b)) return { format: 'pprof-legacy-cpu' };
  return detectText(b);
}

function detectTrace(b: Uint8Array): DetectedTrace | undefined {
  try {
    return { format: 'trace', version: parseTraceHeader(b).version };
  } catch {
    return undefined;
  }
}

const ELF_ARCH: Record<number, string | ((class64: boolean, little: boolean) => string)> = {
  3: '386',
  62: 'amd64',
  40: 'arm',
  183: 'arm64',
  21: (_c, little) => (little ? 'ppc64le' : 'ppc64'),
  22: 's390x',
  243: 'riscv64',
  8: (c64, little) => (c64 ? 'mips64' : 'mips') + (little ? 'le' : ''),
  258: 'loong64',
};

function detectElf(b: Uint8Array): DetectedElf {
  const c = new ByteCursor(b, 'elf');
  c.skip(4, 'the ELF magic');
  const cls = c.u8();
  const data = c.u8();
  if (cls !== 1 && cls !== 2) throw c.error(ErrorCode.Corrupt, `unknown ELF class ${cls}, expected 1 (32-bit) or 2 (64-bit)`, 4);
  if (data !== 1 && data !== 2) throw c.error(ErrorCode.Corrupt, `unknown ELF data encoding ${data}, expected 1 (little-endian) or 2 (big-endian)`, 5);
  c.littleEndian = data === 1;
  c.skip(1, 'the ELF identification'); // EI_VERSION
  const osabi = c.u8();
  c.seek(16);
  const type = c.u16();
  const machine = c.u16();
  c.u32(); // e_version
  const entry = cls === 2 ? c.u64() : BigInt(c.u32());
  const archOf = ELF_ARCH[machine];
  const arch = typeof archOf === 'function' ? archOf(cls === 2, data === 1) : archOf;
  const out: DetectedElf = { format: 'elf', class: cls === 2 ? 64 : 32, byteOrder: data === 1 ? 'little' : 'big', osabi, type, machine, entry };
  if (arch !== undefined) out.arch = arch;
  return out;
}

const MACHO_ARCH: Record<number, string> = {
  7: '386',
  0x1000007: 'amd64',
  12: 'arm',
  0x100000c: 'arm64',
  0x1000012: 'ppc64',
};

function withArch<T extends object>(o: T, arch: string | undefined): T & { arch?: string } {
  return arch === undefined ? o : { ...o, arch };
}

function detectMachO(b: Uint8Array): DetectedMachO {
  const c = new ByteCursor(b, 'macho', { littleEndian: false });
  const magic = c.u32be();
  const little = magic === 0xcefaedfe || magic === 0xcffaedfe;
  c.littleEndian = little;
  const cpu = c.u32();
  c.u32(); // cpusubtype
  const type = c.u32();
  const bits: 32 | 64 = magic === 0xfeedfacf || magic === 0xcffaedfe ? 64 : 32;
  return withArch({ format: 'macho' as const, bits, byteOrder: little ? 'little' : 'big', cpu, type }, MACHO_ARCH[cpu]);
}

function detectUniversal(b: Uint8Array, n: number): DetectedMachOUniversal {
  const c = new ByteCursor(b, 'macho', { littleEndian: false });
  c.skip(8, 'the universal header');
  const arches: { cpu: number; arch?: string }[] = [];
  for (let i = 0; i < n; i++) {
    const cpu = c.u32();
    c.skip(16, 'a universal architecture entry');
    arches.push(withArch({ cpu }, MACHO_ARCH[cpu]));
  }
  return { format: 'macho-universal', arches };
}

const PE_ARCH: Record<number, string> = { 0x14c: '386', 0x8664: 'amd64', 0x1c0: 'arm', 0x1c4: 'arm', 0xaa64: 'arm64' };

function detectPe(b: Uint8Array): DetectedPe | undefined {
  const c = new ByteCursor(b, 'pe');
  if (b.length < 0x40) return undefined;
  c.seek(0x3c);
  const lfanew = c.u32le();
  if (lfanew + 4 > b.length) {
    if (b.length >= DETECT_BYTES) throw c.error(ErrorCode.Corrupt, `PE header offset ${lfanew} lies beyond the first ${DETECT_BYTES} bytes`, 0x3c);
    return undefined; // an "MZ" text file, most likely
  }
  c.seek(lfanew);
  if (!startsWith(b, 'PE\0\0', lfanew)) return undefined;
  c.skip(4);
  const machine = c.u16le();
  c.skip(14, 'the COFF header');
  const optSize = c.u16le();
  c.skip(2, 'the COFF header');
  const bits: 32 | 64 = optSize > 0 && c.u16le() === 0x20b ? 64 : 32;
  return withArch({ format: 'pe' as const, machine, bits }, PE_ARCH[machine]);
}

/** Go's legacy CPU profile starts with the words 0, 3, 0, period, 0 (4 or 8 bytes each, either order). */
function isLegacyCpuProfile(b: Uint8Array): boolean {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const size of [8, 4]) {
    if (b.length < size * 5) continue;
    for (const little of [true, false]) {
      const w = (i: number) => (size === 8 ? Number(v.getBigUint64(i * 8, little)) : v.getUint32(i * 4, little));
      if (w(0) === 0 && w(1) === 3 && w(2) === 0 && w(3) > 0 && w(4) === 0) return true;
    }
  }
  return false;
}

function detectText(b: Uint8Array): Plain | undefined {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 4096));
  const first = text.trimStart();
  if (/^heap profile: /.test(first)) return { format: 'pprof-text', profile: 'heap' };
  if (/^goroutine profile: total \d+/.test(first)) return { format: 'pprof-text', profile: 'goroutine' };
  if (/^threadcreate profile: total \d+/.test(first)) return { format: 'pprof-text', profile: 'threadcreate' };
  if (/^--- contention:/.test(first)) return { format: 'pprof-text', profile: 'contention' };
  if (/^--- mutex:/.test(first)) return { format: 'pprof-text', profile: 'mutex' };
  if (/^goroutine \d+ (gp=0x[0-9a-f]+ m=\S+ mp=0x[0-9a-f]+ )?\[/m.test(text)) return { format: 'goroutine-dump' };
  if (/^# (HELP|TYPE) [a-zA-Z_:]/.test(first)) return { format: 'metrics', encoding: 'prometheus-text' };
  if (first.startsWith('{') && /"memstats"\s*:/.test(text)) return { format: 'metrics', encoding: 'expvar-json' };
  if (/^[{[]/.test(first) && /"\/[a-z]+\/[^"]*:[^"]+"/.test(text)) return { format: 'metrics', encoding: 'runtime-metrics-json' };
  return undefined;
}

// Protobuf wire types used by profile.proto.
const VARINT = 0;
const LEN = 2;

/** profile.proto's top-level fields and their wire types (13, `comment`, may be packed or not). */
const PROFILE_FIELDS: Record<number, readonly number[]> = {
  1: [LEN], 2: [LEN], 3: [LEN], 4: [LEN], 5: [LEN], 6: [LEN], 7: [VARINT], 8: [VARINT], 9: [VARINT],
  10: [VARINT], 11: [LEN], 12: [VARINT], 13: [VARINT, LEN], 14: [VARINT], 15: [LEN],
};

/**
 * Walks top-level protobuf fields: every one must be a profile.proto field with its wire type. A raw
 * protobuf has no magic number, so this is a structural check over the bytes we have.
 */
function looksLikeProfileProto(b: Uint8Array, complete: boolean): boolean {
  if (b.length === 0) return false;
  const r = new ProtoReader(b);
  let fields = 0;
  try {
    while (r.nextField(b.length)) {
      if (!PROFILE_FIELDS[r.field]?.includes(r.wireType)) return false;
      r.skip(b.length);
      fields++;
    }
    return true;
  } catch (e) {
    // Running off the end of a prefix is expected; anything else means "not a profile".
    return !complete && fields > 0 && e instanceof GodiagError && e.code === ErrorCode.Truncated;
  }
}
