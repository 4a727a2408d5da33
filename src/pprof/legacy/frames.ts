/**
 * The drop/keep-frame regular expressions google/pprof attaches to every legacy profile
 * (`addLegacyFrameInfo`): allocator frames for heap profiles, lock internals for contention profiles,
 * profiler signal-handler frames otherwise. They are part of the parsed profile, so they must match
 * google/pprof's text exactly.
 * @module
 */

import type { LegacyProfile } from './model.js';

const ALLOC_RX = [
  // POSIX entry points.
  'calloc', 'cfree', 'malloc', 'free', 'memalign', 'do_memalign', '(__)?posix_memalign', 'pvalloc', 'valloc',
  'realloc',
  // tcmalloc.
  'tcmalloc::.*', 'tc_calloc', 'tc_cfree', 'tc_malloc', 'tc_free', 'tc_memalign', 'tc_posix_memalign',
  'tc_pvalloc', 'tc_valloc', 'tc_realloc', 'tc_new', 'tc_delete', 'tc_newarray', 'tc_deletearray',
  'tc_new_nothrow', 'tc_newarray_nothrow',
  // macOS zone allocators.
  'malloc_zone_malloc', 'malloc_zone_calloc', 'malloc_zone_valloc', 'malloc_zone_realloc',
  'malloc_zone_memalign', 'malloc_zone_free',
  // The Go runtime.
  'runtime\\..*',
  // Other allocation routines.
  'BaseArena::.*', '(::)?do_malloc_no_errno', '(::)?do_malloc_pages', '(::)?do_malloc', 'DoSampledAllocation',
  'MallocedMemBlock::MallocedMemBlock', '_M_allocate', '__builtin_(vec_)?delete', '__builtin_(vec_)?new',
  '__gnu_cxx::new_allocator::allocate', '__libc_malloc', '__malloc_alloc_template::allocate', 'allocate',
  'cpp_alloc', 'operator new(\\[\\])?', 'simple_alloc::allocate',
].join('|');

/** Go runtime frames in the middle of a stack that must survive ALLOC_RX. */
const ALLOC_SKIP_RX = ['runtime\\.panic', 'runtime\\.reflectcall', 'runtime\\.call[0-9]*'].join('|');

const CPU_PROFILER_RX = [
  'ProfileData::Add', 'ProfileData::prof_handler', 'CpuProfiler::prof_handler', '__pthread_sighandler', '__restore',
].join('|');

const LOCK_RX = [
  'RecordLockProfileData', '(base::)?RecordLockProfileData.*', '(base::)?SubmitMutexProfileData.*',
  '(base::)?SubmitSpinLockProfileData.*', '(base::Mutex::)?AwaitCommon.*', '(base::Mutex::)?Unlock.*',
  '(base::Mutex::)?UnlockSlow.*', '(base::Mutex::)?ReaderUnlock.*', '(base::MutexLock::)?~MutexLock.*',
  '(Mutex::)?AwaitCommon.*', '(Mutex::)?Unlock.*', '(Mutex::)?UnlockSlow.*', '(Mutex::)?ReaderUnlock.*',
  '(MutexLock::)?~MutexLock.*', '(SpinLock::)?Unlock.*', '(SpinLock::)?SlowUnlock.*',
  '(SpinLockHolder::)?~SpinLockHolder.*',
].join('|');

const HEAP_TYPES = [
  ['allocations', 'size'], // early Go profiles
  ['objects', 'space'],
  ['inuse_objects', 'inuse_space'],
  ['alloc_objects', 'alloc_space'],
  ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'], // Go's legacy heap profiles
];
const CONTENTION_TYPES = [['contentions', 'delay']];

function isProfileType(p: LegacyProfile, types: readonly string[][]): boolean {
  return types.some((t) => t.length === p.sampleType.length && t.every((name, i) => p.sampleType[i]!.type === name));
}

/** Sets `dropFrames`/`keepFrames` by the kind of profile, as google/pprof does for legacy input. */
export function addLegacyFrameInfo(p: LegacyProfile): void {
  if (isProfileType(p, HEAP_TYPES)) {
    p.dropFrames = ALLOC_RX;
    p.keepFrames = ALLOC_SKIP_RX;
  } else if (isProfileType(p, CONTENTION_TYPES)) {
    p.dropFrames = LOCK_RX;
    p.keepFrames = '';
  } else {
    p.dropFrames = CPU_PROFILER_RX;
    p.keepFrames = '';
  }
}
