import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The launcher's own module (bin/ is no project): what it decides is tested beside what it does.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { inspecting, mallocTunablesEnv } from '../../../../bin/malloc-tunables.cjs';
import { REPO_ROOT } from './test-io';

interface Started {
  /** One line per process that ran bin/palisade.cjs: its pid and its GLIBC_TUNABLES ('-' when unset). */
  marks(): { pid: number; tunables: string }[];
  child: ChildProcess;
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

describe('bin/palisade.cjs: the process the CLI runs in', { timeout: 120_000 }, () => {
  let dir = '';
  let preload = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-launcher-'));
    preload = join(dir, 'mark.cjs');
    // Preloaded (`-r`) into every process that runs the script: the launcher's Node options are passed on.
    writeFileSync(preload, "require('node:fs').appendFileSync(process.env.MARKS, `${process.pid} ${process.env.GLIBC_TUNABLES ?? '-'}\\n`);\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let runs = 0;
  /** `node [nodeOptions] -r <preload> bin/palisade.cjs args` (or `script` instead of the bin). */
  function start(args: string[], env: NodeJS.ProcessEnv = {}, stdin: 'pipe' | 'ignore' = 'ignore', nodeOptions: string[] = [], script = join(REPO_ROOT, 'bin/palisade.cjs')): Started {
    const marks = join(dir, `marks-${runs++}.txt`);
    const base = { ...process.env };
    delete base.GLIBC_TUNABLES;
    delete base.NODE_OPTIONS;
    const child = spawn(process.execPath, [...nodeOptions, '-r', preload, script, ...args], { cwd: REPO_ROOT, env: { ...base, ...env, MARKS: marks }, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    const read = () =>
      (existsSync(marks) ? readFileSync(marks, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ pid: Number(line.split(' ')[0]), tunables: line.split(' ')[1] }));
    return { child, closed, marks: read };
  }

  it('runs the CLI with malloc allowed huge pages, and its output and exit code are the CLI\'s', async () => {
    const sut = start(['--version']);
    const result = await sut.closed;
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(result.stdout).toMatch(/^palisade \d+\.\d+\.\d+\n$/);
    const marks = sut.marks();
    // The first process starts the second; the second runs the CLI.
    expect(marks.map((m) => m.tunables)).toEqual(['-', 'glibc.malloc.hugetlb=1']);
    const denied = await start(['explain', 'test/fixtures/seed/article-policies.yaml', 'test/fixtures/seed/article-inventory.yaml', '--from', 'default/nightly-report-0', '--to', 'default/myapp-0', '--port', '8080']).closed;
    expect(denied).toMatchObject({ code: 3, signal: null, stderr: '' });
    expect(denied.stdout).toContain('TCP 8080: DENIED');
  });

  it("keeps the tunables a user set, and starts no second process when they already say how malloc uses huge pages", async () => {
    const kept = start(['--version'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect((await kept.closed).code).toBe(0);
    expect(kept.marks().map((m) => m.tunables)).toEqual(['glibc.malloc.arena_max=2', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1']);

    const optedOut = start(['--version'], { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' });
    expect(await optedOut.closed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^palisade /) });
    expect(optedOut.marks()).toEqual([{ pid: optedOut.child.pid, tunables: 'glibc.malloc.hugetlb=0' }]);
  });

  it('stays in the first process under a debugger, and when another script requires it', async () => {
    const debugged = start(['--version'], {}, 'ignore', ['--inspect=127.0.0.1:0']);
    expect(await debugged.closed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^palisade /) });
    expect(debugged.marks()).toEqual([{ pid: debugged.child.pid, tunables: '-' }]);

    const wrapper = join(dir, 'wrapper.cjs');
    writeFileSync(wrapper, `require(${JSON.stringify(join(REPO_ROOT, 'bin/palisade.cjs'))});\n`);
    const required = start(['--version'], {}, 'ignore', [], wrapper);
    expect(await required.closed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^palisade /) });
    expect(required.marks()).toEqual([{ pid: required.child.pid, tunables: '-' }]);
  });

  it('a signal sent to the process a caller started ends the CLI, and that process ends by it', async () => {
    // Reading standard input that stays open: the CLI waits until it is stopped.
    const sut = start(['connectivity', '-f', '-'], {}, 'pipe');
    for (let i = 0; i < 200 && sut.marks().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sut.marks()).toHaveLength(2);
    const cli = sut.marks()[1].pid;
    // Past the preload, the CLI loads (SWC) and blocks reading standard input.
    await new Promise((r) => setTimeout(r, 1500));
    sut.child.kill('SIGTERM');
    expect(await sut.closed).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(alive(cli)).toBe(false);
  });

  it('inspecting: --inspect, --inspect-brk and --inspect-wait, in the options or NODE_OPTIONS', () => {
    expect(inspecting(['--inspect'], {})).toBe(true);
    expect(inspecting(['--max-old-space-size=512', '--inspect-brk=0'], {})).toBe(true);
    expect(inspecting([], { NODE_OPTIONS: '--enable-source-maps --inspect-wait=127.0.0.1:9230' })).toBe(true);
    expect(inspecting(['--inspect-port=9230', '-r', 'x'], { NODE_OPTIONS: '--max-old-space-size=512' })).toBe(false);
    expect(inspecting([], {})).toBe(false);
  });

  it('mallocTunablesEnv: only on Linux, adding to what is set, never twice', () => {
    expect(mallocTunablesEnv({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(mallocTunablesEnv({ GLIBC_TUNABLES: '' }, 'linux')).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    expect(mallocTunablesEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux')).toEqual({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1' });
    expect(mallocTunablesEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0' }, 'linux')).toBeUndefined();
    expect(mallocTunablesEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }, 'linux')).toBeUndefined();
    expect(mallocTunablesEnv({}, 'darwin')).toBeUndefined();
    expect(mallocTunablesEnv({}, 'win32')).toBeUndefined();
  });
});

/** Whether a process with this pid exists (a zombie reaped by its parent does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
