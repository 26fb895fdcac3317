// `reelctl state migrate --from A --to B` and `reelctl state force-unlock [--force]`: moving a state
// between the file and PostgreSQL backends, and clearing a lock whose holder is gone.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { migrateState } from '../state/migrate.js';
import { openState } from '../state/open.js';
import { globalOptions } from './context.js';
import { MIGRATE_VIEWS, unlockView } from './views/state.js';

export function register(program: Command): void {
  const state = program.command('state').description('manage the state itself: move it between backends, clear a stale lock');
  state
    .command('migrate')
    .description('copy the state from one backend to another (file ↔ PostgreSQL), keeping its lineage; refuses a target that already holds a state')
    .requiredOption('--from <state>', 'source: a state file, or postgres://USER@HOST:PORT/DB?schema=NAME')
    .requiredOption('--to <state>', 'target: a state file, or a PostgreSQL URL')
    .option('--json', 'print the result as JSON on stdout: {"version":1,"migrated":{"videos","serial","from","to"}}')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl state migrate --from .reelctl/state.json --to postgres://reelctl@db:5432/reelctl\n  reelctl state migrate --from postgres://reelctl@db:5432/reelctl --to backup/state.json',
    )
    .action(async (f: { from: string; to: string; json?: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      if (f.from === f.to) throw new UsageError('--from and --to name the same state');
      const view = MIGRATE_VIEWS[f.json ? 'json' : 'human']({ stdout: process.stdout, stderr: process.stderr });
      const from = openState(f.from, g.out, process.env);
      const to = openState(f.to, g.out, process.env);
      try {
        const r = await migrateState(from, to);
        view.render({ videos: r.videos, serial: r.serial, from: from.label, to: to.label });
      } finally {
        await from.dispose();
        await to.dispose();
      }
    });
  state
    .command('force-unlock')
    .description('remove the state lock when its holder is gone (lease expired, or a dead process on this host)')
    .option('--force', 'remove it even when the holder may still be running')
    .addHelpText('after', '\nExamples:\n  reelctl state force-unlock\n  reelctl --state postgres://reelctl@db:5432/reelctl state force-unlock --force')
    .action(async (f: { force?: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      const s = openState(g.state, g.out, process.env);
      try {
        unlockView(process.stderr).render(await s.forceUnlock(!!f.force));
      } finally {
        await s.dispose();
      }
    });
}
