// A server in a child process for the kill -9 test: prints one JSON line when it is serving.
import { startServer } from '../../src/server/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: child-server.ts <data-dir>');
const s = await startServer({ dataDir });
process.stdout.write(`${JSON.stringify({ url: s.url, kubeconfig: s.kubeconfig })}\n`);
