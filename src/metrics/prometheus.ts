/**
 * Prometheus text exposition 0.0.4 and OpenMetrics 1.0: a streaming, line-based parser.
 *
 * Input arrives in chunks of any size; lines are cut at `\n`, each line is decoded from UTF-8 once and
 * scanned by index. A family is yielded as soon as a line of another family starts, so memory is bounded by
 * one family plus the names seen. The 0.0.4 rules are those of Go's prometheus/common `expfmt.TextParser`
 * (with UTF-8 names, the current default), which is the oracle of the goldens; the OpenMetrics rules are the
 * specification's ABNF and the semantic checks of expfmt's OpenMetrics decoder.
 * @module
 */

import { ErrorCode, GodiagError } from '../internal/errors.js';
import { chunks, syncChunks, type InputOptions, type Source, type SyncSource } from '../internal/input.js';
import { Limits } from '../internal/limits.js';
import { decodeUtf8, encodeUtf8 } from '../internal/utf8.js';
import { parseGoFloat, parseGoInt64, parseOpenMetricsNumber, parseOpenMetricsReal, roundHalfAway } from './prometheus-number.js';

/** A metric family's type: the 0.0.4 types plus OpenMetrics' `info`, `stateset`, `gaugehistogram`, `unknown`. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'untyped'
  | 'info'
  | 'stateset'
  | 'gaugehistogram'
  | 'unknown';

/** One label: name and value, in the order the exposition wrote them. */
export type LabelPair = readonly [name: string, value: string];

/** An OpenMetrics exemplar attached to a sample. */
export interface Exemplar {
  /** The exemplar's labels, in order. */
  labels: LabelPair[];
  /** Its value (finite float64). */
  value: number;
  /** Its timestamp in seconds since the epoch, as written (float64). */
  timestamp?: number;
}

/** One sample line. */
export interface Sample {
  /** The sample's own name, suffix included (`http_duration_seconds_bucket`). */
  name: string;
  /** All labels of the line in order, `le` and `quantile` included. */
  labels: LabelPair[];
  /** The value (float64; NaN and ±Inf allowed). */
  value: number;
  /**
   * Milliseconds since the epoch: the integer of a 0.0.4 line, or an OpenMetrics timestamp (seconds) × 1000
   * rounded half away from zero, as expfmt converts it. A safe integer (godiag refuses to round beyond 2^53).
   */
  timestamp?: number;
  /** The exemplar (OpenMetrics only). */
  exemplar?: Exemplar;
}

/** A metric family and the samples of one contiguous run of its lines. */
export interface MetricFamily {
  /** The family name: for an OpenMetrics counter without `_total`, as its TYPE line names it. */
  name: string;
  /** The declared type; `untyped` (0.0.4) or `unknown` (OpenMetrics) without a TYPE line. */
  type: MetricType;
  /** The HELP text, unescaped, when there was a HELP line. */
  help?: string;
  /** The UNIT (OpenMetrics), when there was a UNIT line. */
  unit?: string;
  /** The samples, in input order. */
  samples: Sample[];
}

/** Which exposition format to read. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** Options of {@link readPrometheus} and {@link parsePrometheus}. */
export interface PrometheusOptions extends InputOptions {
  /** `text` (0.0.4, the default) or `openmetrics` (1.0). */
  format?: ExpositionFormat;
  /** Longest line accepted; default `Limits.maxStringBytes`. */
  maxLineBytes?: number;
}

const NL = 10;
/** Most bytes decoded in one call (V8's strings stop at about 2^29 characters). */
const BLOCK_BYTES = 1 << 20;
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a Prometheus exposition from any source, yielding each metric family as soon as its run of lines
 * ends. In the 0.0.4 format a family may come back later in the input (Go merges such runs): it is then
 * yielded again with the same name and its later samples. Families without samples are not yielded.
 * Errors are `GodiagError`s of format `metrics`, with the line number in the message.
 */
export async function* readPrometheus(
  source: Source,
  options: PrometheusOptions = {},
): AsyncGenerator<MetricFamily, void, undefined> {
  const p = new PrometheusParser(options);
  for await (const chunk of chunks(source, options)) {
    p.push(chunk);
    yield* p.take();
  }
  p.end();
  yield* p.take();
}

/** Reads a whole in-memory exposition (bytes, chunks, or a string) synchronously; see {@link readPrometheus}. */
export function parsePrometheus(input: SyncSource | string, options: PrometheusOptions = {}): MetricFamily[] {
  const p = new PrometheusParser(options);
  const out: MetricFamily[] = [];
  const src = typeof input === 'string' ? encodeUtf8(input) : input;
  for (const chunk of syncChunks(src)) {
    p.push(chunk);
    for (const f of p.take()) out.push(f);
  }
  p.end();
  for (const f of p.take()) out.push(f);
  return out;
}

/** Per-family state kept for the whole input (types decide how later lines are grouped). */
interface FamilyState {
  name: string;
  type: MetricType | undefined;
  help: string | undefined;
  unit: string | undefined;
  samples: Sample[];
  /** OpenMetrics: the family has had samples (metadata after them is an error). */
  hasSamples: boolean;
  /** OpenMetrics: the family's run is over (more samples would interleave). */
  ended: boolean;
  /** OpenMetrics counters: label signatures whose `_total` was seen. */
  totals?: Set<string>;
  /** OpenMetrics counters: label signatures seen at all. */
  seen?: Set<string>;
}

/** A token reader over one decoded line; errors carry the byte offset of the position. */
class Line {
  text = '';
  pos = 0;
  number = 0;
  offset = 0;
  ascii = true;
  valid = true;

  byteOffset(at: number): number {
    if (this.ascii) return this.offset + at;
    return this.offset + encodeUtf8(this.text.slice(0, at)).length;
  }
}

/**
 * The incremental parser behind {@link readPrometheus}: `push` chunks, `take` finished families, `end` once.
 * Exposed for callers that drive their own loop (a scrape arriving over a socket).
 */
export class PrometheusParser {
  private readonly om: boolean;
  private readonly maxLine: number;
  private readonly families = new Map<string, FamilyState>();
  private current: FamilyState | undefined;
  private readonly out: MetricFamily[] = [];
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private consumed = 0;
  private readonly line = new Line();
  /** The previous text sample's labels: pairs equal to its pair at the same index are shared, not copied. */
  private prevLabels: LabelPair[] = [];
  private eof = false;
  private ended = false;

  constructor(options: PrometheusOptions = {}) {
    this.om = options.format === 'openmetrics';
    this.maxLine = options.maxLineBytes ?? Limits.maxStringBytes;
  }

  /** Parses the complete lines of `chunk` (a partial last line waits for the next chunk). */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new TypeError('godiag: PrometheusParser.push after end');
    let start = 0;
    const n = chunk.length;
    if (this.carryBytes > 0 || this.carry.length > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.addCarry(chunk);
        return;
      }
      this.addCarry(chunk.subarray(0, nl));
      const whole = joinParts(this.carry, this.carryBytes);
      this.carry = [];
      this.carryBytes = 0;
      this.handle(whole, 0, whole.length);
      start = nl + 1;
    }
    while (start < n) {
      // Complete lines are taken a block at a time: an ASCII block is decoded with one call and cut into
      // lines as a string, which is much cheaper than a decoder call per line.
      const limit = Math.min(n, start + BLOCK_BYTES);
      const blockEnd = chunk.lastIndexOf(NL, limit - 1);
      if (blockEnd < start) {
        const nl = chunk.indexOf(NL, start);
        if (nl < 0) break;
        if (nl - start > this.maxLine) throw this.lineTooLong(nl - start);
        this.handle(chunk, start, nl);
        start = nl + 1;
        continue;
      }
      if (isAscii(chunk, start, blockEnd)) {
        this.handleAsciiBlock(fatalDecoder.decode(chunk.subarray(start, blockEnd + 1)));
      } else {
        for (let at = start; at <= blockEnd; ) {
          const nl = chunk.indexOf(NL, at);
          if (nl - at > this.maxLine) throw this.lineTooLong(nl - at);
          this.handle(chunk, at, nl);
          at = nl + 1;
        }
      }
      start = blockEnd + 1;
    }
    if (start < n) this.addCarry(chunk.slice(start));
  }

  /** Lines of an ASCII block ending in a newline: characters are bytes, so offsets need no mapping. */
  private handleAsciiBlock(block: string): void {
    const line = this.line;
    let at = 0;
    const n = block.length;
    while (at < n) {
      const nl = block.indexOf('\n', at);
      if (nl - at > this.maxLine) throw this.lineTooLong(nl - at);
      line.number++;
      line.offset = this.consumed;
      this.consumed += nl - at + 1;
      line.text = block.slice(at, nl);
      line.ascii = true;
      line.valid = true;
      line.pos = 0;
      if (this.om) this.omLine(false);
      else this.textLine();
      at = nl + 1;
    }
  }

  /** The families finished so far (each returned once). */
  take(): MetricFamily[] {
    if (this.out.length === 0) return EMPTY;
    return this.out.splice(0, this.out.length);
  }

  /** Ends the input: checks the last line and flushes the last family. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.carry.length > 0) {
      const whole = joinParts(this.carry, this.carryBytes);
      this.carry = [];
      this.carryBytes = 0;
      if (this.om) {
        this.handle(whole, 0, whole.length, true);
      } else {
        // Go's text parser needs every line, the last too, to end with a newline (blank trailing space aside).
        let blank = true;
        for (const b of whole) if (b !== 0x20 && b !== 0x09) blank = false;
        if (!blank) {
          throw new GodiagError(ErrorCode.Truncated, {
            format: 'metrics',
            offset: this.consumed + whole.length,
            message: `line ${this.line.number + 1}: unexpected end of input: the last line has no newline`,
          });
        }
      }
    }
    if (this.om && !this.eof) {
      throw new GodiagError(ErrorCode.Truncated, {
        format: 'metrics',
        offset: this.consumed,
        message: `line ${this.line.number + 1}: unexpected end of input: OpenMetrics data does not end with # EOF`,
      });
    }
    this.closeCurrent();
  }

  private addCarry(part: Uint8Array): void {
    this.carryBytes += part.length;
    if (this.carryBytes > this.maxLine) throw this.lineTooLong(this.carryBytes);
    // Copy: the caller may reuse its chunk buffer.
    this.carry.push(part.slice());
  }

  private lineTooLong(n: number): GodiagError {
    return new GodiagError(ErrorCode.LimitExceeded, {
      format: 'metrics',
      offset: this.consumed,
      message: `line ${this.line.number + 1}: line of ${n} bytes or more exceeds the limit of ${this.maxLine} bytes`,
    });
  }

  private handle(buf: Uint8Array, start: number, end: number, last = false): void {
    const line = this.line;
    line.number++;
    line.offset = this.consumed;
    this.consumed += end - start + (last ? 0 : 1);
    const ascii = isAscii(buf, start, end);
    const bytes = buf.subarray(start, end);
    line.ascii = ascii;
    line.valid = true;
    if (ascii) {
      line.text = end - start < 32 ? String.fromCharCode.apply(null, bytes as unknown as number[]) : fatalDecoder.decode(bytes);
    } else {
      try {
        line.text = fatalDecoder.decode(bytes);
      } catch {
        line.text = decodeUtf8(bytes);
        line.valid = false;
      }
    }
    line.pos = 0;
    if (this.om) this.omLine(last);
    else this.textLine();
  }

  private fail(message: string, at: number = this.line.pos): GodiagError {
    return new GodiagError(ErrorCode.Corrupt, {
      format: 'metrics',
      offset: this.line.byteOffset(Math.min(at, this.line.text.length)),
      message: `line ${this.line.number}: ${message}`,
    });
  }

  private closeCurrent(): void {
    const f = this.current;
    if (f === undefined) return;
    this.current = undefined;
    if (this.om) {
      f.ended = true;
      if (f.type === 'counter' && f.seen !== undefined) {
        for (const sig of f.seen) {
          if (!f.totals!.has(sig)) throw this.fail(`counter ${q(f.name)} has a _created sample without its _total`, 0);
        }
      }
    }
    if (f.samples.length === 0) return;
    const fam: MetricFamily = { name: f.name, type: f.type ?? (this.om ? 'unknown' : 'untyped'), samples: f.samples };
    if (f.help !== undefined) fam.help = f.help;
    if (f.unit !== undefined) fam.unit = f.unit;
    this.out.push(fam);
    f.samples = [];
  }

  private makeCurrent(f: FamilyState): void {
    if (this.current === f) return;
    this.closeCurrent();
    this.current = f;
  }

  // ---- 0.0.4 ----

  private textLine(): void {
    const L = this.line;
    const s = L.text;
    skipBlank(L);
    if (L.pos >= s.length) return;
    const c = s.charCodeAt(L.pos);
    if (c === 0x23 /* # */) {
      this.textComment();
      return;
    }
    if (!L.valid) throw this.fail('sample line is not valid UTF-8');
    this.textSample();
  }

  private textComment(): void {
    const L = this.line;
    const s = L.text;
    L.pos++;
    skipBlank(L);
    const kwStart = L.pos;
    while (L.pos < s.length && !isBlank(s.charCodeAt(L.pos))) L.pos++;
    if (L.pos >= s.length) return;
    const kw = s.slice(kwStart, L.pos);
    if (kw !== 'HELP' && kw !== 'TYPE') return;
    skipBlank(L);
    if (L.pos >= s.length) return;
    const nameAt = L.pos;
    const name = this.textName(false);
    if (L.pos >= s.length) return;
    if (!isBlank(s.charCodeAt(L.pos))) throw this.fail('invalid metric name in comment');
    const fam = this.textFamily(name, nameAt).fam;
    skipBlank(L);
    if (L.pos >= s.length) {
      this.makeCurrent(fam);
      return;
    }
    if (kw === 'HELP') {
      if (fam.help !== undefined) throw this.fail(`second HELP line for metric name ${q(fam.name)}`);
      fam.help = this.textHelp();
    } else {
      if (fam.type !== undefined) {
        throw this.fail(`second TYPE line for metric name ${q(fam.name)}, or TYPE reported after samples`);
      }
      // Go drops backslashes from the type word (it reads the rest of the line without escapes).
      const word = s.slice(L.pos).replaceAll('\\', '').toUpperCase();
      const t = TEXT_TYPES[word];
      if (t === undefined) throw this.fail(`unknown metric type ${q(s.slice(L.pos))}`);
      fam.type = t;
    }
    this.makeCurrent(fam);
  }

  private textHelp(): string {
    const L = this.line;
    const s = L.text;
    const start = L.pos;
    const bs = s.indexOf('\\', start);
    if (bs < 0) return s.slice(start);
    const parts: string[] = [];
    let from = start;
    for (let i = bs; i < s.length; i++) {
      if (s.charCodeAt(i) !== 0x5c) continue;
      parts.push(s.slice(from, i));
      const e = s.charCodeAt(i + 1);
      if (e === 0x5c) parts.push('\\');
      else if (e === 0x6e) parts.push('\n');
      else if (e === 0x22) parts.push('"');
      else if (Number.isNaN(e)) throw this.fail('invalid escape sequence: a backslash ends the HELP text', i);
      else throw this.fail(`invalid escape sequence '\\${s[i + 1]!}'`, i);
      i++;
      from = i + 1;
    }
    parts.push(s.slice(from));
    return parts.join('');
  }

  /**
   * A metric or label name as Go's text parser reads it: plain characters, or a quoted part with escapes.
   * Returns '' when the current character cannot start a name.
   */
  private textName(label: boolean): string {
    const L = this.line;
    const s = L.text;
    let i = L.pos;
    const c0 = s.charCodeAt(i);
    if (!(isLabelStart(c0) || c0 === 0x22 || (!label && c0 === 0x3a))) return '';
    // Fast path: a plain name with no quotes.
    let j = i;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (!(isLabelStart(c) || (c >= 0x30 && c <= 0x39) || (!label && c === 0x3a))) break;
    }
    if (j >= s.length || s.charCodeAt(j) !== 0x22) {
      L.pos = j;
      return s.slice(i, j);
    }
    const parts: string[] = [];
    let quoted = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        quoted = !quoted;
        if (!quoted) {
          L.pos = i + 1;
          return parts.join('');
        }
      } else if (c === 0x5c) {
        const e = s.charCodeAt(i + 1);
        if (Number.isNaN(e)) throw this.fail(`${label ? 'label' : 'metric'} name ${q(parts.join(''))} contains unescaped new-line`, i + 1);
        if (e === 0x5c) parts.push('\\');
        else if (e === 0x6e) parts.push('\n');
        else if (e === 0x22) parts.push('"');
        else throw this.fail(`invalid escape sequence '\\${s[i + 1]!}'`, i + 1);
        i++;
      } else {
        parts.push(s[i]!);
      }
      i++;
      if (i >= s.length) {
        if (quoted) throw this.fail(`${label ? 'label' : 'metric'} name ${q(parts.join(''))} contains unescaped new-line`, i);
        L.pos = i;
        return parts.join('');
      }
      const n = s.charCodeAt(i);
      if (!quoted && !(isLabelStart(n) || n === 0x22 || (n >= 0x30 && n <= 0x39) || (!label && n === 0x3a))) {
        L.pos = i;
        return parts.join('');
      }
    }
  }

  /** Go's family lookup: the exact name, else the base of a summary's or histogram's `_count`/`_sum`/`_bucket`. */
  private textFamily(name: string, at: number): { fam: FamilyState; count: boolean; sum: boolean } {
    if (name.length === 0) throw this.fail(`invalid metric name ${q(name)}`, at);
    const exact = this.families.get(name);
    if (exact !== undefined) return { fam: exact, count: false, sum: false };
    const count = name.length > 6 && name.endsWith('_count');
    const sum = name.length > 4 && name.endsWith('_sum');
    if (count || sum) {
      const base = this.families.get(name.slice(0, name.length - (count ? 6 : 4)));
      if (base !== undefined && (base.type === 'summary' || base.type === 'histogram' || base.type === 'gaugehistogram')) {
        return { fam: base, count, sum };
      }
    } else if (name.length > 7 && name.endsWith('_bucket')) {
      const base = this.families.get(name.slice(0, -7));
      if (base !== undefined && (base.type === 'histogram' || base.type === 'gaugehistogram')) {
        return { fam: base, count: false, sum: false };
      }
    }
    const fam = newFamily(name);
    this.families.set(name, fam);
    return { fam, count: false, sum: false };
  }

  private textSample(): void {
    const L = this.line;
    const s = L.text;
    let fam: FamilyState | undefined;
    let sampleName = '';
    const labels: LabelPair[] = [];
    const braces = s.charCodeAt(L.pos) === 0x7b;
    if (!braces) {
      const at = L.pos;
      sampleName = this.textName(false);
      if (sampleName.length === 0) throw this.fail('invalid metric name');
      fam = this.textFamily(sampleName, at).fam;
      skipBlank(L);
    }
    if (s.charCodeAt(L.pos) === 0x7b) {
      L.pos++;
      for (;;) {
        skipBlank(L);
        if (L.pos >= s.length) throw this.fail('label set is not closed (unexpected end of line)');
        if (s.charCodeAt(L.pos) === 0x7d) {
          L.pos++;
          break;
        }
        const at = L.pos;
        const lname = this.textName(true);
        if (lname.length === 0) {
          throw this.fail(`invalid label name for metric ${q(fam?.name ?? '')}`);
        }
        skipBlank(L);
        const c = s.charCodeAt(L.pos);
        if (c !== 0x3d /* = */) {
          if (braces && (c === 0x2c || c === 0x7d)) {
            if (fam !== undefined) throw this.fail(`multiple metric names for metric ${q(fam.name)}`);
            sampleName = lname;
            fam = this.textFamily(lname, at).fam;
            L.pos++;
            if (c === 0x7d) break;
            continue;
          }
          if (braces && fam === undefined) throw this.fail(`unexpected end of metric name ${qc(s, L.pos)}`);
          throw this.fail(`expected '=' after label name, found ${qc(s, L.pos)}`);
        }
        if (lname === '__name__') throw this.fail('label name "__name__" is reserved', at);
        L.pos++;
        skipBlank(L);
        if (s.charCodeAt(L.pos) !== 0x22) throw this.fail(`expected '"' at start of label value, found ${qc(s, L.pos)}`);
        const value = this.textLabelValue();
        for (let k = 0; k < labels.length; k++) {
          if (labels[k]![0] === lname) throw this.fail(`duplicate label names for metric ${q(fam?.name ?? '')}`, at);
        }
        // Consecutive samples mostly repeat their labels (a histogram's buckets, a family's series): sharing the
        // previous sample's pair keeps one copy of it alive instead of one per sample.
        const prev = this.prevLabels[labels.length];
        if (prev !== undefined && prev[0] === lname) labels.push(prev[1] === value ? prev : [prev[0], value]);
        else labels.push([lname, value]);
        skipBlank(L);
        const d = s.charCodeAt(L.pos);
        if (d === 0x2c) {
          L.pos++;
          continue;
        }
        if (d === 0x7d) {
          L.pos++;
          break;
        }
        throw this.fail(`unexpected end of label value ${q(value)}`);
      }
      if (fam === undefined) throw this.fail('invalid metric name');
      skipBlank(L);
    }
    if (fam === undefined) throw this.fail('invalid metric name');
    if (fam.type === undefined) fam.type = 'untyped';
    const vStart = L.pos;
    while (L.pos < s.length && !isBlank(s.charCodeAt(L.pos))) L.pos++;
    const vText = s.slice(vStart, L.pos);
    const value = parseGoFloat(vText);
    if (value === undefined) throw this.fail(`expected float as value, got ${q(vText)}`, vStart);
    const sample: Sample = { name: sampleName, labels, value };
    if (L.pos < s.length) {
      skipBlank(L);
      const tStart = L.pos;
      while (L.pos < s.length && !isBlank(s.charCodeAt(L.pos))) L.pos++;
      const tText = s.slice(tStart, L.pos);
      const t = parseGoInt64(tText);
      if (typeof t !== 'number') {
        if (t === 'unsafe') {
          throw new GodiagError(ErrorCode.LimitExceeded, {
            format: 'metrics',
            offset: L.byteOffset(tStart),
            message: `line ${L.number}: timestamp ${tText} is beyond 2^53 ms`,
          });
        }
        throw this.fail(`expected integer as timestamp, got ${q(tText)}`, tStart);
      }
      if (L.pos < s.length) throw this.fail(`spurious string after timestamp: ${q(s.slice(L.pos))}`);
      sample.timestamp = t;
    }
    this.checkTextSample(fam, sample);
    this.makeCurrent(fam);
    fam.samples.push(sample);
    this.prevLabels = labels;
  }

  /** The checks Go's text parser makes of a summary's or histogram's special labels and counts. */
  private checkTextSample(fam: FamilyState, sample: Sample): void {
    const t = fam.type;
    const labels = sample.labels;
    if (t === 'summary') {
      for (let k = 0; k < labels.length; k++) {
        const [n, v] = labels[k]!;
        if (n === 'quantile' && parseGoFloat(v) === undefined) {
          throw this.fail(`expected float as value for 'quantile' label, got ${q(v)}`, 0);
        }
      }
    } else if (t === 'histogram' || t === 'gaugehistogram') {
      for (let k = 0; k < labels.length; k++) {
        const [n, v] = labels[k]!;
        if (n === 'le' && parseGoFloat(v) === undefined) throw this.fail(`expected float as value for 'le' label, got ${q(v)}`, 0);
      }
      const v = sample.value;
      if (v < 0) {
        // Go stores a count as uint64 when it converts back exactly, else as a float that must not be negative.
        const isCount = sample.name !== fam.name && sample.name.endsWith('_count');
        const isBucket = !isCount && !sample.name.endsWith('_sum') && sample.labels.some(([n]) => n === 'le');
        if (isCount) throw this.fail(`negative count for histogram ${q(fam.name)}`, 0);
        if (isBucket) throw this.fail(`negative bucket population for histogram ${q(fam.name)}`, 0);
      }
    }
  }

  private textLabelValue(): string {
    const L = this.line;
    const s = L.text;
    const start = L.pos + 1;
    let i = start;
    let parts: string[] | undefined;
    let from = start;
    for (;;) {
      if (i >= s.length) throw this.fail(`label value ${q(s.slice(start))} contains unescaped new-line`, i);
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        parts ??= [];
        parts.push(s.slice(from, i));
        const e = s.charCodeAt(i + 1);
        if (e === 0x22) parts.push('"');
        else if (e === 0x5c) parts.push('\\');
        else if (e === 0x6e) parts.push('\n');
        else if (Number.isNaN(e)) throw this.fail(`label value contains unescaped new-line`, i + 1);
        else throw this.fail(`invalid escape sequence '\\${s[i + 1]!}'`, i + 1);
        i += 2;
        from = i;
        continue;
      }
      i++;
    }
    L.pos = i + 1;
    if (parts === undefined) return s.slice(start, i);
    parts.push(s.slice(from, i));
    return parts.join('');
  }

  // ---- OpenMetrics 1.0 ----

  private omLine(last: boolean): void {
    const L = this.line;
    const s = L.text;
    if (this.eof) throw this.fail('unexpected data after # EOF', 0);
    if (s === '# EOF') {
      this.eof = true;
      return;
    }
    if (last) throw this.fail('unexpected end of input: the last line has no newline', s.length);
    if (!L.valid) throw this.fail('line is not valid UTF-8', 0);
    if (s.charCodeAt(0) === 0x23) {
      this.omDescriptor();
      return;
    }
    this.omSample();
  }

  private omDescriptor(): void {
    const L = this.line;
    const s = L.text;
    const kw = s.slice(0, 7);
    if (kw !== '# TYPE ' && kw !== '# HELP ' && kw !== '# UNIT ') {
      throw this.fail('expected "# TYPE", "# HELP", "# UNIT" or "# EOF" (OpenMetrics has no comments)', 0);
    }
    L.pos = 7;
    const name = this.omName();
    if (s.charCodeAt(L.pos) !== 0x20) throw this.fail(`expected a space after the metric name ${q(name)}`);
    L.pos++;
    const fam = this.omDescriptorFamily(name);
    const rest = s.slice(L.pos);
    if (kw === '# TYPE ') {
      if (fam.type !== undefined) throw this.fail(`second TYPE line for metric name ${q(name)}`);
      const t = OM_TYPES[rest];
      if (t === undefined) throw this.fail(`unknown metric type ${q(rest)}`);
      fam.type = t;
    } else if (kw === '# HELP ') {
      if (fam.help !== undefined) throw this.fail(`second HELP line for metric name ${q(name)}`);
      if (rest.endsWith('\r')) throw this.fail(`unexpected carriage return in HELP for metric ${q(name)}`, s.length - 1);
      fam.help = this.omEscaped(L.pos, s.length);
    } else {
      if (fam.unit !== undefined) throw this.fail(`second UNIT line for metric name ${q(name)}`);
      for (let i = 0; i < rest.length; i++) {
        const c = rest.charCodeAt(i);
        if (!(isLabelStart(c) || c === 0x3a || (c >= 0x30 && c <= 0x39))) throw this.fail('invalid character in UNIT', L.pos + i);
      }
      if (rest !== '' && !name.endsWith('_' + rest)) throw this.fail(`unit ${q(rest)} not a suffix of metric ${q(name)}`);
      fam.unit = rest;
    }
  }

  private omDescriptorFamily(name: string): FamilyState {
    const existing = this.families.get(name);
    if (existing !== undefined) {
      if (existing.hasSamples) throw this.fail(`metadata for metric ${q(name)} after samples`, 0);
      return existing;
    }
    const fam = newFamily(name);
    this.families.set(name, fam);
    return fam;
  }

  /** A metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*` or a quoted, escaped, non-empty string. */
  private omName(): string {
    const L = this.line;
    const s = L.text;
    const start = L.pos;
    const c0 = s.charCodeAt(start);
    if (c0 === 0x22) return this.omQuotedName();
    if (!(isLabelStart(c0) || c0 === 0x3a)) throw this.fail('expected a metric name');
    let i = start + 1;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (!(isLabelStart(c) || c === 0x3a || (c >= 0x30 && c <= 0x39))) break;
    }
    L.pos = i;
    return s.slice(start, i);
  }

  private omQuotedName(): string {
    const L = this.line;
    const start = L.pos + 1;
    const end = this.omStringEnd(start);
    if (end === start) throw this.fail('empty quoted name');
    L.pos = end + 1;
    return this.omEscaped(start, end);
  }

  /** Index of the closing quote of an escaped string starting at `start`. */
  private omStringEnd(start: number): number {
    const s = this.line.text;
    for (let i = start; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) return i;
      if (c === 0x5c) i++;
    }
    throw this.fail('unterminated string', s.length);
  }

  /**
   * Unescapes `\"`, `\\` and `\n` as expfmt does; any other escaped character keeps its backslash. A bare
   * `"` is not allowed inside (the grammar's normal-char excludes it), nor a trailing lone backslash.
   */
  private omEscaped(start: number, end: number): string {
    const s = this.line.text;
    let parts: string[] | undefined;
    let from = start;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) throw this.fail('unescaped \'"\'', i);
      if (c !== 0x5c) continue;
      if (i + 1 >= end) throw this.fail('lone backslash at end of string', i);
      const e = s.charCodeAt(i + 1);
      const rep = e === 0x22 ? '"' : e === 0x5c ? '\\' : e === 0x6e ? '\n' : undefined;
      if (rep !== undefined) {
        parts ??= [];
        parts.push(s.slice(from, i), rep);
        from = i + 2;
      }
      i++;
    }
    if (parts === undefined) return s.slice(start, end);
    parts.push(s.slice(from, end));
    return parts.join('');
  }

  /** `{` label *(`,` label) `}` with an optional quoted metric name among them; the name, if any. */
  private omLabels(labels: LabelPair[], allowName: boolean): string | undefined {
    const L = this.line;
    const s = L.text;
    L.pos++; // '{'
    let name: string | undefined;
    if (s.charCodeAt(L.pos) === 0x7d) {
      L.pos++;
      return undefined;
    }
    for (;;) {
      const at = L.pos;
      let key: string;
      if (s.charCodeAt(L.pos) === 0x22) {
        key = this.omQuotedName();
        const c = s.charCodeAt(L.pos);
        if (allowName && (c === 0x2c || c === 0x7d)) {
          if (name !== undefined) throw this.fail('two metric names in one label set', at);
          name = key;
          L.pos++;
          if (c === 0x7d) return name;
          continue;
        }
      } else {
        const c0 = s.charCodeAt(L.pos);
        if (!isLabelStart(c0)) throw this.fail('expected a label name');
        let i = L.pos + 1;
        for (; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (!(isLabelStart(c) || (c >= 0x30 && c <= 0x39))) break;
        }
        key = s.slice(L.pos, i);
        L.pos = i;
      }
      if (s.charCodeAt(L.pos) !== 0x3d) throw this.fail(`expected '=' after label name ${q(key)}`);
      if (s.charCodeAt(L.pos + 1) !== 0x22) throw this.fail('expected \'"\' at start of label value', L.pos + 1);
      const vStart = L.pos + 2;
      const vEnd = this.omStringEnd(vStart);
      const value = this.omEscaped(vStart, vEnd);
      L.pos = vEnd + 1;
      if (key === '__name__') throw this.fail('label name "__name__" is reserved', at);
      for (const [n] of labels) if (n === key) throw this.fail(`duplicate label ${q(key)}`, at);
      labels.push([key, value]);
      const c = s.charCodeAt(L.pos);
      L.pos++;
      if (c === 0x7d) return name;
      if (c !== 0x2c) throw this.fail('expected \',\' or \'}\' after a label', L.pos - 1);
    }
  }

  private omToken(): string {
    const L = this.line;
    const s = L.text;
    const start = L.pos;
    let i = start;
    while (i < s.length && s.charCodeAt(i) !== 0x20) i++;
    L.pos = i;
    return s.slice(start, i);
  }

  private omSample(): void {
    const L = this.line;
    const s = L.text;
    const labels: LabelPair[] = [];
    let name: string;
    if (s.charCodeAt(0) === 0x7b) {
      const n = this.omLabels(labels, true);
      if (n === undefined) throw this.fail('label set without a metric name', 0);
      name = n;
    } else {
      name = this.omName();
      if (s.charCodeAt(L.pos) === 0x7b) this.omLabels(labels, false);
    }
    if (s.charCodeAt(L.pos) !== 0x20) throw this.fail('expected a space before the value');
    L.pos++;
    const vAt = L.pos;
    const vText = this.omToken();
    const value = parseOpenMetricsNumber(vText);
    if (value === undefined) throw this.fail(`invalid sample value ${q(vText)}`, vAt);
    const sample: Sample = { name, labels, value };
    if (L.pos < s.length && s.charCodeAt(L.pos + 1) !== 0x23) {
      L.pos++;
      const tAt = L.pos;
      const tText = this.omToken();
      const ts = parseOpenMetricsReal(tText);
      if (ts === undefined) throw this.fail(`invalid timestamp ${q(tText)}`, tAt);
      const ms = roundHalfAway(ts * 1000);
      if (!Number.isSafeInteger(ms)) {
        throw new GodiagError(ErrorCode.LimitExceeded, {
          format: 'metrics',
          offset: L.byteOffset(tAt),
          message: `line ${L.number}: timestamp ${tText} is beyond 2^53 ms`,
        });
      }
      sample.timestamp = ms;
    }
    if (L.pos < s.length) {
      if (s.slice(L.pos, L.pos + 4) !== ' # {') throw this.fail('unexpected text after the sample');
      L.pos += 3;
      sample.exemplar = this.omExemplar();
    }
    this.omAdd(sample);
  }

  private omExemplar(): Exemplar {
    const L = this.line;
    const s = L.text;
    const labels: LabelPair[] = [];
    this.omLabels(labels, false);
    let runes = 0;
    for (const [n, v] of labels) runes += runeCount(n) + runeCount(v);
    if (runes > 128) throw this.fail(`exemplar label set exceeds 128 runes (${runes})`);
    if (s.charCodeAt(L.pos) !== 0x20) throw this.fail('expected a space before the exemplar value');
    L.pos++;
    const vAt = L.pos;
    const vText = this.omToken();
    const value = parseOpenMetricsNumber(vText);
    if (value === undefined || !Number.isFinite(value)) throw this.fail(`invalid exemplar value ${q(vText)}`, vAt);
    const ex: Exemplar = { labels, value };
    if (L.pos < s.length) {
      L.pos++;
      const tAt = L.pos;
      const tText = this.omToken();
      const ts = parseOpenMetricsReal(tText);
      if (ts === undefined) throw this.fail(`invalid exemplar timestamp ${q(tText)}`, tAt);
      ex.timestamp = ts;
      if (L.pos < s.length) throw this.fail('unexpected text after the exemplar');
    }
    return ex;
  }

  /** Finds the sample's family as expfmt does (the current family first), then checks its role. */
  private omAdd(sample: Sample): void {
    const name = sample.name;
    let fam: FamilyState | undefined;
    let role: Role | undefined;
    const cur = this.current;
    if (cur !== undefined) {
      role = omRole(cur, name);
      if (role !== undefined) fam = cur;
      else if (cur.type !== undefined && name === cur.name) {
        throw this.fail(`sample ${q(name)} missing required suffix for type ${cur.type}`, 0);
      }
    }
    if (fam === undefined) {
      const exact = this.families.get(name);
      if (exact !== undefined) {
        role = omRole(exact, name);
        if (role !== undefined) fam = exact;
        else if (exact.type !== undefined) throw this.fail(`sample ${q(name)} missing required suffix for type ${exact.type}`, 0);
      }
    }
    if (fam === undefined) {
      for (const suffix of OM_SUFFIXES) {
        if (name.length <= suffix.length || !name.endsWith(suffix)) continue;
        const base = this.families.get(name.slice(0, name.length - suffix.length));
        if (base === undefined) continue;
        role = omRole(base, name);
        if (role !== undefined) {
          fam = base;
          break;
        }
      }
    }
    if (fam === undefined) {
      fam = newFamily(name);
      this.families.set(name, fam);
      role = 'value';
    }
    if (fam.ended) throw this.fail(`interleaved metric family ${q(fam.name)}`, 0);
    this.omCheck(fam, role!, sample);
    fam.hasSamples = true;
    this.makeCurrent(fam);
    fam.samples.push(sample);
  }

  /** expfmt's and the specification's checks of a sample's value, labels and exemplar for its role. */
  private omCheck(fam: FamilyState, role: Role, sample: Sample): void {
    const t = fam.type ?? 'unknown';
    const v = sample.value;
    const ex = sample.exemplar !== undefined;
    const fail = (m: string) => this.fail(m, 0);
    const labelValue = (n: string) => {
      for (const [k, x] of sample.labels) if (k === n) return x;
      return undefined;
    };
    if (ex && !(role === 'bucket' || (t === 'counter' && role === 'value'))) {
      throw fail(`exemplar not allowed on ${q(sample.name)} (only on counter totals and histogram buckets)`);
    }
    const created = () => {
      if (!Number.isFinite(v)) throw fail(`invalid created timestamp for ${q(fam.name)}`);
    };
    switch (t) {
      case 'counter': {
        const sig = signature(sample.labels, undefined);
        fam.totals ??= new Set();
        fam.seen ??= new Set();
        fam.seen.add(sig);
        if (role === 'created') return created();
        if (Number.isNaN(v) || v < 0) throw fail(`counter value must not be negative or NaN for ${q(fam.name)}`);
        fam.totals.add(sig);
        return;
      }
      case 'summary':
        if (role === 'created') return created();
        if (role === 'quantile') {
          const qv = labelValue('quantile');
          const qn = qv === undefined ? undefined : parseGoFloat(qv);
          if (qv === undefined) throw fail(`missing quantile label for summary ${q(fam.name)}`);
          if (qn === undefined || Number.isNaN(qn) || qn < 0 || qn > 1) throw fail(`invalid quantile ${q(qv)} for summary ${q(fam.name)}`);
          if (v < 0) throw fail(`negative quantile value for summary ${q(fam.name)}`);
        } else if (role === 'count') {
          if (Number.isNaN(v) || v < 0 || !Number.isInteger(v)) throw fail(`invalid count for summary ${q(fam.name)}`);
        } else if (Number.isNaN(v) || v < 0) throw fail(`invalid sum for summary ${q(fam.name)}`);
        return;
      case 'histogram':
      case 'gaugehistogram':
        if (role === 'created') return created();
        if (role === 'bucket') {
          const le = labelValue('le');
          if (le === undefined) throw fail(`missing le label for histogram ${q(fam.name)}`);
          const b = parseGoFloat(le);
          if (b === undefined || Number.isNaN(b)) throw fail(`invalid bucket bound ${q(le)} for histogram ${q(fam.name)}`);
          if (Number.isNaN(v) || v < 0) throw fail(`negative or NaN bucket count for histogram ${q(fam.name)}`);
        } else if (role === 'count') {
          if (Number.isNaN(v) || v < 0) throw fail(`negative or NaN count for histogram ${q(fam.name)}`);
        } else if (Number.isNaN(v) || (t === 'histogram' && v < 0)) throw fail(`invalid sum for histogram ${q(fam.name)}`);
        return;
      case 'stateset':
        if (v !== 0 && v !== 1) throw fail(`stateset value must be 0 or 1 for ${q(fam.name)}`);
        return;
      case 'info':
        if (v !== 1) throw fail(`info value must be 1 for ${q(fam.name)}`);
        return;
      default:
        return;
    }
  }
}

type Role = 'value' | 'created' | 'count' | 'sum' | 'bucket' | 'quantile';

const OM_SUFFIXES = ['_total', '_created', '_count', '_sum', '_bucket', '_gcount', '_gsum', '_info'];

/** The role of a sample named `name` in family `f`, or undefined when it does not belong to it. */
function omRole(f: FamilyState, name: string): Role | undefined {
  const base = f.name;
  if (f.type === undefined) return name === base ? 'value' : undefined;
  if (!name.startsWith(base)) return undefined;
  const suffix = name.slice(base.length);
  switch (f.type) {
    case 'counter':
      return suffix === '_total' ? 'value' : suffix === '_created' ? 'created' : undefined;
    case 'summary':
      return suffix === '' ? 'quantile' : suffix === '_count' ? 'count' : suffix === '_sum' ? 'sum' : suffix === '_created' ? 'created' : undefined;
    case 'histogram':
      return suffix === '_bucket' ? 'bucket' : suffix === '_count' ? 'count' : suffix === '_sum' ? 'sum' : suffix === '_created' ? 'created' : undefined;
    case 'gaugehistogram':
      return suffix === '_bucket'
        ? 'bucket'
        : suffix === '_gcount' || suffix === '_count'
          ? 'count'
          : suffix === '_gsum' || suffix === '_sum'
            ? 'sum'
            : suffix === '_created'
              ? 'created'
              : undefined;
    case 'info':
      return suffix === '_info' ? 'value' : undefined;
    default:
      return suffix === '' ? 'value' : undefined;
  }
}

const TEXT_TYPES: Readonly<Record<string, MetricType>> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  SUMMARY: 'summary',
  UNTYPED: 'untyped',
  HISTOGRAM: 'histogram',
  GAUGE_HISTOGRAM: 'gaugehistogram',
  GAUGEHISTOGRAM: 'gaugehistogram',
};

const OM_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  stateset: 'stateset',
  info: 'info',
  summary: 'summary',
  unknown: 'unknown',
};

const EMPTY: MetricFamily[] = [];

function newFamily(name: string): FamilyState {
  return { name, type: undefined, help: undefined, unit: undefined, samples: [], hasSamples: false, ended: false };
}

/** An order-independent key of a label set, leaving out one label (`le` or `quantile`). */
export function signature(labels: readonly LabelPair[], without: string | undefined): string {
  const kept = labels.filter(([n]) => n !== without).map(([n, v]) => `${n}\u0000${v}`);
  kept.sort();
  return kept.join('\u0001');
}

function joinParts(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function isAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function skipBlank(L: Line): void {
  const s = L.text;
  let i = L.pos;
  while (i < s.length && isBlank(s.charCodeAt(i))) i++;
  L.pos = i;
}

function isLabelStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Go's %q of a string, near enough for messages. */
function q(s: string): string {
  return JSON.stringify(s);
}

/** The character at `i` quoted for a message, or end of line. */
function qc(s: string, i: number): string {
  return i < s.length ? `'${s[i]!}'` : 'end of line';
}
