import { FLOW_FORMATS } from './output/format-flows.util';
import { SUMMARY_FORMATS } from './output/format-summary.util';

/** One option of a command: what the parser accepts and what `--help` says, from one entry. */
export interface CliOption {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** Repeatable: every occurrence is kept, in order. */
  multiple?: boolean;
  /** The value's placeholder in help (`FORMAT`, `ns/pod`); string options only. */
  value?: string;
  help: string;
}

export const LINT_FORMAT_NAMES = ['text', 'json', 'md', 'sarif'] as const;
export const EXPLAIN_FORMAT_NAMES = ['text', 'json'] as const;
export const PROPOSAL_FORMAT_NAMES = ['text', 'md', 'json'] as const;
export const REVIEW_FORMAT_NAMES = ['text', 'json'] as const;
export const AUDIT_FORMAT_NAMES = ['text', 'json'] as const;

/** `-o/--output` and its long synonym `--format` (both kept: kubectl users type -o, older scripts --format). */
function formatOptions(formats: readonly string[]): CliOption[] {
  const list = formats.join('|');
  return [
    { name: 'output', short: 'o', type: 'string', value: list, help: `output format (default ${formats[0]})` },
    { name: 'format', type: 'string', value: list, help: 'the same as --output' },
  ];
}

const FILENAME: CliOption = {
  name: 'filename',
  short: 'f',
  type: 'string',
  multiple: true,
  value: 'PATH',
  help: 'a manifest file or directory to read (repeatable; `-` is standard input); positional paths work too',
};
const NO_POD_IP_BLOCKS: CliOption = { name: 'no-pod-ip-blocks', type: 'boolean', help: 'ipBlocks do not match pod IPs (for CNIs that do not)' };
const FAIL_ON: CliOption = { name: 'fail-on', type: 'string', value: 'info|low|medium|high', help: 'exit 1 when a finding reaches this severity' };
const SERVER: CliOption[] = [
  { name: 'server', type: 'string', value: 'URL', help: 'the Palisade server (the API token comes from PALISADE_TOKEN)' },
  // Declared only to refuse it with a clear message: a token flag would land in shell history and CI logs.
  { name: 'token', type: 'string', value: 'TOKEN', help: 'refused: set PALISADE_TOKEN instead' },
];
const NAMESPACE: CliOption = { name: 'namespace', short: 'n', type: 'string', multiple: true, value: 'NS', help: 'only flows touching a workload of this namespace (repeatable)' };
const FOCUS_WORKLOAD: CliOption = { name: 'focus-workload', type: 'string', multiple: true, value: 'ns/name', help: 'only flows with this workload at either end (repeatable)' };
const AGGREGATE: CliOption = {
  name: 'aggregate',
  type: 'string',
  value: 'namespace|namespace-either-end',
  help: '`namespace`: one `ns-a/* => ns-b/*` line where every workload of ns-a reaches every one of ns-b on the same ports; `namespace-either-end`: also `ns-a/* => workload` and `workload => ns-b/*` where a whole namespace is at one end',
};
const HELP: CliOption = { name: 'help', short: 'h', type: 'boolean', help: 'this help' };

/**
 * Every option of every command. The parser (parseCommandArgs) accepts exactly these and each
 * command's `--help` lists exactly these, so the two cannot drift apart.
 */
export const COMMAND_OPTIONS: Readonly<Record<string, readonly CliOption[]>> = {
  connectivity: [...formatOptions(FLOW_FORMATS), FILENAME, AGGREGATE, FOCUS_WORKLOAD, NAMESPACE, NO_POD_IP_BLOCKS, HELP],
  summary: [...formatOptions(SUMMARY_FORMATS), FILENAME, { ...NAMESPACE, help: 'only this namespace (repeatable)' }, NO_POD_IP_BLOCKS, HELP],
  diff: [
    ...formatOptions(FLOW_FORMATS),
    { name: 'inventory', type: 'string', multiple: true, value: 'PATH', help: 'Namespaces and workloads for both sides (repeatable)' },
    FOCUS_WORKLOAD,
    NAMESPACE,
    FAIL_ON,
    NO_POD_IP_BLOCKS,
    HELP,
  ],
  explain: [
    { name: 'from', type: 'string', value: 'ns/pod|IP', help: 'the client: a pod, a workload (`ns/<name>` stands for its first pod) or an address' },
    { name: 'to', type: 'string', value: 'ns/pod|IP', help: 'the server, named the same ways' },
    { name: 'port', short: 'p', type: 'string', value: 'N', help: 'the destination port' },
    { name: 'protocol', type: 'string', value: 'TCP|UDP|SCTP', help: 'default TCP' },
    ...formatOptions(EXPLAIN_FORMAT_NAMES),
    FILENAME,
    NO_POD_IP_BLOCKS,
    HELP,
  ],
  lint: [...formatOptions(LINT_FORMAT_NAMES), FILENAME, FAIL_ON, NO_POD_IP_BLOCKS, HELP],
  reach: [{ name: 'input', short: 'i', type: 'string', value: 'FILE', help: 'the JSON document of inventory, policies and queries (`-` is standard input)' }, HELP],
  propose: [
    ...SERVER,
    { name: 'cluster', type: 'string', value: 'NAME', help: 'the cluster the policies are for' },
    { name: 'title', type: 'string', value: 'TEXT', help: "the proposal's title" },
    { name: 'base-version', type: 'string', value: 'N|head', help: 'the version the change is against (default head)' },
    { name: 'source-url', type: 'string', value: 'URL', help: 'the pull request: an open proposal from it gets the new set as a new revision' },
    { name: 'commit', type: 'string', value: 'SHA', help: 'with --source-url, the Idempotency-Key, so a retried job never opens a second proposal' },
    { name: 'wait', type: 'string', value: 'SECONDS', help: 'how long to wait for the analysis (default 120; 0: do not wait)' },
    { name: 'fail-on', type: 'string', value: 'info|low|medium|high', help: 'exit 4 when a finding reaches this severity' },
    ...formatOptions(PROPOSAL_FORMAT_NAMES),
    FILENAME,
    HELP,
  ],
  proposals: [...SERVER, ...formatOptions(PROPOSAL_FORMAT_NAMES), HELP],
  review: [
    ...SERVER,
    { name: 'approve', type: 'boolean', help: 'approve the proposal' },
    { name: 'request-changes', type: 'boolean', help: 'request changes' },
    { name: 'comment', type: 'string', value: 'TEXT', help: "a comment (alone: a COMMENT review; with a verdict: the verdict's comment)" },
    ...formatOptions(REVIEW_FORMAT_NAMES),
    HELP,
  ],
  merge: [...SERVER, ...formatOptions(REVIEW_FORMAT_NAMES), HELP],
  audit: [
    { name: 'public-key', type: 'string', value: 'FILE', help: 'the Ed25519 public key (PEM) of GET /api/v1/audit/public-key, obtained apart from the export' },
    ...formatOptions(AUDIT_FORMAT_NAMES),
    HELP,
  ],
};

/** The "options:" block of a command's help, one line per option. */
export function formatOptionHelp(options: readonly CliOption[]): string {
  const left = options.map((o) => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return ['options:', ...options.map((o, i) => `  ${(left[i] as string).padEnd(width)}${o.help}`)].join('\n');
}
