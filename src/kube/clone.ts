/** Deep copy of a JSON value (see `src/clone.ts`). */
export { cloneJson } from '../clone.js';
