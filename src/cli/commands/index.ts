/**
 * Every CLI verb, one file each. A verb file parses its flags and calls the library; it never exits
 * the process (main.ts does). Add a verb here only when it works: no stubs in --help.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { registerCrds } from './crds.js';
import { registerManager } from './manager.js';
import { registerServer } from './server.js';

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const commands: readonly RegisterCommand[] = [registerServer, registerCrds, registerManager];
