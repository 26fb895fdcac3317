// What a loaded manifest looks like to the rest of reelctl. The loader (load.ts) produces these;
// the planner, reconciler and simulator consume them. `VideoRequest` is narrowed by the generated
// types in types.gen.ts (from schemas/video.schema.json); this file keeps the shapes others depend on.
import type { SourceLocation, ManifestProblem } from '../errors.js';

/** Runware videoInference fields as written in `spec.request` (reelctl-owned fields excluded). */
export interface VideoRequest {
  model: string;
  positivePrompt: string;
  negativePrompt?: string;
  width?: number;
  height?: number;
  duration?: number;
  numberResults?: number;
  outputType?: 'URL';
  outputFormat?: 'MP4' | 'WEBM' | 'MOV';
  outputQuality?: number;
  ttl?: number;
  [field: string]: unknown;
}

/** A local file used as an input (e.g. `./img/first.jpg`), resolved inside the manifests root. */
export interface LocalInput {
  /** JSON pointer into `request`, e.g. `/inputs/frameImages/0/image`. */
  pointer: string;
  /** Absolute, realpath-resolved file path. */
  absPath: string;
  /** sha256 of the file's bytes (hex), so content changes change the spec hash. */
  sha256: string;
}

export interface LoadedVideo {
  name: string;
  labels: Record<string, string>;
  request: VideoRequest;
  output: { path?: string };
  suspend: boolean;
  regenerate: number;
  /** Optional per-video budget cap (spec.maxCostUsd). */
  maxCostUsd?: number;
  /** Where the document starts (its `metadata.name` node when present). */
  source: SourceLocation & { docIndex: number };
  localInputs: LocalInput[];
}

export interface LoadResult {
  videos: LoadedVideo[];
  /** Every problem found, sorted by file, line, col. Empty when all manifests are valid. */
  problems: ManifestProblem[];
  /** Every manifest file read (absolute paths), sorted. */
  files: string[];
}
