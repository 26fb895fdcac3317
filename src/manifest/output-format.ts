// outputFormat and the extension of spec.output.path must agree: the download is checked against the
// container the format names (store/signature.ts), so a WebM stream can never be right in `clip.mp4` —
// better refused by `validate` than found by the player.

/** Extensions a player expects for each outputFormat (the first is the one reelctl writes by default). */
const FORMAT_EXTENSIONS: Record<string, string[]> = { MP4: ['mp4', 'm4v'], WEBM: ['webm'], MOV: ['mov', 'qt'] };

export interface FormatProblem {
  code: string;
  message: string;
}

/** A problem when `outputPath` has an extension that `outputFormat` (default MP4) does not produce. */
export function checkOutputFormat(outputPath: unknown, outputFormat: unknown): FormatProblem | undefined {
  if (typeof outputPath !== 'string') return undefined;
  const format = typeof outputFormat === 'string' ? outputFormat : 'MP4';
  const allowed = FORMAT_EXTENSIONS[format];
  if (!allowed) return undefined; // the schema reports an unknown outputFormat
  const m = /\.([A-Za-z0-9]+)$/.exec(outputPath.split('/').pop() ?? '');
  if (!m || allowed.includes(m[1]!.toLowerCase())) return undefined; // no extension: nothing claims a format
  const fix = outputPath.slice(0, -m[1]!.length) + allowed[0];
  const by = typeof outputFormat === 'string' ? `spec.request.outputFormat is ${format}` : 'outputFormat defaults to MP4';
  const other = Object.entries(FORMAT_EXTENSIONS).find(([, exts]) => exts.includes(m[1]!.toLowerCase()))?.[0];
  return {
    code: 'output.format-mismatch',
    message: `spec.output.path: "${outputPath}" ends in .${m[1]} but ${by}, which writes a .${allowed[0]} file; use "${fix}"${other ? ` or set outputFormat: ${other}` : ''}`,
  };
}
