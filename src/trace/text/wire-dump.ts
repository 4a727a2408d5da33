/**
 * Printing a binary trace's raw events as text: what `go tool trace -d=wire` prints, or Go's text trace format
 * (the same events under a `Trace Go1.NN` header line, readable back by `parseTextTrace`).
 * @module
 */

import type { Source } from '../../internal/input.js';
import { iterateRawEventsSync, readRawEvents, type RawReadOptions } from '../wire/raw.js';
import { DumpWriter } from './dump-writer.js';
import { textHeader, type DataLine } from './format.js';

/**
 * Which text a dump prints.
 * - `'wire'`: exactly `go tool trace -d=wire`: one event per line, no header, and no data line for empty data.
 * - `'text'`: Go's text trace format: a `Trace Go1.NN` header line, then the events, with a data line for every
 *   event that has a data trailer (even empty), so that the text reads back to the same events.
 */
export type DumpForm = 'wire' | 'text';

/** Options of {@link wireDumpText}. */
export interface WireDumpOptions {
  /** What to print; default `'wire'`. */
  form?: DumpForm;
}

/** Options of {@link wireDumpChunks}. */
export interface WireDumpStreamOptions extends RawReadOptions, WireDumpOptions {}

const dataLineOf = (form: DumpForm): DataLine => (form === 'text' ? 'always' : 'non-empty');

/**
 * The text `go tool trace -d=wire FILE` prints for an in-memory trace (or, with `form: 'text'`, its text
 * format): every line newline-terminated.
 * @throws GodiagError where the bytes stop being a trace (Go prints the events before such a point, then fails).
 */
export function wireDumpText(bytes: Uint8Array, options: WireDumpOptions = {}): string {
  const form = options.form ?? 'wire';
  const { version, events } = iterateRawEventsSync(bytes);
  const w = new DumpWriter(version, dataLineOf(form));
  if (form === 'text') w.line(textHeader(version));
  const pieces: string[] = [];
  for (const ev of events) {
    w.event(ev);
    if (w.size >= PIECE_BYTES) pieces.push(w.take());
  }
  pieces.push(w.take());
  return pieces.join('');
}

/** Text is handed out in pieces of about this many bytes. */
const PIECE_BYTES = 1 << 16;

/**
 * {@link wireDumpText} over any source, streaming: yields the text in pieces of whole lines (about 64 KiB
 * each), so a trace of any length prints in bounded memory. Every piece before an error is yielded first.
 * @throws GodiagError for a bad header (before the first piece) or where the bytes stop being a trace.
 */
export async function* wireDumpChunks(source: Source, options: WireDumpStreamOptions = {}): AsyncGenerator<string, void, undefined> {
  const form = options.form ?? 'wire';
  const { version, events } = await readRawEvents(source, options);
  const w = new DumpWriter(version, dataLineOf(form));
  if (form === 'text') w.line(textHeader(version));
  let failure: { error: unknown } | undefined;
  try {
    for await (const ev of events) {
      w.event(ev);
      if (w.size >= PIECE_BYTES) yield w.take();
    }
  } catch (error) {
    failure = { error };
  }
  // The lines before an error are part of the output, as Go prints them before it fails.
  if (w.size > 0) yield w.take();
  if (failure) throw failure.error;
}
