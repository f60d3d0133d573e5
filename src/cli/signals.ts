/** Process signals for the long-running verbs (`server`, `manager`, `sync`). */

/** Resolves on the first SIGINT or SIGTERM, then stops listening for both. */
export function waitForSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
