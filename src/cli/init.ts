// `reelctl init [DIR]`: scaffolds a manifests directory with a valid example, never overwriting anything.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';
import { packagePath } from '../paths.js';
import { initView } from './views/init.js';

export const EXAMPLE = `# yaml-language-server: $schema=../schemas/video.schema.json
apiVersion: reelctl/v1
kind: Video
metadata:
  name: hello-reelctl
  labels: { campaign: example }
spec:
  request:
    model: klingai:kling-video@3-standard
    positivePrompt: A paper boat drifting down a rain-soaked city street at dusk, neon reflections, gentle camera follow.
    width: 1280
    height: 720
    duration: 5
`;

export async function init(dir: string): Promise<string[]> {
  const manifest = path.join(dir, 'manifests', 'example.yaml');
  const schema = path.join(dir, 'schemas', 'video.schema.json');
  for (const f of [manifest, schema])
    if (
      await readFile(f).then(
        () => true,
        () => false,
      )
    )
      throw new ReelctlError(`${f} already exists; reelctl init never overwrites files`, { code: 'init.exists' });
  await mkdir(path.dirname(manifest), { recursive: true });
  await mkdir(path.dirname(schema), { recursive: true });
  await writeFile(manifest, EXAMPLE, { flag: 'wx' });
  await writeFile(schema, await readFile(packagePath('schemas', 'video.schema.json')), { flag: 'wx' });
  const gitignore = path.join(dir, '.gitignore');
  const current = await readFile(gitignore, 'utf8').catch(() => '');
  const missing = ['.reelctl/', 'outputs/', 'outputs-simulated/'].filter((l) => !current.split('\n').includes(l));
  if (missing.length) await appendFile(gitignore, (current && !current.endsWith('\n') ? '\n' : '') + missing.join('\n') + '\n');
  return [manifest, schema, ...(missing.length ? [gitignore] : [])];
}

export function register(program: Command): void {
  program
    .command('init')
    .description('scaffold a manifests directory with a valid example (never overwrites files)')
    .argument('[dir]', 'where to create manifests/ and schemas/', '.')
    .addHelpText('after', '\nExamples:\n  reelctl init\n  reelctl init video-repo && cd video-repo && reelctl plan')
    .action(async (dir: string) => {
      const written = await init(dir);
      initView(process.stdout).render({ dir, written });
    });
}
