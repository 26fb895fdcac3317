// How `plan --verify-remote` shows the API's answers: a section under the human plan, a section in the
// Markdown comment, and a `remote` object in the JSON plan.
import { type Style } from '../style.js';
import { usd } from '../../text/usd.js';
import { printable } from '../../text/secrets.js';
import type { RemoteCheck, RemoteVerdict } from '../../plan/remote-check.js';

// The API's own words: secrets redacted, control characters escaped.
const why = (v: RemoteVerdict) => printable(v.error ? `${v.error.code}${v.error.parameter ? ` (${v.error.parameter})` : ''}: ${v.error.message}` : '');

export function renderRemoteHuman(r: RemoteCheck, style: Style): string {
  const lines = [
    '',
    `Remote check (${r.started.length ? 'a dry run that was NOT dry' : 'dry run, nothing spent'}): ${r.checked} planned render(s) sent to the API.`,
  ];
  if (r.started.length > 0)
    lines.push(
      style.red(
        `  ! the API ignored the dry-run header: ${r.started.length} render(s) started for real (${r.started.map((x) => `${x.name} ${x.taskUUID}`).join(', ')})`,
      ),
    );
  if (r.checked === 0) return lines.concat('  nothing to check: no render is planned', '').join('\n');
  const width = Math.min(40, Math.max(...r.videos.map((v) => v.name.length)));
  for (const v of r.videos) {
    const name = v.name.padEnd(width);
    if (v.ok)
      lines.push(
        style.green(`  ✓ ${name}`) +
          `  quoted ${v.quotedCostUsd !== undefined ? usd(v.quotedCostUsd) : '(no cost returned)'}` +
          style.dim(`  estimate ${usd(v.estimatedCostUsd)}`),
      );
    else lines.push(style.red(`  ✗ ${name}  ${v.error?.code === 'unverified' ? 'not verified' : 'refused'}: `) + why(v));
  }
  lines.push(
    '',
    `Quoted by the API: ${style.bold(usd(r.quotedCostUsd))} (estimate ${usd(r.estimatedCostUsd)})${r.refused ? `, ${style.red(`${r.refused} refused`)}` : ''}${r.unverified ? `, ${r.unverified} not verified` : ''}.`,
    '',
  );
  return lines.join('\n');
}

export function renderRemoteMarkdown(r: RemoteCheck): string {
  const out = ['', `#### Remote check (dry run, nothing spent)`, ''];
  if (r.checked === 0) return out.concat('No render is planned.', '').join('\n');
  out.push(`Quoted by the API: **${usd(r.quotedCostUsd)}** (estimate ${usd(r.estimatedCostUsd)}); ${r.refused} refused, ${r.unverified} not verified.`, '');
  const bad = r.videos.filter((v) => !v.ok);
  if (bad.length > 0) {
    out.push('| video | problem |', '|---|---|');
    for (const v of bad) out.push(`| \`${v.name}\` | ${why(v).replace(/\|/g, '\\|').replace(/</g, '&lt;')} |`);
    out.push('');
  }
  return out.join('\n');
}

export function remoteJson(r: RemoteCheck): object {
  return {
    checked: r.checked,
    refused: r.refused,
    unverified: r.unverified,
    estimatedCostUsd: r.estimatedCostUsd,
    quotedCostUsd: r.quotedCostUsd,
    started: r.started,
    unconfirmed: r.unconfirmed,
    videos: r.videos.map((v) => ({
      name: v.name,
      ok: v.ok,
      estimatedCostUsd: v.estimatedCostUsd,
      ...(v.quotedCostUsd !== undefined ? { quotedCostUsd: v.quotedCostUsd } : {}),
      ...(v.error ? { error: v.error } : {}),
    })),
  };
}
