/**
 * The controllers `packsync manager` runs.
 *
 *   Manager (src/controllers/runtime) -> each ControllerSetup.setup(manager) builds its
 *   Controller, registers the informers and handlers it needs -> manager.start().
 *
 * Add a controller here when it works end to end; the `manager` verb appears once this list
 * is not empty.
 */
import type { Controller, Manager } from './runtime/index.js';

export interface ControllerSetup {
  /** Controller name (metrics label, logs). */
  name: string;
  /** Builds the controller, registers its watches on the manager, and returns it. */
  setup(mgr: Manager, opts: ControllerSetupOptions): Controller | Promise<Controller>;
}

export interface ControllerSetupOptions {
  /** Parallel reconciles per controller. */
  workers: number;
}

export const controllerSetups: readonly ControllerSetup[] = [];
