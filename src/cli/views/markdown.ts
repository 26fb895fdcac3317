// `reelctl plan --markdown`: a pull-request comment — summary table, collapsible details, cost.
import { usd } from '../../text/usd.js';
import { escapeControls } from '../../text/escape.js';
import type { Plan } from '../../plan/model.js';

const ICON: Record<string, string> = { create: '🆕', replace: '🔁', delete: '🗑️', download: '⬇️', move: '📦', noop: '✅', suspended: '⏸️' };

const esc = (s: string) => escapeControls(s).replace(/\|/g, '\\|').replace(/</g, '&lt;');

export function renderMarkdown(plan: Plan): string {
  const s = plan.summary;
  const out: string[] = ['### reelctl plan', ''];
  out.push('| create | replace | download | move | delete | unchanged | suspended | estimated cost |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${s.create} | ${s.replace} | ${s.download} | ${s.move} | ${s.delete} | ${s.noop} | ${s.suspended} | **${usd(s.estimatedCostUsd)}** |`, '');
  const changes = plan.changes.filter((c) => c.action !== 'noop' || c.attention);
  if (s.attention) out.push(`⚠️ **${s.attention} video(s) need attention**: apply alone will not fix them (see "to do" below).`, '');
  if (changes.length === 0) {
    out.push('No changes. Videos match the manifests.');
    return out.join('\n') + '\n';
  }
  out.push(`<details><summary>${changes.length} change(s)</summary>`, '');
  out.push('| | video | action | reason | output | cost |', '|---|---|---|---|---|---:|');
  for (const c of changes)
    out.push(
      `| ${ICON[c.action]} | \`${c.name}\` | ${c.action} | ${esc(c.reason)}${c.attention ? `<br>**to do:** ${esc(c.attention)}` : ''} | ${c.outputPath ? `\`${esc(c.outputPath)}\`` : ''} | ${c.estimatedCostUsd ? usd(c.estimatedCostUsd) : ''} |`,
    );
  out.push('', '</details>');
  return out.join('\n') + '\n';
}
