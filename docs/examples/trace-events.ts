// Where did each goroutine's time go? Follow every goroutine's state transitions through a Go execution trace
// and add up the time it spent running, runnable, in syscalls, and waiting, by the reason it blocked.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/trace-events.ts [TRACE] [TOP]
import { maybeDecompress } from 'godiag';
import { readTrace, type Event, type GoState, type GoStateTransition } from 'godiag/trace';
import { fileSource } from 'godiag/node';

const path = process.argv[2] ?? 'testdata/fixtures/go1.26.8/linux-amd64/tracework-mixed.trace.gz';
const top = Number(process.argv[3] ?? 5);
// The fixtures are stored gzip-compressed; maybeDecompress passes a plain trace through unchanged.
const { chunks: source } = await maybeDecompress(await fileSource(path));

interface Goroutine {
  state: GoState;
  since: number; // when it entered `state`, in ns
  reason: string; // why it left Running, for Waiting and Runnable
  ns: Map<string, number>; // time per state ("waiting: chan receive", "running", …)
}
const goroutines = new Map<number, Goroutine>();
let end = 0;

const account = (g: Goroutine, until: number) => {
  if (g.state === 'NotExist' || g.state === 'Undetermined') return;
  const key = g.state === 'Waiting' ? `waiting: ${g.reason || 'unknown'}` : g.state.toLowerCase();
  g.ns.set(key, (g.ns.get(key) ?? 0) + (until - g.since));
};

// Procs change state too; the resource's kind tells which, and this guard lets TypeScript know the states are GoStates.
const isGoroutineTransition = (e: Event): e is Event & { kind: 'StateTransition' } & GoStateTransition =>
  e.kind === 'StateTransition' && e.resource.kind === 'Goroutine';

for await (const e of readTrace(source)) {
  end = e.time;
  if (!isGoroutineTransition(e)) continue;
  const g = goroutines.get(e.resource.id) ?? { state: e.from, since: e.time, reason: '', ns: new Map<string, number>() };
  goroutines.set(e.resource.id, g);
  account(g, e.time);
  g.since = e.time;
  // Each generation restates every goroutine's status (e.g. Waiting->Waiting, no reason): keep the old reason.
  if (e.from === e.to) continue;
  g.state = e.to;
  g.reason = e.reason;
}
for (const g of goroutines.values()) account(g, end); // still alive when the trace ends

const ms = (ns: number) => `${(ns / 1e6).toFixed(3)}ms`;
const total = (g: Goroutine) => [...g.ns.values()].reduce((a, b) => a + b, 0);
const busiest = [...goroutines].sort((a, b) => (b[1].ns.get('running') ?? 0) - (a[1].ns.get('running') ?? 0)).slice(0, top);
for (const [id, g] of busiest) {
  const parts = [...g.ns].sort((a, b) => b[1] - a[1]).map(([what, ns]) => `${what} ${ms(ns)}`);
  console.log(`goroutine ${id}: ${ms(total(g))} traced; ${parts.join(', ')}`);
}
