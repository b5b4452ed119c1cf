/** A small structured logger writing one JSON line per entry to stderr. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** Creates a logger that drops entries below `level`. */
export function createLogger(level: keyof typeof levels, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const min = levels[level];
  const log = (lvl: keyof typeof levels) => (msg: string, fields?: Record<string, unknown>) => {
    if (levels[lvl] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
