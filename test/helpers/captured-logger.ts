/** A debug-level Logger whose JSON lines a test can read back (and search for secrets). */
import { createLogger, type Logger } from '../../src/logger.js';

/** A logger that keeps every line it writes. */
export interface CapturedLogger extends Logger {
  lines: string[];
}

/** Captures every entry at debug level and above. */
export function capturedLogger(): CapturedLogger {
  const lines: string[] = [];
  return Object.assign(createLogger('debug', (line) => lines.push(line)), { lines });
}
