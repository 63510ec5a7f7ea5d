#!/usr/bin/env node
'use strict';
// `palisade`: runs the TypeScript CLI (apps/cli/src/main.ts) through SWC, the way tools/start.ts runs the apps,
// in a process whose C library allocator may use huge pages (see malloc-tunables.cjs).
const { constants } = require('node:os');
const { join } = require('node:path');

const { inspecting, mallocTunablesEnv } = require('./malloc-tunables.cjs');

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

function runCli() {
  const root = join(__dirname, '..');
  process.env.SWC_NODE_PROJECT = join(root, 'tsconfig.json');
  require('@swc-node/register');
  require(join(root, 'apps', 'cli', 'src', 'main.ts'));
}

/** Starts this script again with `env`, with the same Node options, arguments and standard streams. */
function relaunch(env) {
  const args = [...process.execArgv, __filename, ...process.argv.slice(2)];
  // Node 22.15+ and 24: this very process (its pid, its descriptors) with the new environment.
  if (typeof process.execve === 'function') {
    process.execve(process.execPath, [process.execPath, ...args], env);
    return;
  }
  // Node 20: a child on the same streams. Signals sent to this process go to it, and this process
  // ends as it does: with its exit code, or by the signal that ended it.
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  for (const signal of SIGNALS) process.on(signal, forward);
  child.on('error', (e) => {
    process.stderr.write(`palisade: cannot start the CLI: ${e.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    for (const s of SIGNALS) process.off(s, forward);
    // A signal this process does not die of (Node ignores SIGPIPE) leaves the shell's code for it.
    process.exitCode = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
    if (signal) process.kill(process.pid, signal);
  });
}

// Relaunched only as the script Node was started with (not when another script requires it), and
// not under a debugger.
const env = require.main === module && !inspecting(process.execArgv, process.env) ? mallocTunablesEnv(process.env, process.platform) : undefined;
if (env) relaunch(env);
else runCli();
