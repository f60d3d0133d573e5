import { pino, type Logger } from 'pino';
import type { Writable } from 'node:stream';

export type { Logger };

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Paths redacted from every log line, wherever they appear. */
const redactPaths = [
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'data',
  '*.data',
  'stringData',
  '*.stringData',
];

/** The root logger. Created once in main and passed down; libraries never create their own. */
export function createRootLogger(level: LogLevel, destination: Writable): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    destination,
  );
}
