// `reelctl validate` rendered: one line for people when every manifest is valid (problems are errors,
// printed by report-error.ts as FILE:LINE:COL: message), or with --json the whole result, problems included.
import type { ManifestProblem } from '../../errors.js';
import { toSafeJson } from '../../text/escape.js';
import type { Out } from './view.js';

export interface ValidateResult {
  files: number;
  videos: number;
  problems: ManifestProblem[];
}

export interface ValidateView {
  render(r: ValidateResult): void;
}

export const VALIDATE_VIEWS: Record<'human' | 'json', (out: Out) => ValidateView> = {
  human: (out) => ({ render: (r) => void out.write(`${r.files} manifest file(s) valid (${r.videos} video(s))\n`) }),
  json: (out) => ({
    render: (r) => void out.write(toSafeJson({ version: 1, valid: r.problems.length === 0, files: r.files, videos: r.videos, problems: r.problems }) + '\n'),
  }),
};
