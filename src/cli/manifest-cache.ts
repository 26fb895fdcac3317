// The CLI's parse cache (issue 19): beside the state file, on unless REELCTL_PARSE_CACHE=off. A state in
// PostgreSQL (a URL) has no directory beside it: no cache then.
import { openParseCache, parseCachePath, type ParseCache } from '../manifest/parse-cache.js';
import { packageVersion } from './package-version.js';

export async function manifestCache(stateFile: string, env: NodeJS.ProcessEnv = process.env): Promise<{ cache?: ParseCache }> {
  if (env.REELCTL_PARSE_CACHE === 'off' || /^[a-z][a-z0-9+.-]*:\/\//i.test(stateFile)) return {};
  return { cache: await openParseCache(parseCachePath(stateFile), { version: packageVersion() }) };
}
