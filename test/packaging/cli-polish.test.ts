import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { reelctl, ROOT } from '../e2e/cli.js';
import { buildProgram } from '../../src/cli/program.js';
import { loadManifests } from '../../src/manifest/load.js';
// @ts-expect-error -- plain ESM script
import { cliDoc, manifestDoc } from '../../scripts/gen-docs.mjs';

const tmp = tempDirs();

const COMMANDS = ['validate', 'plan', 'apply', 'run', 'status', 'describe', 'sim', 'schema', 'init', 'version', 'completion'];

describe('CLI polish', () => {
  // In-process: nine CLI starts in a row took most of a 30 s budget on a loaded 2-core machine. One spawned
  // --help below proves the built binary prints the same text.
  it('every command has --help with examples', async () => {
    const program = await buildProgram(['node', 'reelctl'], { full: true });
    for (const c of COMMANDS.filter((c) => c !== 'completion')) {
      const sub = program.commands.find((x) => x.name() === c);
      expect(sub, c).toBeDefined();
      let out = '';
      sub!.configureOutput({ writeOut: (s) => void (out += s) });
      sub!.outputHelp();
      expect(out, c).toMatch(/Examples?:/);
    }
  });

  it('the built binary prints that help and exits 0', async () => {
    const r = await reelctl(['apply', '--help']);
    expect(r.exitCode).toBe(0);
    let out = '';
    const apply = (await buildProgram(['node', 'reelctl', 'apply'])).commands.find((x) => x.name() === 'apply')!;
    apply.configureOutput({ writeOut: (s) => void (out += s) });
    apply.outputHelp();
    expect(r.stdout.trim()).toBe(out.trim());
  });

  it.each(['bash', 'zsh', 'fish'])('completion %s names every command and key flags', async (shell) => {
    const r = await reelctl(['completion', shell]);
    expect(r.exitCode).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c);
    for (const f of ['detailed-exitcode', 'simulate', 'max-cost', 'selector']) expect(r.stdout).toContain(f);
  });

  it('completion of an unknown shell exits 1 with a message', async () => {
    const r = await reelctl(['completion', 'tcsh']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown shell "tcsh"/);
  });

  it('--version prints the package version; no colour without a TTY', async () => {
    const r = await reelctl(['--version']);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    const plan = await reelctl(['plan']);
    expect(plan.stdout).not.toMatch(/\x1b\[/);
  });

  it('init scaffolds a valid example, appends .gitignore, and never overwrites', async () => {
    const d = tmp('reelctl-init-');
    writeFileSync(path.join(d, '.gitignore'), 'node_modules/');
    const r = await reelctl(['init', d]);
    expect(r.exitCode, r.stderr).toBe(0);
    const loaded = await loadManifests([path.join(d, 'manifests')]);
    expect(loaded.problems).toEqual([]);
    expect(loaded.videos).toHaveLength(1);
    expect(readFileSync(path.join(d, '.gitignore'), 'utf8')).toBe('node_modules/\n.reelctl/\noutputs/\noutputs-simulated/\n');
    const again = await reelctl(['init', d]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });
});

describe('docs and package', () => {
  it('docs/cli.md and docs/manifest-reference.md are up to date (npm run docs)', async () => {
    expect(readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8')).toBe(await cliDoc());
    expect(readFileSync(path.join(ROOT, 'docs/manifest-reference.md'), 'utf8')).toBe(manifestDoc());
  });

  it('the manifest reference documents every request field of the seed', () => {
    const doc = manifestDoc();
    for (const f of [
      'outputFormat',
      'outputQuality',
      'webhookURL',
      'uploadEndpoint',
      'safety',
      'ttl',
      'includeCost',
      'numberResults',
      'referenceImages',
      'frameImages',
      'referenceVideos',
      'elements',
      'frontalImage',
      'voices',
      'characterOrientation',
      'keepOriginalSound',
      'multiPrompt',
      'shotType',
      'sound',
    ])
      expect(doc).toContain(`\`${f}\``);
  });

  it('npm pack ships the CLI, schemas and samples, not tests or TypeScript sources', async () => {
    const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    for (const f of ['dist/cmd/reelctl.js', 'dist/src/index.js', 'schemas/video.schema.json', 'assets/samples/16x9.mp4', 'README.md', 'LICENSE'])
      expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('test/') || (f.startsWith('src/') && f.endsWith('.ts')))).toBe(false);
  });

  it('the example manifests all carry the yaml-language-server modeline and validate', async () => {
    const r = await loadManifests([path.join(ROOT, 'manifests')]);
    expect(r.problems).toEqual([]);
    for (const f of r.files) expect(readFileSync(f, 'utf8').startsWith('# yaml-language-server: $schema=../schemas/video.schema.json')).toBe(true);
  });
});
