// The loader's caps on one manifest file, in a module of their own: the fast path and the loader need them
// without loading the position-keeping parser (yaml-source.ts, the `yaml` package), which most loads never use.
export const LIMITS = { maxFileBytes: 1024 * 1024, maxAliasCount: 100, maxDocuments: 1000 };
