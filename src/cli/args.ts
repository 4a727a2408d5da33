/** A small argument parser: positionals, `--flag`, `--key value` and `--key=value`. @module */

/** Parsed command-line arguments. */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Thrown for bad usage; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses `argv`. Options listed in `valued` take a value (`--out FILE` or `--out=FILE`); any other
 * `--name` is a boolean flag. Unknown options are rejected by the caller via {@link checkFlags}.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[] = []): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (eq >= 0) flags.set(name, a.slice(eq + 1));
    else if (valued.includes(name)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, v);
    } else flags.set(name, true);
  }
  return { positional, flags };
}

/** Rejects flags not in `allowed`. */
export function checkFlags(args: Args, allowed: readonly string[]): void {
  for (const name of args.flags.keys()) {
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
  }
}
