// The server under benchmark, in its own process so its memory is measured alone (bench/server.ts).
import { startServer } from '../src/server/index.js';

const s = await startServer({ dataDir: process.argv[2] || undefined });
process.on('message', (m) => {
  if (m === 'rss') {
    global.gc?.();
    process.send?.({
      rss: process.memoryUsage().rss,
      heap: process.memoryUsage().heapUsed,
      objects: s.core.store.count(),
    });
  }
  if (m === 'stop') void s.stop().then(() => process.exit(0));
});
process.send?.({ url: s.url, caCert: s.caCert, token: s.token });
