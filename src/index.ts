// Programmatic use: load, validate, plan and reconcile from your own scripts.
export { loadManifests } from './manifest/load.js';
export { validateRequest } from './manifest/validate-request.js';
export type { LoadedVideo, LoadResult, VideoRequest } from './manifest/model.js';
export { createPlan } from './plan/planner.js';
export type { Plan, Change, Action } from './plan/model.js';
export { specHash } from './manifest/spec-hash.js';
export { estimateCostUsd, PRICES } from './pricing/prices.js';
export { FileStateStore } from './state/file-store.js';
export { createController } from './reconcile/controller.js';
export type { Controller, ApplySummary, ControllerEvent } from './reconcile/controller-api.js';
export { createRunwareProvider } from './provider/runware/http-provider.js';
export { createProviderClient } from './provider/client/client.js';
export { startSimulator } from './provider/sim/server.js';
export { ReelctlError, ManifestError, StateError, ProviderError, ArtifactError, GuardError } from './errors.js';
