// `reelctl plan` — placeholder until its issue lands.
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('plan')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new ReelctlError('reelctl plan is not implemented yet', { code: 'not-implemented' });
    });
}
