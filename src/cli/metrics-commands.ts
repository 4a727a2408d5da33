/**
 * CLI commands of runtime/metrics (`godiag metrics catalog|dump|diff`), registered in the metrics format group
 * of src/cli/commands.ts.
 * @module
 */

import { canonicalJson } from '../internal/canonical-json.js';
import { catalog, catalogVersion, type MetricInfo } from '../metrics/catalog.js';
import { checkFlags, parseArgs, UsageError } from './args.js';
import type { Command, Io } from './command.js';

/** The help text of the metrics group. */
export const metricsHelp = [
  'godiag metrics catalog [--go VERSION] [--json]   every metric of a Go release (default: the newest recorded):',
  '                                                 name, kind, cumulative, added, removed, deprecated',
].join('\n');

function catalogJson(m: MetricInfo): string {
  const o: Record<string, unknown> = { name: m.name, kind: m.kind, unit: m.unit, cumulative: m.cumulative, description: m.description, added: m.added };
  if (m.removed !== undefined) o.removed = m.removed;
  if (m.deprecated !== undefined) o.deprecated = { since: m.deprecated.since, replacements: [...m.deprecated.replacements] };
  return canonicalJson(o) + '\n';
}

const KIND_TEXT: Record<MetricInfo['kind'], string> = { Uint64: 'uint64', Float64: 'float64', Float64Histogram: 'histogram' };

function catalogText(metrics: readonly MetricInfo[], version: string): string {
  const width = Math.max(...metrics.map((m) => m.name.length));
  const lines = [`# runtime/metrics of ${version}: ${metrics.length} metrics (kind, cumulative or gauge, Go minor that added it)`];
  for (const m of metrics) {
    let line = `${m.name.padEnd(width)}  ${KIND_TEXT[m.kind].padEnd(9)}  ${m.cumulative ? 'cumulative' : 'gauge     '}  ${m.added}`;
    if (m.deprecated !== undefined) {
      const instead = m.deprecated.replacements.length > 0 ? `, use ${m.deprecated.replacements.join(' or ')}` : '';
      line += `  deprecated since ${m.deprecated.since}${instead}`;
    }
    if (m.removed !== undefined) line += `  removed in ${m.removed}`;
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

const catalogCommand: Command = {
  summary: 'list the runtime/metrics of a Go release',
  async run(argv: readonly string[], io: Io): Promise<void> {
    const args = parseArgs(argv, ['go']);
    checkFlags(args, ['go', 'json']);
    if (args.positional.length > 0) throw new UsageError(`godiag metrics catalog takes no FILE (got ${args.positional[0]!})`);
    const go = args.flags.get('go');
    if (go === true) throw new UsageError('option --go needs a Go version (1.22, go1.22.3)');
    let version: string | undefined;
    try {
      version = catalogVersion(go);
    } catch (e) {
      if (e instanceof TypeError) throw new UsageError(`--go ${JSON.stringify(go)} is not a Go version (want 1.22 or go1.22.3)`);
      throw e;
    }
    if (version === undefined) throw new UsageError(`Go ${go ?? '?'} has no runtime/metrics (it appeared in Go 1.16)`);
    const metrics = catalog({ goVersion: version });
    io.stdout.write(args.flags.has('json') ? metrics.map(catalogJson).join('') : catalogText(metrics, version));
  },
};

/** The metrics commands, by name. */
export const metricsCommands: Record<string, Command> = {
  catalog: catalogCommand,
};
