// The Debian packages the test suite needs, in one table. `npm test` checks each entry before
// anything runs (test/setup/prepare-machine.js) and installs what is missing when it can.
// To add a tool: one entry, with a check that fails exactly when the tool is unusable.
// Plain JavaScript, not TypeScript: it runs before the build, on Node 20 without type stripping.

/**
 * @typedef {object} TestTool
 * @property {string} debian the Debian package that provides it
 * @property {string} why which tests need it
 * @property {readonly string[]} check a command (no shell) that exits 0 only when the tool works
 */

/** @type {readonly TestTool[]} */
export const TEST_TOOLS = [
  {
    debian: 'tmux',
    why: 'drives the chat client through a real terminal',
    check: ['tmux', '-V'],
  },
  {
    debian: 'python3-zmq',
    why: "runs the seed's Python publisher and subscriber against the broker",
    // Debian's own Python: a pyenv or venv python3 earlier on PATH would not see the package.
    check: ['/usr/bin/python3', '-c', 'import zmq'],
  },
  {
    debian: 'chromium',
    why: 'drives the web client in a real browser',
    check: ['chromium', '--version'],
  },
  {
    debian: 'irssi',
    why: 'talks to the IRC gateway as a real IRC client',
    check: ['irssi', '--version'],
  },
];
