/**
 * The executable's symbol table for the Go layer, built from the container the core already opened (the core
 * keeps its {@link Executable}, not the file: the pclntab is located through that container).
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { readBuildInfo, type BuildInfo } from '../../gosym/buildinfo.js';
import { locateModuledata, locatePclntab, readGoFunc, type Executable } from '../../gosym/container/index.js';
import { Pclntab, type PclntabOptions } from '../../gosym/pclntab/index.js';

/** What the Go layer needs of the executable: its pclntab and build info. */
export interface GoSymbols {
  /** The symbol table (link-time addresses). */
  readonly table: Pclntab;
  /** The build info, when the executable has one. */
  readonly buildInfo: BuildInfo | undefined;
}

/**
 * Reads the pclntab and build info of a Go 1.18+ executable (the Go layer reads Go 1.22–1.26 cores).
 * @throws GodiagError `unsupported-version` for an older pclntab layout.
 */
export async function goSymbolsOf(exe: Executable): Promise<GoSymbols> {
  const loc = await locatePclntab(exe);
  const buildInfo = await readBuildInfo(exe);
  const layout = loc.header.layout;
  if (layout !== '1.18' && layout !== '1.20') {
    throw new GodiagError(ErrorCode.UnsupportedVersion, { format: 'core', offset: 0, message: `the Go layer reads Go 1.18+ executables; this pclntab has the ${layout} layout` });
  }
  const options: PclntabOptions = { byteOrder: exe.byteOrder, addr: loc.addr };
  if (buildInfo?.goVersion !== undefined) options.goVersion = buildInfo.goVersion;
  const md = loc.moduledata ?? (await locateModuledata(exe, loc.addr));
  options.textStart = md.text;
  if (md.textSections !== undefined && md.textSections.length > 1) options.textSections = md.textSections;
  const goFunc = await readGoFunc(exe, md, loc);
  if (goFunc !== undefined) options.goFunc = goFunc;
  return { table: Pclntab.parse(loc.bytes, options), buildInfo };
}
