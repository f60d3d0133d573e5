/**
 * Every CLI verb, one file each. A verb file parses its flags and calls the library; it never exits
 * the process (main.ts does). Add a verb here only when it works: no stubs in --help.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { registerBuild } from './build.js';
import { registerClustertree } from './clustertree.js';
import { registerCrds } from './crds.js';
import { registerDebug } from './debug.js';
import { registerDiff } from './diff.js';
import { registerManager } from './manager.js';
import { registerPause } from './pause.js';
import { registerPreview } from './preview.js';
import { registerRender } from './render.js';
import { registerRepo } from './repo.js';
import { registerRollout } from './rollout.js';
import { registerServer } from './server.js';
import { registerSync } from './sync.js';
import { registerTree } from './tree.js';
import { registerUpdate } from './update.js';
import { registerValidate } from './validate.js';

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const commands: readonly RegisterCommand[] = [
  registerCrds,
  registerDebug,
  registerTree,
  registerRender,
  registerValidate,
  registerBuild,
  registerUpdate,
  registerRepo,
  registerDiff,
  registerPreview,
  registerServer,
  registerManager,
  registerSync,
  registerRollout,
  registerPause,
  registerClustertree,
];
