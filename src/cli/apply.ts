// `reelctl apply` — placeholder until its issue lands.
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('apply')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new ReelctlError('reelctl apply is not implemented yet', { code: 'not-implemented' });
    });
}
