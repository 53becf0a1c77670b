import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';
import { TEST_TOOLS, type TestTool } from '../setup/test-tools.js';

/**
 * The Debian tool a test needs, from the one table `npm test` installs from. Throws a message that
 * names the fix when the tool is unusable (a targeted `npx vitest run` skips the preparation step).
 */
export function requireTool(debian: string): TestTool {
  const tool = TEST_TOOLS.find((candidate) => candidate.debian === debian);
  if (tool === undefined) throw new Error(`${debian} is not in test/setup/test-tools.js: add an entry there`);
  const [file, ...args] = tool.check;
  if (file === undefined || spawnSync(file, args, { stdio: 'ignore', timeout: 30_000 }).status !== 0) {
    throw new Error(
      `${debian} is missing (it ${tool.why}): run \`npm test\` once as root, which installs it, or: sudo apt-get install ${debian}`,
    );
  }
  return tool;
}

export const runningAsRoot = process.getuid?.() === 0;

/** .ci/run sets this: in CI a root-only test must run, never be skipped quietly. */
const rootRequired = process.env.THISCORD_TEST_REQUIRE_ROOT === '1';

/**
 * A describe block for tests that need root (mounting a tmpfs, say). Run as anyone else it is
 * skipped with the reason in its name and on stderr; where THISCORD_TEST_REQUIRE_ROOT=1 (CI) it fails.
 */
export function describeAsRoot(name: string, why: string, body: () => void): void {
  const reason = `needs root to ${why}; run npm test as root (as .ci/run does) to include it`;
  if (!runningAsRoot) {
    if (rootRequired) throw new Error(`${name}: ${reason}; THISCORD_TEST_REQUIRE_ROOT=1 forbids skipping it`);
    process.stderr.write(`skipped: ${name} (${reason})\n`);
  }
  describe.skipIf(!runningAsRoot)(runningAsRoot ? name : `${name} [skipped: ${reason}]`, body);
}
