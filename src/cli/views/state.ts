// `reelctl state migrate` and `state force-unlock` rendered. For people, one line on stderr (stdout stays
// empty, as before); `migrate --json` prints the result as one JSON object on stdout for scripts.
import { toSafeJson } from '../../text/escape.js';
import type { Out } from './view.js';

export interface MigrateOutcome {
  videos: number;
  serial: number;
  /** The backends' labels (a file path, or the PostgreSQL URL without its password). */
  from: string;
  to: string;
}

export interface MigrateView {
  render(r: MigrateOutcome): void;
}

export const MIGRATE_VIEWS: Record<'human' | 'json', (out: { stdout: Out; stderr: Out }) => MigrateView> = {
  human: ({ stderr }) => ({
    render: (r) =>
      void stderr.write(
        `migrated ${r.videos} video(s) from ${r.from} to ${r.to} (serial ${r.serial}); ${r.from} is unchanged — point --state at the new one\n`,
      ),
  }),
  json: ({ stdout }) => ({ render: (r) => void stdout.write(toSafeJson({ version: 1, migrated: r }) + '\n') }),
};

/** force-unlock: the store's own sentence (what it removed, or why it refused). */
export function unlockView(err: Out): { render(message: string): void } {
  return { render: (message) => void err.write(message + '\n') };
}
