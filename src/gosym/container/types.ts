/**
 * The container-neutral view of an executable (ELF, Mach-O, PE) that the symbol-table readers use.
 * @module
 */

/** One section of an executable. Addresses are `bigint`; file offsets and sizes are `number`. */
export interface ExecutableSection {
  /** Section name (`.gopclntab`, `__gopclntab`, `.rdata`); PE long names are resolved from the string table. */
  name: string;
  /** Mach-O only: the segment the section belongs to (`__TEXT`, `__DATA`, …). */
  segment?: string;
  /** Virtual address (PE: image base + RVA); 0 for sections not loaded. */
  addr: bigint;
  /** File offset of the section's bytes (relative to the slice for a universal Mach-O member). */
  offset: number;
  /** Size in memory (for an ELF `SHF_COMPRESSED` section: its stored size, see `compressed`). */
  size: number;
  /** Bytes present in the file: 0 for NOBITS/zero-fill sections (.bss), at most `size`. */
  fileSize: number;
  /** ELF only: the section is stored compressed (`SHF_COMPRESSED`, DWARF); `readSection` returns it as stored. */
  compressed?: boolean;
  /** True if the section holds executable code. */
  executable: boolean;
  /** True if the section is writable at run time. */
  writable: boolean;
}

/**
 * A range of the address space backed by file bytes: ELF `PT_LOAD` segments, Mach-O segments, PE
 * sections. {@link Executable.readAddress} reads through these.
 */
export interface ExecutableSegment {
  /** Virtual address of the first byte. */
  addr: bigint;
  /** Size in memory (the part beyond `fileSize` is zero-filled at load time). */
  size: number;
  /** File offset of the first byte. */
  offset: number;
  /** Bytes present in the file. */
  fileSize: number;
  /** True if mapped executable. */
  executable: boolean;
  /** True if mapped writable. */
  writable: boolean;
}

/** One entry of the container's symbol table. */
export interface ExecutableSymbol {
  /**
   * Symbol name. Mach-O names containing a dot lose the leading `_` the Go linker adds (as debug/macho
   * does), so Go symbols read `runtime.main` in every container; C symbols keep their `_`.
   */
  name: string;
  /**
   * The symbol's address. PE stores section-relative values: they are converted to virtual addresses
   * (image base + section RVA + value); absolute and undefined PE symbols keep their raw value.
   */
  value: bigint;
  /** Size in bytes where the container records one (ELF); 0n when unknown. */
  size: bigint;
}

/** Build IDs recorded in the executable. */
export interface ExecutableBuildId {
  /** The Go build ID (`.note.go.buildid`, or the `\xff Go build ID: "…"` string at the start of text). */
  go?: string;
  /** The GNU build ID (`.note.gnu.build-id`) as lowercase hex. */
  gnu?: string;
}

/** An opened executable: headers parsed, contents read on demand through random access. */
export interface Executable {
  /** Container format. */
  format: 'elf' | 'macho' | 'pe';
  /** GOOS as far as the container tells (linux, darwin, ios, windows, freebsd, netbsd, openbsd, android, …). */
  goos: string;
  /** GOARCH of the machine type ('amd64', '386', 'arm', 'arm64', 'ppc64', 's390x', 'mips64le', …); '' if Go has none. */
  goarch: string;
  /** Byte order of the file (and of its Go tables). */
  byteOrder: 'little' | 'big';
  /** Pointer size of the target: 4 or 8 bytes. */
  ptrSize: 4 | 8;
  /** Entry point address; 0n when the container records none. */
  entry: bigint;
  /**
   * True if the image may be loaded at another address than its link address: ELF `ET_DYN`, Mach-O
   * `MH_PIE`, PE `DYNAMIC_BASE`.
   */
  pie: boolean;
  /** PE image base (the preferred load address); 0n for ELF and Mach-O. */
  imageBase: bigint;
  /** Sections in header order (ELF's null section 0 omitted). */
  sections: readonly ExecutableSection[];
  /** File-backed parts of the address space, in header order. */
  segments: readonly ExecutableSegment[];
  /** The first section with this name. */
  section(name: string): ExecutableSection | undefined;
  /** The file bytes of a section (`fileSize` bytes; compressed sections are returned as stored). */
  readSection(s: ExecutableSection): Promise<Uint8Array>;
  /**
   * Reads `length` bytes at a virtual address. Throws a `corrupt` {@link GodiagError} if the range is
   * not inside the file-backed part of one segment (unmapped, or zero-filled such as .bss).
   */
  readAddress(addr: bigint, length: number): Promise<Uint8Array>;
  /** The file-backed segment containing `addr`, if any. */
  segmentAt(addr: bigint): ExecutableSegment | undefined;
  /** The symbol table (ELF `.symtab`, Mach-O `LC_SYMTAB`, PE COFF symbols); `[]` when stripped. Read once. */
  symbols(): Promise<readonly ExecutableSymbol[]>;
  /** The Go and GNU build IDs, where present. */
  buildId(): Promise<ExecutableBuildId>;
  /** Reads raw file bytes (relative to the slice for a universal Mach-O member). */
  readFile(offset: number, length: number): Promise<Uint8Array>;
}

/** Options for {@link openExecutable}. */
export interface OpenExecutableOptions {
  /** For a universal (fat) Mach-O file: which member to open, by GOARCH ('amd64', 'arm64', …). */
  arch?: string;
}
