import { describe, expect, it } from 'vitest';
import { KubeApiError, NoKindMatchError } from '../../kube/index.js';
import { RetryAfterError, TerminalError, retryPolicy } from './errors.js';

describe('retryPolicy', () => {
  it.each([
    ['terminal', new TerminalError('spec invalid'), { kind: 'drop', log: 'error' }],
    [
      'retry after',
      new RetryAfterError(1500, 'probe failing'),
      { kind: 'after', delayMs: 1500, log: 'debug' },
    ],
    [
      '429 with Retry-After',
      new KubeApiError('slow down', {
        status: 429,
        reason: 'TooManyRequests',
        retryAfterSeconds: 2,
      }),
      { kind: 'after', delayMs: 2000, log: 'info' },
    ],
    [
      'conflict',
      new KubeApiError('stale', { status: 409, reason: 'Conflict' }),
      { kind: 'backoff', log: 'debug' },
    ],
    [
      'kind not served yet',
      new NoKindMatchError('x.io/v1', 'X'),
      { kind: 'backoff', log: 'debug' },
    ],
    ['anything else', new Error('boom'), { kind: 'backoff', log: 'error' }],
  ])('%s', (_name, err, want) => {
    expect(retryPolicy(err)).toEqual(want);
  });
});
