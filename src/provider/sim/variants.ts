// The documented (or plausible) ways a Runware answer may differ from the simulator's default, each a
// switch: the provider contract suite (test/contracts/) runs the client against every one, the crash loop
// takes `--variant NAME`, and `reelctl sim --variant a,b` serves them to a person.
import { UsageError } from '../../errors.js';

export const SIM_VARIANTS = {
  'nested-errors': 'a failed render is a result item {"status":"error","error":{"code","message"}} (the documented shape)',
  'toplevel-errors': 'a failed render is a result item {"status":"error","code","message"}',
  'task-failed-or-not-found': 'getResponse reports a failed or unknown task as the error taskFailedOrNotFound',
  'taskless-conflicts': 'a re-sent taskUUID gets a conflictTaskUUID error item without its taskUUID',
  'poll-first-only': 'a batched getResponse is answered only for its first task',
  'poll-batch-refused': 'a batched getResponse is refused as a whole (HTTP 400)',
  'dry-run-ignored': 'the X-Runware-Dry-Run header is ignored: a "dry run" starts (and bills) real renders',
  'upload-no-url': 'a task with an uploadEndpoint gets success items without videoURL (the bytes went there)',
  'unknown-status': 'a finished task reports a status outside the protocol ("failed")',
  'extra-results': 'a finished task sends one more success item than numberResults asked for',
  'bad-cost': 'a finished task reports cost 1e304',
} as const;

export type SimVariant = keyof typeof SIM_VARIANTS;
export const VARIANT_NAMES = Object.keys(SIM_VARIANTS) as SimVariant[];

/** `a,b` → the set, refusing names that do not exist (with the list of those that do). */
export function parseVariants(list: string | undefined): SimVariant[] {
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) if (!(n in SIM_VARIANTS)) throw new UsageError(`unknown simulator variant "${n}"; known: ${VARIANT_NAMES.join(', ')}`);
  return names as SimVariant[];
}
