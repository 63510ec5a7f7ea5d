'use strict';
// The C library's allocator settings the CLI runs with (see bin/palisade.cjs).
//
// The engine keeps its large tables in typed arrays, whose memory comes from glibc's malloc: tens of
// megabytes on a big cluster, each page of it touched for the first time during the analysis. On a
// virtual machine a first touch costs about 10 µs a page (measured on a Firecracker guest: 400 MB in
// 1.0–1.1 s), and `--aggregate namespace` on the bench's open L cluster touched 44,000 new pages.
// `glibc.malloc.hugetlb=1` lets malloc ask for transparent huge pages (when the kernel's setting is
// `madvise`, the default of most distributions), 2 MB a touch: 27,000 pages there, and 7 % of the
// command's time. Only read at process start, hence the relaunch.

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

module.exports = { mallocTunablesEnv, MALLOC_TUNABLE: SETTING };
