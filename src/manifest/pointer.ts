// JSON pointers (RFC 6901) as used by ajv's instancePath and by our own rules.

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return pointer === '/' ? [''] : [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(...parts: (string | number)[]): string {
  return parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `/spec/request/inputs/frameImages/0` → `spec.request.inputs.frameImages[0]` for messages. */
export function displayPath(pointer: string): string {
  let out = '';
  for (const part of parsePointer(pointer)) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  return out || '(document)';
}
