/**
 * `coreElfDump`: the canonical JSON Lines of a core's ELF layer — program headers and notes with their
 * decoded payloads — in the shape of the Go oracle `core-elf` (testdata/gen/cmd/oracle/core_elf.go), so the
 * two can be compared byte for byte.
 * @module
 */

import { canonicalJson } from '../internal/canonical-json.js';
import { toRandomAccess, type RandomAccessSource } from '../internal/random-access.js';
import { openCore } from './elf-core.js';
import { parseAuxv, parseFileNote, parseNoteStream, parsePrPsInfo, parsePrStatus, parseSigInfo, type RawNote } from './notes.js';
import { REGISTER_LAYOUTS, decodeRegisters } from './registers.js';

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** Lines of the `core-elf` dump of a core (each canonical JSON, newline-terminated). */
export async function coreElfDump(source: RandomAccessSource): Promise<string> {
  const ra = toRandomAccess(source);
  const core = await openCore(ra);
  const little = core.byteOrder === 'little';
  const lines: string[] = [];
  lines.push(canonicalJson({ kind: 'Core', machine: core.machine, byteOrder: core.byteOrder, progs: core.programHeaders.length }));
  for (const p of core.programHeaders) {
    lines.push(canonicalJson({ kind: 'Prog', type: p.type, flags: p.flags, offset: p.offset, vaddr: hex(p.vaddr), filesz: hex(p.filesz), memsz: hex(p.memsz), align: hex(p.align) }));
  }
  const layout = REGISTER_LAYOUTS.get(core.machine);
  for (const p of core.programHeaders) {
    if (p.type !== 4) continue;
    const bytes = await ra.read(p.offset, Number(p.filesz));
    for (const n of parseNoteStream(bytes, little, p.offset)) {
      const out: Record<string, unknown> = { kind: 'Note', name: n.name, type: n.type, size: n.desc.length, offset: n.offset };
      if (n.name === 'CORE') Object.assign(out, payload(n, little, layout));
      lines.push(canonicalJson(out as Parameters<typeof canonicalJson>[0]));
    }
  }
  return lines.map((l) => l + '\n').join('');
}

function payload(n: RawNote, little: boolean, layout: ReturnType<typeof REGISTER_LAYOUTS.get>): Record<string, unknown> {
  switch (n.typeName) {
    case 'NT_PRSTATUS': {
      if (layout === undefined) return {};
      const s = parsePrStatus(n, little, layout.names.length * 8);
      const regs = decodeRegisters(layout, s.regBytes, little, s.regOffset);
      return {
        prstatus: {
          infoSigno: s.infoSigno,
          infoCode: s.infoCode,
          infoErrno: s.infoErrno,
          cursig: s.cursig,
          sigpend: hex(s.sigpend),
          sighold: hex(s.sighold),
          tid: s.tid,
          ppid: s.ppid,
          pgrp: s.pgrp,
          sid: s.sid,
          times: { user: s.times.user, system: s.times.system, childUser: s.times.childUser, childSystem: s.times.childSystem },
          registers: Object.fromEntries(Object.entries(regs).map(([k, v]) => [k, hex(v)])),
          fpvalid: s.fpvalid,
        },
      };
    }
    case 'NT_PRPSINFO': {
      const p = parsePrPsInfo(n, little);
      return {
        prpsinfo: {
          state: p.state,
          sname: p.stateChar,
          zombie: p.zombie,
          nice: p.nice,
          flags: hex(p.flags),
          uid: p.uid,
          gid: p.gid,
          pid: p.pid,
          ppid: p.ppid,
          pgrp: p.pgrp,
          sid: p.sid,
          fname: p.fname,
          args: p.args,
        },
      };
    }
    case 'NT_SIGINFO': {
      const s = parseSigInfo(n, little);
      const out: Record<string, unknown> = { signo: s.signo, errno: s.errno, code: s.code };
      if (s.addr !== undefined) out.addr = hex(s.addr);
      if (s.pid !== undefined) out.pid = s.pid;
      if (s.uid !== undefined) out.uid = s.uid;
      return { siginfo: out };
    }
    case 'NT_AUXV': {
      const a = parseAuxv(n, little);
      // The oracle leaves an empty vector out, as encoding/json's omitempty does.
      return a.length === 0 ? {} : { auxv: a.map((e) => ({ key: e.key, value: hex(e.value) })) };
    }
    case 'NT_FILE': {
      const f = parseFileNote(n, little);
      return { file: { count: f.count, pageSize: f.pageSize, mappings: f.mappings.map((m) => ({ start: hex(m.start), end: hex(m.end), offset: hex(m.fileOffset), path: m.path })) } };
    }
    default:
      return {};
  }
}
