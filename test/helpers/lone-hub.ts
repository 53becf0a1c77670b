import { makeStackEnv, type StackEnv, startService, type TestProcess } from './processes.js';
import { TEST_SECRET } from './tickets.js';

/** A stack of its own with only a hub in it, started with `flags` and trusting the tickets ./tickets.js signs. */
export async function startLoneHub(flags: string[] = []): Promise<{ stack: StackEnv; hub: TestProcess }> {
  const stack = await makeStackEnv();
  const hub = await startService('hub', stack, flags, { THISCORD_SECRET: TEST_SECRET });
  return { stack, hub };
}
