/**
 * The engines the CLI and controllers render with: adapters from the pipeline's capability
 * interfaces to `src/gotemplate` and `src/cel`.
 */
import type { RenderCapabilities } from './render.js';

export function defaultRenderCapabilities(): RenderCapabilities {
  return {};
}
