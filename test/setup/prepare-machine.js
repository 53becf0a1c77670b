// First step of `npm test`: make sure the Debian packages in test-tools.js are here before anything
// runs. As root (or with password-less sudo) it installs what is missing, showing the apt-get
// commands and their output; otherwise it stops with one message naming the packages and the command.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { TEST_TOOLS } from './test-tools.js';

/** @typedef {import('./test-tools.js').TestTool} TestTool */

/**
 * @typedef {{ kind: 'ready' }
 *   | { kind: 'install', sudo: boolean, packages: string[] }
 *   | { kind: 'stop', message: string }} Preparation
 */

/**
 * What to do, decided from what is missing and what this machine allows; pure, so a unit test holds
 * every branch without touching the machine.
 * @param {{ missing: readonly TestTool[], root: boolean, sudo: boolean, aptGet: boolean }} machine
 * @returns {Preparation}
 */
export function planPreparation({ missing, root, sudo, aptGet }) {
  if (missing.length === 0) return { kind: 'ready' };
  const packages = missing.map((tool) => tool.debian);
  if (aptGet && (root || sudo)) return { kind: 'install', sudo: !root, packages };
  return { kind: 'stop', message: missingMessage(missing, aptGet) };
}

/**
 * @param {readonly TestTool[]} missing
 * @param {boolean} aptGet
 */
export function missingMessage(missing, aptGet) {
  const lines = missing.map((tool) => `  ${tool.debian.padEnd(12)} ${tool.why}`);
  const packages = missing.map((tool) => tool.debian).join(' ');
  const how = aptGet
    ? `Install them with:\n  sudo apt-get install ${packages}\n(npm test run as root installs them itself.)`
    : `This machine has no apt-get: install the equivalent packages with its package manager.`;
  return `npm test needs ${missing.length === 1 ? 'a package' : 'packages'} this machine lacks:\n${lines.join('\n')}\n${how}`;
}

/** @param {readonly string[]} command */
function succeeds([file, ...args]) {
  if (file === undefined) return false;
  return spawnSync(file, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/** @returns {TestTool[]} */
function missingTools() {
  return TEST_TOOLS.filter((tool) => !succeeds(tool.check));
}

/**
 * @param {boolean} sudo
 * @param {string[]} args
 */
function aptGet(sudo, args) {
  const command = sudo ? ['sudo', '-n', 'apt-get', ...args] : ['apt-get', ...args];
  process.stdout.write(`$ ${command.join(' ')}\n`);
  const [file, ...rest] = command;
  const result = spawnSync(/** @type {string} */ (file), rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/** @param {string[]} packages @param {boolean} sudo */
function install(packages, sudo) {
  const started = Date.now();
  process.stdout.write(`npm test: installing the Debian packages the tests need: ${packages.join(', ')}\n`);
  // Another checkout's `npm test` may be installing at the same moment: wait for dpkg's lock rather than fail.
  const wait = ['-o', 'DPkg::Lock::Timeout=300'];
  if (!aptGet(sudo, ['update', '-qq', ...wait])) process.stdout.write('npm test: apt-get update failed; trying the install anyway\n');
  aptGet(sudo, ['install', '-y', '-q', '--no-install-recommends', ...wait, ...packages]);
  process.stdout.write(`npm test: apt-get finished in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

function main() {
  const root = process.getuid?.() === 0;
  const machine = {
    missing: missingTools(),
    root,
    sudo: !root && succeeds(['sudo', '-n', 'true']),
    aptGet: succeeds(['apt-get', '--version']),
  };
  const plan = planPreparation(machine);
  if (plan.kind === 'install') {
    install(plan.packages, plan.sudo);
    const still = missingTools();
    if (still.length > 0) {
      process.stderr.write(`npm test: apt-get did not make every tool usable.\n${missingMessage(still, true)}\n`);
      process.exit(1);
    }
  } else if (plan.kind === 'stop') {
    process.stderr.write(`${plan.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`npm test: test tools ready (${TEST_TOOLS.map((tool) => tool.debian).join(', ')})\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
