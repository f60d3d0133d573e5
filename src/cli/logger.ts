import { pino, type Logger } from 'pino';
import type { Writable } from 'node:stream';

export type { Logger };

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Keys whose values are secrets, wherever they appear (up to three levels deep). */
const secretKeys = [
  'password',
  'token',
  'secret',
  'authorization',
  'Authorization',
  'bearerToken',
  'accessToken',
  'refreshToken',
  'identitytoken',
  'registrytoken',
  // docker config.json credentials: {"auths": {"host": {"auth": "<base64 user:pass>"}}}
  'auth',
  'auths',
  '[".dockerconfigjson"]',
  '[".dockercfg"]',
  '["client-key-data"]',
  // Secret (and ConfigMap) payloads
  'data',
  'stringData',
];

/** Paths redacted from every log line: each key at the top and one or two levels down. */
export const redactPaths: readonly string[] = secretKeys.flatMap((k) => {
  const tail = k.startsWith('[') ? k : `.${k}`;
  return [k, `*${tail}`, `*.*${tail}`];
});

/** The root logger. Created once in main and passed down; libraries never create their own. */
export function createRootLogger(level: LogLevel, destination: Writable): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...redactPaths], censor: '[redacted]' },
    },
    destination,
  );
}
