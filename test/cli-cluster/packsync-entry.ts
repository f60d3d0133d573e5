// `kubectl-package` for the plugin test: the CLI from the sources (no build needed), exit code kept.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
