// `reelctl plan` for people: a diff like `terraform plan`, ending with the totals and the cost.
import { plainStyle, type Style } from '../style.js';
import { usd } from '../../text/usd.js';
import { escapeControls as safe } from '../../text/escape.js';
import type { Change, Plan } from '../../plan/model.js';

const SYMBOL: Record<Change['action'], string> = {
  create: '+',
  replace: '-/+',
  delete: '-',
  download: '↓',
  move: '~',
  noop: ' ',
  suspended: '‖',
};

export function renderHuman(plan: Plan, style: Style = plainStyle, opts: { showNoop?: boolean } = {}): string {
  const color = (c: Change) =>
    c.action === 'create' || c.action === 'download'
      ? style.green
      : c.action === 'delete' || c.action === 'replace'
        ? style.red
        : c.action === 'move'
          ? style.yellow
          : style.dim;
  const shown = plan.changes.filter((c) => opts.showNoop || c.action !== 'noop' || c.attention);
  const lines: string[] = [];
  if (shown.length > 0) {
    lines.push('reelctl will perform the following actions:', '');
    for (const c of shown) {
      const cost = c.estimatedCostUsd > 0 ? `  ${style.bold(usd(c.estimatedCostUsd))}` : '';
      lines.push(color(c)(`  ${SYMBOL[c.action].padStart(3)} ${c.name}`) + style.dim(` (${c.action})`) + cost);
      lines.push(style.dim(`        ${safe(c.reason)}`)); // reasons quote paths and state messages
      if (c.attention) lines.push(style.yellow(`        ! to do: ${safe(c.attention)}`));
      if (c.action === 'move') lines.push(style.dim(`        ${safe(c.fromPath ?? '')} → ${safe(c.outputPath ?? '')}`));
      else if (c.outputPath && c.action !== 'suspended') lines.push(style.dim(`        output: ${safe(c.outputPath)}`));
    }
    lines.push('');
  }
  const s = plan.summary;
  const attention = s.attention ? style.yellow(`${s.attention} video(s) need attention (marked "! to do" above).`) : '';
  if (s.create + s.replace + s.delete + s.download + s.move === 0) {
    if (attention) lines.push(style.yellow('No changes apply can make, but not every video matches its manifest: ') + attention);
    else lines.push(style.green('No changes. Videos match the manifests.') + (s.suspended ? style.dim(` (${s.suspended} suspended)`) : ''));
  } else {
    lines.push(
      style.bold(`Plan: ${s.create} to create, ${s.replace} to replace, ${s.download} to download, ${s.move} to move, ${s.delete} to delete.`) +
        ` Estimated cost: ${style.bold(usd(s.estimatedCostUsd))}` +
        (attention ? ` ${attention}` : ''),
    );
  }
  return lines.join('\n') + '\n';
}
