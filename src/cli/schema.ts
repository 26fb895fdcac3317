// `reelctl schema`: prints the manifest JSON Schema (for editors and CI tooling).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { packagePath } from '../paths.js';
import { textView } from './views/view.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the manifest JSON Schema (JSON Schema 2020-12)')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl schema > video.schema.json\n  # in a manifest, for yaml-language-server:\n  # yaml-language-server: $schema=./video.schema.json',
    )
    .action(async () => {
      textView(process.stdout).render(await readFile(packagePath('schemas', 'video.schema.json'), 'utf8'));
    });
}
