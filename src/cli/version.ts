// `reelctl version` (kubectl's habit): the version, and with -o json the runtime it runs on, for bug reports.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { packageVersion } from './package-version.js';

export function versionInfo(): { version: string; node: string; platform: string } {
  return { version: packageVersion(), node: process.version, platform: `${process.platform}/${process.arch}` };
}

export function register(program: Command): void {
  program
    .command('version')
    .description('print the reelctl version (with -o json: also Node.js and the platform)')
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText('after', '\nExamples:\n  reelctl version\n  reelctl version -o json')
    .action((f: { output: string }) => {
      const v = versionInfo();
      if (f.output === 'json') return void process.stdout.write(JSON.stringify(v) + '\n');
      if (f.output !== 'text') throw new UsageError(`-o must be text or json, got "${f.output}"`);
      process.stdout.write(`reelctl ${v.version} (node ${v.node}, ${v.platform})\n`);
    });
}
