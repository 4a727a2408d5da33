/**
 * The canonical JSON Lines form of a trace's events (`godiag trace dump`), the same text the Go oracle
 * prints from golang.org/x/exp/trace (docs/oracle.md has the schema).
 *
 * Stacks are printed once: the first event that refers to a stack (by content, across generations) is
 * preceded by a `{"kind":"Stack","id":K,"frames":[…]}` line, and events refer to it by `K`.
 * @module
 */

import { canonicalJson } from '../../internal/canonical-json.js';
import type { Event, ResourceID, Stack, Value } from './event.js';
import { readTraceSync, type ReadTraceOptions } from './reader.js';

/** Assigns stack numbers by content and prints each stack's definition line once. */
class StackNumbers {
  private readonly byObject = new Map<Stack, number>();
  private readonly byContent = new Map<string, number>();

  /** The number of a non-empty stack, pushing its definition line to `out` when it is new. */
  ref(stack: Stack, out: string[]): number {
    let k = this.byObject.get(stack);
    if (k !== undefined) return k;
    const key = stack.frames.map((f) => `${f.pc}\u0000${f.func}\u0000${f.file}\u0000${f.line}`).join('\u0001');
    k = this.byContent.get(key);
    if (k === undefined) {
      k = this.byContent.size + 1;
      this.byContent.set(key, k);
      const frames = stack.frames.map((f) => ({ pc: f.pc, func: f.func, file: f.file, line: f.line }));
      out.push(canonicalJson({ kind: 'Stack', id: k, frames }));
    }
    this.byObject.set(stack, k);
    return k;
  }
}

function value(v: Value): unknown {
  return typeof v === 'string' ? { string: v } : v;
}

function resource(r: ResourceID): unknown {
  return r.kind === 'None' ? { kind: 'None' } : { kind: r.kind, id: r.id };
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The fields of an event's line beyond the common ones. */
function details(e: Event, stacks: StackNumbers, out: string[]): Record<string, unknown> {
  switch (e.kind) {
    case 'Sync': {
      const d: Record<string, unknown> = { n: e.n };
      if (e.clockSnapshot !== undefined) {
        const c = e.clockSnapshot;
        d.clock = { trace: c.trace, mono: c.mono, wallSec: c.wallSec, wallNsec: c.wallNsec };
      }
      if (e.experimentalBatches !== undefined && e.experimentalBatches.size > 0) {
        const x: Record<string, unknown> = {};
        for (const [name, batches] of e.experimentalBatches) x[name] = batches.map((b) => ({ thread: b.thread, data: base64(b.data) }));
        d.experimental = x;
      }
      return d;
    }
    case 'Metric':
      return { name: e.name, value: value(e.value) };
    case 'Label':
      return { label: e.label, resource: resource(e.resource) };
    case 'RangeBegin':
    case 'RangeActive':
      return { name: e.name, scope: resource(e.scope) };
    case 'RangeEnd':
      return { name: e.name, scope: resource(e.scope), attributes: e.attributes.map((a) => ({ name: a.name, value: value(a.value) })) };
    case 'TaskBegin':
    case 'TaskEnd':
      return { id: e.id, parent: e.parent, type: e.type };
    case 'RegionBegin':
    case 'RegionEnd':
      return { task: e.task, type: e.type };
    case 'Log':
      return { task: e.task, category: e.category, message: e.message };
    case 'StateTransition': {
      const d: Record<string, unknown> = { resource: resource(e.resource), from: e.from, to: e.to, reason: e.reason };
      if (e.transitionStack.frames.length > 0) d.transitionStack = stacks.ref(e.transitionStack, out);
      return d;
    }
    case 'StackSample':
      return {};
    case 'Experimental':
      return { name: e.name, experiment: e.experiment, args: e.args.map((a) => ({ name: a.name, value: value(a.value) })) };
  }
}

/**
 * Turns events into their canonical JSON lines, one event at a time (stack numbers carry over from event to
 * event, so use one instance per trace).
 */
export class EventJsonLines {
  private readonly stacks = new StackNumbers();

  /** The lines of one event (the definitions of stacks it is the first to use, then the event), each ending in a newline. */
  text(e: Event): string {
    const out: string[] = [];
    const line: Record<string, unknown> = { kind: e.kind, time: e.time, g: e.goroutine, p: e.proc, m: e.thread };
    if (e.stack.frames.length > 0) line.stack = this.stacks.ref(e.stack, out);
    Object.assign(line, details(e, this.stacks, out));
    out.push(canonicalJson(line));
    return out.join('\n') + '\n';
  }
}

/**
 * `godiag trace dump` of an in-memory trace: the canonical JSON Lines of its events, newline-terminated.
 * @throws GodiagError when the trace cannot be read (as Go's reader would fail).
 */
export function dumpTraceEvents(bytes: Uint8Array, options: ReadTraceOptions = {}): string {
  const json = new EventJsonLines();
  const parts: string[] = [];
  for (const e of readTraceSync(bytes, options)) parts.push(json.text(e));
  return parts.join('');
}
