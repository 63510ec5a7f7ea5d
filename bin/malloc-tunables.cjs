'use strict';
// The C library's allocator settings the CLI runs with (see bin/palisade.cjs); `npm start` gives the
// API and the sync worker the same (tools/start.ts), and the image sets them (Dockerfile).
//
// The engine keeps its large tables in typed arrays, whose memory comes from glibc's malloc: tens of
// megabytes on a big cluster, each page of it touched for the first time during the analysis. On a
// virtual machine a first touch costs about 10 µs a 4 KiB page (a Firecracker guest: 400 MB of a
// fresh typed array written in 1.0–1.1 s, 0.62 s with huge pages), and `--aggregate namespace` on
// the bench's open L cluster touched 44,000 new pages while it analysed and wrote. With
// `glibc.malloc.hugetlb=1` malloc asks for transparent huge pages (when the kernel's setting is
// `madvise`, the default of most distributions): 27,000 pages were left, V8's own heap's; the
// analysis and output took 3–7 % less time, the whole run (reading included) 6 %. glibc reads
// tunables at process start only, hence the relaunch in bin/palisade.cjs.

const TUNABLE = 'glibc.malloc.hugetlb';
const SETTING = `${TUNABLE}=1`;

/**
 * The environment to relaunch the CLI with, or undefined when there is no need: not Linux (no glibc),
 * or `GLIBC_TUNABLES` already says how malloc uses huge pages (set by an earlier launch, or by a user:
 * `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` keeps the CLI in the first process). Other tunables a user
 * set are kept.
 *
 * @example mallocTunablesEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux').GLIBC_TUNABLES
 * // 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1'
 */
function mallocTunablesEnv(env, platform) {
  if (platform !== 'linux') return undefined;
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.split(':').some((entry) => entry.startsWith(`${TUNABLE}=`))) return undefined;
  return { ...env, GLIBC_TUNABLES: current === '' ? SETTING : `${current}:${SETTING}` };
}

/**
 * Whether Node's inspector is asked for (`--inspect`, `--inspect-brk`, `--inspect-wait`, in the
 * options or NODE_OPTIONS): a debugging session stays in the process it attached to (a relaunch
 * would drop it, or on Node 20 find the port taken by the first process).
 */
function inspecting(execArgv, env) {
  const options = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  return options.some((option) => /^--inspect(-brk|-wait)?(=|$)/.test(option));
}

module.exports = { mallocTunablesEnv, inspecting };
