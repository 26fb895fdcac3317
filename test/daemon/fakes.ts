// Test doubles for the daemon: a recording Controller and a YAML-free loader that "parses" the
// manifests directory by file name, so daemon tests do not depend on the real loader.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedVideo, LoadResult } from '../../src/manifest/model.js';
import type { Controller, ControllerEvent, VideoStatus } from '../../src/reconcile/controller-api.js';

export class FakeController implements Controller {
  desired: LoadedVideo[][] = [];
  desiredAt: number[] = [];
  resyncs = 0;
  started = false;
  stopped = false;
  stopDelayMs = 0;
  statuses: VideoStatus[] = [];
  /** Absent unless a test sets it: readers fall back to status(). */
  eachStatus?: Controller['eachStatus'];
  depth = 0;
  private listeners = new Set<(e: ControllerEvent) => void>();
  setDesired(videos: LoadedVideo[]): void {
    this.desired.push(videos);
    this.desiredAt.push(Date.now());
  }
  resync(): void {
    this.resyncs++;
  }
  async runToCompletion() {
    return { ready: 0, failed: 0, suspended: 0, submitted: 0, spentUsd: 0, stoppedByGuard: false };
  }
  start(): void {
    this.started = true;
  }
  async stop(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.stopDelayMs));
    this.stopped = true;
  }
  async flush(): Promise<void> {}
  status(): VideoStatus[] {
    return this.statuses;
  }
  attempt(): undefined {
    return undefined;
  }
  wake(): void {}
  isStopping(): boolean {
    return this.stopped;
  }
  queueDepth(): number {
    return this.depth;
  }
  on(listener: (e: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: ControllerEvent): void {
    for (const l of this.listeners) l(e);
  }
  get last(): string[] | undefined {
    return this.desired.at(-1)?.map((v) => v.name);
  }
}

export function video(name: string, file = `${name}.yaml`): LoadedVideo {
  return {
    name,
    labels: {},
    request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'p' },
    output: {},
    suspend: false,
    regenerate: 0,
    source: { file, line: 1, col: 1, docIndex: 0 },
    localInputs: [],
  };
}

/**
 * Reads every *.yaml under the dirs: a file containing `INVALID` is a located problem at line 2 col 3;
 * otherwise each file is one video named after the file.
 */
export async function fakeLoader(paths: string[]): Promise<LoadResult> {
  const res: LoadResult = { videos: [], problems: [], files: [] };
  for (const dir of paths) {
    if (!existsSync(dir)) {
      res.problems.push({ file: dir, line: 1, col: 1, code: 'path.missing', message: 'no such file or directory' }); // as the real loader
      continue;
    }
    for (const f of (await readdir(dir, { recursive: true })).map(String).sort()) {
      if (!/\.ya?ml$/.test(f) || path.basename(f).startsWith('.')) continue;
      const abs = path.join(dir, f);
      res.files.push(abs);
      const text = await readFile(abs, 'utf8');
      if (text.includes('INVALID')) res.problems.push({ file: abs, line: 2, col: 3, code: 'schema.required', message: 'spec.request.model is required' });
      else res.videos.push(video(path.basename(f).replace(/\.ya?ml$/, ''), abs));
    }
  }
  return res;
}

/** Polls `cond` every 20 ms until true or `ms` passes (bounded waits only). */
export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Collects log lines written by a pino logger (createLogger({ destination })). */
export function captureStream(): NodeJS.WritableStream & { text(): string } {
  let buf = '';
  return {
    write(chunk: string | Uint8Array) {
      buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    },
    text: () => buf,
  } as unknown as NodeJS.WritableStream & { text(): string };
}
