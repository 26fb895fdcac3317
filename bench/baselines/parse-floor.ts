// The floor for parsing: read every file and yaml-parse it, in-process, nothing else.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

export async function parseFloor(files: string[]): Promise<number> {
  let docs = 0;
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- an EmptyStream or a Document list: both iterate
    for (const d of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      d.toJS();
      docs++;
    }
  }
  return docs;
}
