/**
 * The goroutine-dump model: what `goroutine?debug=2`, `runtime.Stack(buf, true)` and a crashing program's
 * traceback (GOTRACEBACK=single|all|system|crash) print, as plain data.
 *
 * 64-bit policy: goroutine ids, addresses (gp, mp, fp, sp, pc, fault addresses, register values), signal
 * codes and synctest bubble ids are `bigint` (the runtime prints them from 64-bit integers); line numbers,
 * pc offsets within a function, M ids, wait minutes and byte offsets are `number`.
 * @module
 */

/** One frame of a stack: `function(args)` followed by `\tfile:line +0xoff [fp=… sp=… pc=…]`. */
export interface Frame {
  /** Discriminant. */
  kind: 'frame';
  /** Function as the runtime prints it: `main.(*T[...]).m.func1`, `panic` for runtime.gopanic. */
  function: string;
  /** The argument text between the parentheses, verbatim: `0x1, {0xc000010000, 0x2, 0x2}`, `...`, ``. */
  args: string;
  /**
   * True when the frame is an inlined call: the runtime prints `(...)` as its arguments and no pc offset.
   * (Frames of `[originating from goroutine N]` traces also print `(...)`, but with a pc offset.)
   */
  inlined: boolean;
  /** Source file, as recorded in the binary (trimmed with -trimpath). */
  file: string;
  /** Source line. */
  line: number;
  /** The pc's offset from the function's entry (`+0x1d`), absent for inlined frames and at the entry. */
  pcOffset: number | undefined;
  /** Frame pointer (`fp=`), printed under GOTRACEBACK=system|crash and for runtime throws. */
  fp: bigint | undefined;
  /** Stack pointer (`sp=`), when `fp` is printed. */
  sp: bigint | undefined;
  /** Program counter (`pc=`), when `fp` is printed. */
  pc: bigint | undefined;
  /** Byte offset of the function line in the input. */
  offset: number;
}

/**
 * Frames the runtime left out: `...N frames elided...` (Go 1.21+: the middle of a stack deeper than 100
 * logical frames; `count` is N) or `...additional frames elided...` (Go ≤ 1.20 after the first 100 frames,
 * and in ancestor traces; `count` is undefined).
 */
export interface ElidedFrames {
  /** Discriminant. */
  kind: 'elided';
  /** Number of frames left out, when the runtime says. */
  count: number | undefined;
  /** Byte offset of the line. */
  offset: number;
}

/** A cgo frame the runtime could not symbolize: `non-Go function at pc=0x…`. */
export interface NonGoFrame {
  /** Discriminant. */
  kind: 'non-go';
  /** The program counter. */
  pc: bigint;
  /** Byte offset of the line. */
  offset: number;
}

/** One entry of a printed stack, innermost first. */
export type StackEntry = Frame | ElidedFrames | NonGoFrame;

/** `created by F in goroutine N` and the location of the `go` statement. */
export interface CreatedBy {
  /** The function containing the `go` statement. */
  function: string;
  /** The creating goroutine (`in goroutine N`, Go 1.21+); undefined when not printed. */
  goroutine: bigint | undefined;
  /** Source file of the `go` statement. */
  file: string;
  /** Its line. */
  line: number;
  /** The pc's offset from the creator's entry, when printed. */
  pcOffset: number | undefined;
  /** Byte offset of the `created by` line. */
  offset: number;
}

/** An ancestor's stack (GODEBUG=tracebackancestors=N): `[originating from goroutine N]:` and its frames. */
export interface AncestorTrace {
  /** The ancestor goroutine. */
  goroutine: bigint;
  /** Its stack when it created the next goroutine of the chain (arguments are always `...`). */
  frames: StackEntry[];
  /** What created the ancestor (printed without `in goroutine`). */
  createdBy: CreatedBy | undefined;
  /** Byte offset of the `[originating from …]` line. */
  offset: number;
}

/** A goroutine label, as Go 1.26+ prints them under GODEBUG=tracebacklabels=1 (`labels:{"k": "v"}`). */
export interface GoroutineLabel {
  /** The key, unquoted. */
  key: string;
  /** The value, unquoted. */
  value: string;
}

/** The `gp=… m=… mp=…` part of a header (Go 1.22+ under GOTRACEBACK=system|crash and for runtime throws). */
export interface GoroutineRuntimeInfo {
  /** Address of the runtime's `g`. */
  gp: bigint;
  /** Id of the M running it; undefined for `m=nil`. */
  m: number | undefined;
  /** Address of the M; undefined for `m=nil`. */
  mp: bigint | undefined;
}

/** One goroutine: its header, stack, creator and ancestors. */
export interface Goroutine {
  /** Discriminant (goroutines are items of {@link GoroutineDump.items}). */
  kind: 'goroutine';
  /** Goroutine id (0 for an M's g0 in crash output). */
  id: bigint;
  /**
   * Status or wait reason as printed: `running`, `runnable`, `syscall`, `chan receive`, `select`,
   * `IO wait`, `sync.Mutex.Lock`, `idle` (g0), `chan receive (durable)` (synctest), … — without the
   * ` (leaked)` and ` (scan)` markers, which are {@link leaked} and {@link scan}.
   */
  state: string;
  /** Minutes the goroutine has been blocked (`, N minutes`), when printed (≥ 1). */
  waitMinutes: number | undefined;
  /** `, locked to thread`. */
  lockedToThread: boolean;
  /** ` (scan)`: the GC was scanning the stack. */
  scan: boolean;
  /** ` (leaked)` (Go 1.26+ goroutine leak detection). */
  leaked: boolean;
  /** `, synctest bubble N`, when printed. */
  synctestBubble: bigint | undefined;
  /** Labels (`labels:{…}`), when printed; undefined otherwise (even if the goroutine has labels). */
  labels: GoroutineLabel[] | undefined;
  /** The `gp=… m=… mp=…` part, when printed. */
  runtime: GoroutineRuntimeInfo | undefined;
  /** `goroutine running on other thread; stack unavailable` was printed instead of frames. */
  stackUnavailable: boolean;
  /** The stack, innermost first. */
  frames: StackEntry[];
  /** What created the goroutine (absent for goroutine 1 and for system goroutines created by the runtime when hidden). */
  createdBy: CreatedBy | undefined;
  /** Ancestor traces (GODEBUG=tracebackancestors), nearest first. */
  ancestors: AncestorTrace[];
  /** Byte offset of the header line. */
  offset: number;
}

/** `panic: MSG` (nested panics are printed on following lines, tab-indented). */
export interface PanicItem {
  /** Discriminant. */
  kind: 'panic';
  /** The panic value as printed; lines of a multi-line message are joined with `\n` (indentation removed). */
  message: string;
  /** ` [recovered]` or ` [recovered, repanicked]` followed the message. */
  recovered: boolean;
  /** ` [recovered, repanicked]` (Go 1.23+). */
  repanicked: boolean;
  /** The line was tab-indented: a panic raised while an earlier one was unwinding. */
  nested: boolean;
  /** Byte offset of the line. */
  offset: number;
}

/** `fatal error: MSG` (a runtime throw or fatal). */
export interface FatalErrorItem {
  /** Discriminant. */
  kind: 'fatal-error';
  /** The message; lines of a multi-line message joined with `\n` (indentation removed). */
  message: string;
  /** Byte offset of the line. */
  offset: number;
}

/** `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4b2a8b]`: the signal that caused a panic. */
export interface SignalItem {
  /** Discriminant. */
  kind: 'signal';
  /** Signal name (`SIGSEGV`), or the number in hex (`0x1b`) when the runtime has no name for it. */
  signal: string;
  /** The runtime's description (`segmentation violation`); empty when it has none. */
  description: string;
  /** si_code. */
  code: bigint;
  /** Faulting address. */
  addr: bigint;
  /** Program counter. */
  pc: bigint;
  /** Byte offset of the line. */
  offset: number;
}

/** `SIGQUIT: quit` + `PC=0x… m=N sigcode=N [addr=0x…]`: a fatal signal received by an M. */
export interface SignalReceivedItem {
  /** Discriminant. */
  kind: 'signal-received';
  /** Signal name (`SIGQUIT`), or `Signal N` when the runtime has no name for it. */
  signal: string;
  /** The runtime's description (`quit`); empty when it has none. */
  description: string;
  /** Program counter. */
  pc: bigint;
  /** The M that received it. */
  m: number;
  /** si_code, as printed (decimal). */
  sigcode: bigint;
  /** Fault address (`addr=`, SIGSEGV and SIGBUS, Go 1.21+), when printed. */
  addr: bigint | undefined;
  /** Byte offset of the signal line. */
  offset: number;
}

/** `runtime stack:`: the system stack of the M that threw. */
export interface RuntimeStackItem {
  /** Discriminant. */
  kind: 'runtime-stack';
  /** The frames, innermost first. */
  frames: StackEntry[];
  /** Byte offset of the `runtime stack:` line. */
  offset: number;
}

/** One register of a register dump. */
export interface Register {
  /** Name as printed (`rax`, `rflags`, `r0`, `lr`, `pc`, `fault`, …). */
  name: string;
  /** Value. */
  value: bigint;
}

/** A register dump (after a fatal signal under GOTRACEBACK=crash and others): `rax    0x0` lines. */
export interface RegistersItem {
  /** Discriminant. */
  kind: 'registers';
  /** Registers in printed order. */
  registers: Register[];
  /** Byte offset of the first line. */
  offset: number;
}

/**
 * A line of runtime diagnostics the model keeps as text. Recognised shapes (everything else is an error):
 * lines starting `runtime: ` (with tab-indented continuation lines), `fatal: `, `unexpected fault address `,
 * `instruction bytes:`, `signal arrived during cgo execution`, `panic during panic`, `stack trace unavailable`.
 */
export interface MessageItem {
  /** Discriminant. */
  kind: 'message';
  /** The text; continuation lines joined with `\n`, keeping their tab. */
  text: string;
  /** Byte offset of the first line. */
  offset: number;
}

/** `-----`: separates the reports of successive Ms under GOTRACEBACK=crash. */
export interface SeparatorItem {
  /** Discriminant. */
  kind: 'separator';
  /** Byte offset of the line. */
  offset: number;
}

/** `exit status N`: the trailer `go run` (and `go test`) print after the program's output. */
export interface ExitStatusItem {
  /** Discriminant. */
  kind: 'exit-status';
  /** The exit status. */
  code: number;
  /** Byte offset of the line. */
  offset: number;
}

/** One item of a dump, in input order. */
export type DumpItem =
  | Goroutine
  | PanicItem
  | FatalErrorItem
  | SignalItem
  | SignalReceivedItem
  | RuntimeStackItem
  | RegistersItem
  | MessageItem
  | SeparatorItem
  | ExitStatusItem;

/** A parsed goroutine dump. */
export interface GoroutineDump {
  /** Everything, in input order. */
  items: DumpItem[];
  /** The goroutines, in input order (a crash under GOTRACEBACK=crash may print goroutine 0 once per M). */
  goroutines: Goroutine[];
  /** The panics printed before the tracebacks, outermost first. */
  panics: PanicItem[];
  /** The first `fatal error:` message, if any. */
  fatalError: string | undefined;
  /** The first `[signal …]` line, if any. */
  signal: SignalItem | undefined;
}
