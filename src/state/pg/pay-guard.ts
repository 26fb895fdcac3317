// The last check before a paid request on a PostgreSQL state held exclusively (apply, run): the task's
// intent is stored, and our lease on the state is still ours. Without it, a run whose lease was taken over
// (it stalled past the expiry) could still send an intent that never reached the database — one the new
// holder cannot know about, and would pay for again under a new UUID. Refusing throws: the step fails and
// is retried (or given up by apply); nothing is sent.
import type { ProviderClient } from '../../provider/types.js';

export function guardSubmits(client: ProviderClient, check: (taskUUID: string) => Promise<void>): ProviderClient {
  return {
    submit: async (task, opts) => {
      await check(task.taskUUID);
      return client.submit(task, opts);
    },
    poll: (id, opts) => client.poll(id, opts),
    download: (url, opts) => client.download(url, opts),
    ...(client.watch ? { watch: (id: string, f: () => void) => client.watch!(id, f) } : {}),
    ...(client.unwatch ? { unwatch: (id: string) => client.unwatch!(id) } : {}),
    get breakerOpen() {
      return client.breakerOpen;
    },
    stats: () => client.stats(),
    close: () => client.close(),
  };
}
