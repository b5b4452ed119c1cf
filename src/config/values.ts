/**
 * Reading one environment value into a typed one: the checks config.ts and delivery-config.ts
 * share, each throwing a ConfigError that names the variable.
 */

/** Thrown for a configuration value that cannot be used; the CLI prints it and exits. */
export class ConfigError extends Error {}

/** An integer in [min, max], or `fallback` when unset. */
export function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** true/1/yes or false/0/no, or `fallback` when unset. */
export function bool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

/**
 * An absolute URL whose scheme is one of `schemes` (without the colon). The value is not echoed
 * in the error: URLs like these often carry a password or a token.
 */
export function url(name: string, raw: string, schemes: string[], example: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL (expected something like ${example})`);
  }
  if (!schemes.includes(parsed.protocol.slice(0, -1)) || !parsed.hostname) {
    throw new ConfigError(`${name} must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL with a host (like ${example})`);
  }
  return parsed;
}

/** One of `choices`, or undefined when unset. */
export function oneOf<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase() as T;
  if (!choices.includes(value)) throw new ConfigError(`${name} must be ${choices.join(', ')}; got '${raw}'`);
  return value;
}
