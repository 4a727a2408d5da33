/**
 * Goroutine dumps: `goroutine?debug=2`, `runtime.Stack(buf, true)` and crash tracebacks, parsed into plain
 * data ({@link parseGoroutineDump}) and turned into goroutine profiles ({@link goroutineProfile}).
 * @module
 */

export { parseGoroutineDump } from './parse.js';
export { goroutineProfile } from './profile.js';
export type {
  AncestorTrace,
  CreatedBy,
  DumpItem,
  ElidedFrames,
  ExitStatusItem,
  FatalErrorItem,
  Frame as GoroutineFrame,
  Goroutine,
  GoroutineDump,
  GoroutineLabel,
  GoroutineRuntimeInfo,
  MessageItem,
  NonGoFrame,
  PanicItem,
  Register,
  RegistersItem,
  RuntimeStackItem,
  SeparatorItem,
  SignalItem,
  SignalReceivedItem,
  StackEntry,
} from './model.js';
