import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { COMMAND_OPTIONS } from '../command-options.constant';
import { parseCommandArgs } from '../parse-command-args.util';
import { COMMAND_NAMES, runCli } from '../run-cli.util';
import { newTestIo, REPO_ROOT, SEED } from './test-io';

const seed = [`${SEED}/article-policies.yaml`, `${SEED}/article-inventory.yaml`];

function run(argv: string[], stdin?: string) {
  const io = newTestIo();
  if (stdin !== undefined) io.stdin = () => stdin;
  const code = runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

describe('kubectl habits', () => {
  describe('--help on every command lists every option its parser accepts', () => {
    it.each(COMMAND_NAMES)('%s', (command) => {
      const options = COMMAND_OPTIONS[command];
      expect(options).toBeDefined();
      const help = run([command, '--help']);
      expect(help.code).toBe(0);
      for (const o of options ?? []) {
        expect(help.out).toContain(`--${o.name}`);
        if (o.short) expect(help.out).toContain(`-${o.short}, --${o.name}`);
        // The parser takes exactly the option the help names (strict parsing refuses any other).
        const value = o.type === 'string' ? ['x'] : [];
        expect(parseCommandArgs(command, [`--${o.name}`, ...value]).values[o.name]).toEqual(o.type === 'boolean' ? true : o.multiple ? ['x'] : 'x');
      }
      expect(() => parseCommandArgs(command, ['--not-an-option'])).toThrow("Unknown option '--not-an-option'");
    });

    it('diff --help names --fail-on', () => {
      expect(run(['diff', '--help']).out).toMatch(/--fail-on info\|low\|medium\|high +exit 1 when a finding reaches this severity/);
    });
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version'])).toEqual({ code: 0, out: `palisade ${version}\n`, err: '' });
  });

  it('-o/--output picks the format, --format is its synonym, and two that disagree are a usage error', () => {
    const json = run(['connectivity', ...seed, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(run(['connectivity', ...seed, '--output', 'json']).out).toBe(json.out);
    expect(run(['connectivity', ...seed, '--format', 'json']).out).toBe(json.out);
    expect(run(['connectivity', ...seed, '-o', 'json', '--format', 'json']).out).toBe(json.out);
    const clash = run(['connectivity', ...seed, '-o', 'json', '--format', 'csv']);
    expect(clash).toMatchObject({ code: 2, out: '' });
    expect(clash.err).toContain('--output json and --format csv disagree');
    expect(run(['lint', ...seed, '-o', 'yaml']).err).toContain('--output must be one of text, json, md, sarif (got "yaml")');
  });

  it('-f/--filename names inputs, repeatable, mixed with positional paths; -f is no longer --format', () => {
    const positional = run(['connectivity', ...seed]);
    expect(positional.code).toBe(0);
    expect(run(['connectivity', '-f', seed[0] as string, '-f', seed[1] as string])).toEqual(positional);
    expect(run(['connectivity', seed[0] as string, '--filename', seed[1] as string])).toEqual(positional);
    expect(run(['connectivity', ...seed, '-f', 'json'])).toMatchObject({ code: 1, err: 'palisade: cannot read json: no such file or directory\n' });
    expect(run(['connectivity'])).toMatchObject({ code: 2, err: expect.stringContaining('at least one directory or file is required') });
  });

  it('- reads standard input, for -f and positional paths, and reach --input', () => {
    const policies = readFileSync(join(REPO_ROOT, seed[0] as string), 'utf8');
    const expected = run(['connectivity', ...seed]);
    expect(run(['connectivity', '-f', '-', '-f', seed[1] as string], policies)).toEqual(expected);
    expect(run(['lint', '-'], 'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: x}\nspec: {podSelector: 3}\n')).toMatchObject({
      code: 1,
      out: expect.stringContaining('ERROR <stdin>: document 1 (line 4): spec.podSelector: must be an object'),
    });
    const reach = run(['reach', '--input', '-'], readFileSync(join(REPO_ROOT, SEED, 'article-reach.json'), 'utf8'));
    expect(reach.code).toBe(0);
    expect(JSON.parse(reach.out).results).toHaveLength(14);
  });

  it('explain exits 0 when allowed, 3 when denied, 1 on invalid input, 2 on usage errors', () => {
    const ask = (...more: string[]) => run(['explain', ...seed, ...more]).code;
    expect(ask('--from', 'default/myapp', '--to', '1.1.1.1', '--port', '443')).toBe(0);
    expect(ask('--from', 'default/myapp', '--to', '1.1.1.1', '--port', '80')).toBe(3);
    expect(ask('--from', 'default/myapp', '--to', '1.1.1.1', '--port', '80', '-o', 'json')).toBe(3);
    expect(ask('--from', 'default/nope', '--to', '1.1.1.1', '--port', '443')).toBe(1);
    expect(ask('--from', 'default/myapp', '--to', '1.1.1.1')).toBe(2);
  });
});
