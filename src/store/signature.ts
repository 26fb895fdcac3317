// Container signatures, checked before a download may take its final name.
export type Container = 'mp4' | 'mov' | 'webm';

export function containerFor(outputFormat: string | undefined): Container {
  return outputFormat === 'WEBM' ? 'webm' : outputFormat === 'MOV' ? 'mov' : 'mp4';
}

const ISO_BOXES = new Set(['ftyp', 'moov', 'wide', 'free', 'mdat', 'skip', 'pnot']);

export function signatureOk(head: Buffer, container: Container): boolean {
  if (container === 'webm') return head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3;
  if (head.length < 8) return false;
  const box = head.subarray(4, 8).toString('latin1');
  return container === 'mp4' ? box === 'ftyp' : ISO_BOXES.has(box);
}
