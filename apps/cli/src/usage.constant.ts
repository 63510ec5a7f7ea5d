import { COMMAND_OPTIONS, formatOptionHelp } from './command-options.constant';
import { FLOW_FORMATS } from './output/format-flows.util';

const FORMATS = FLOW_FORMATS.join('|');

/** What each command's help says before its options. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '': [
    'usage: palisade <command> [options]',
    '',
    'Local NetworkPolicy analysis for people, bots and CI. Manifests are YAML or JSON files',
    '(Namespaces, Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs,',
    'NetworkPolicies and Lists of them); directories are read recursively for .yaml, .yml and .json.',
    '',
    'commands:',
    `  connectivity <dir-or-file...> [-o ${FORMATS}]   every allowed flow, per workload`,
    `  diff <before> <after> [--inventory <dir-or-file>] [-o ${FORMATS}]   flows a change opens and closes`,
    '  explain <dir-or-file...> --from ns/pod --to ns/pod|IP --port N [--protocol TCP|UDP|SCTP]   exit 0 allowed, 3 denied',
    '  lint <dir-or-file...> [-o text|json|md|sarif] [--fail-on info|low|medium|high]   errors and findings',
    '  reach --input FILE                  answer the queries of a JSON file (machine interface)',
    '',
    'with a Palisade server (--server URL; the API token in the PALISADE_TOKEN environment variable):',
    '  propose <dir-or-file...> --cluster NAME [--source-url URL] [--commit SHA] [--wait S] [--fail-on SEV] [-o text|md|json]',
    '  proposals get ID [-o text|md|json]  a proposal and its analysis',
    '  review ID --approve|--request-changes|--comment TEXT',
    '  merge ID',
    '',
    'Inputs are paths, -f/--filename PATH (repeatable) or - for standard input. Files that are no Kubernetes',
    'offline, on an export of GET /api/v1/audit/export:',
    '  audit verify <file> --public-key FILE [-o text|json]   every hash link and signed checkpoint; exit 1 when one breaks',
    '',
    'manifest (a Helm values.yaml) and kinds the analysis does not use (Services, CRDs) are skipped with a warning.',
    'connectivity, diff, explain and lint also take --no-pod-ip-blocks (ipBlocks do not match pod IPs).',
    '-o/--output (or --format) picks the output format; -h/--help on any command lists its options; --version.',
    'exit codes: 0 ok, 1 invalid input, lint errors or a server error, 2 usage error; explain: 3 denied;',
    '  propose: 4 a finding reaches --fail-on, 5 the analysis is not ready within --wait',
  ].join('\n'),
  connectivity: [
    'usage: palisade connectivity <dir-or-file...> [options]',
    '',
    'Prints every allowed flow, aggregated per workload and per external address range, with ports',
    'as ranges: `prod/frontend[Deployment] => prod/api[Deployment] : TCP 8080`.',
    '  -o text   one flow per line (default)',
    '  -o json   {"flows": [{from, to, ports: [{protocol, ranges: [[start, end]]}]}]}',
    '  -o csv    from,to,protocol,port_from,port_to (one row per port range)',
    '  -o dot    a Graphviz digraph: namespaces as clusters, workloads as boxes, flows as edges',
    '  -o md     a Markdown table (from, to, ports) for a pull-request comment',
  ].join('\n'),
  diff: [
    'usage: palisade diff <before> <after> [options]',
    '',
    'Flows the change from <before> to <after> opens (+) and closes (-), then its findings.',
    'Each side is a directory, a file or - (standard input). Namespaces and workloads come from',
    "--inventory when given; otherwise from each side, and a side without any is analysed with the other side's.",
    '-o text, md and json report flows and findings; csv and dot the changed flows (a `change` column; red and',
    'green edges). Exit code 1 when a finding reaches --fail-on.',
  ].join('\n'),
  explain: [
    'usage: palisade explain <dir-or-file...> --from ns/pod --to ns/pod|IP --port N [options]',
    '',
    'Says whether one connection is allowed and which policies and rules decide it. A pod can also',
    'be named by its workload (`ns/<deployment name>` stands for its first pod).',
    'Exit code 0 allowed, 3 denied, 1 invalid input, 2 usage error.',
  ].join('\n'),
  lint: [
    'usage: palisade lint <dir-or-file...> [options]',
    '',
    'Prints validation errors (file, document, line and field) and findings. With Namespaces, Pods or',
    'workloads in the input, also policies that select no pod and peers that match nothing.',
    '-o md is a Markdown table for a pull-request comment; -o sarif is SARIF 2.1.0 for code scanning,',
    'every result located by file, line and document. Exit code 1 when there is an error, or a finding at or above --fail-on.',
  ].join('\n'),
  propose: [
    'usage: palisade propose <dir-or-file...> --server URL --cluster NAME [options]',
    '',
    'Submits the NetworkPolicies of the input (validated here first; other objects are ignored) as the',
    "cluster's complete desired set, and prints the proposal's analysis. The API token comes from the",
    'PALISADE_TOKEN environment variable (there is no --token flag). --commit with --source-url and',
    '--cluster is the Idempotency-Key (palisade-propose-<sha256>). -o md prints the Markdown report for',
    'the pull request, then a link to the proposal; -o json the proposal as the API returns it.',
    'exit codes: 0 analysis READY, no finding at or above --fail-on; 4 one is; 5 not READY within --wait;',
    '1 invalid input, the analysis FAILED, or a server error (problem title, detail and code); 2 usage error.',
    'Connection errors and 5xx answers are retried after 0.2, 0.4 and 0.8 s (PALISADE_RETRY_DELAYS_MS).',
  ].join('\n'),
  proposals: [
    'usage: palisade proposals get ID --server URL [options]',
    '',
    'A proposal: status, analysis (summary, findings, changed flows) and the approvals it needs.',
    '`-o md` is the Markdown report `palisade propose -o md` prints. Token in PALISADE_TOKEN.',
  ].join('\n'),
  review: [
    'usage: palisade review ID --server URL (--approve | --request-changes | --comment TEXT) [options]',
    '',
    'Reviews a proposal as the principal of PALISADE_TOKEN; --comment alone is a COMMENT.',
  ].join('\n'),
  merge: [
    'usage: palisade merge ID --server URL [options]',
    '',
    'Merges an approved proposal: the cluster gets a new version. Token in PALISADE_TOKEN.',
  ].join('\n'),
  reach: [
    'usage: palisade reach --input FILE',
    '',
    'FILE is JSON: {namespaces: [{name, labels}], pods: [{namespace, name, labels, ip, ports: [{name, port,',
    'protocol}], workload?: {kind, name}}], policies: [NetworkPolicy...], queries: [{from, to, port, protocol}],',
    'options?: {ipBlockMatchesPodIps}}. An endpoint is `namespace/pod` or an IPv4/IPv6 address.',
    'Prints {"results": [{from, to, port, protocol, allowed}]} in query order.',
  ].join('\n'),
};

/** Usage text per command, its options listed from COMMAND_OPTIONS; `''` is the overview. */
export const USAGE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DESCRIPTIONS).map(([command, text]) => {
    const options = COMMAND_OPTIONS[command];
  audit: [
    'usage: palisade audit verify <file> --public-key FILE [options]',
    '',
    'Checks an audit export (GET /api/v1/audit/export, JSON Lines) offline: every event against its hash,',
    'every link to the previous event, and every checkpoint against its Ed25519 signature and the hash the',
    'chain has at its event, so a history rewritten and re-hashed in the database is found. Take the public',
    'key from GET /api/v1/audit/public-key (or the operator) apart from the export, never from the export.',
    "An export scoped to some clusters holds no checkpoints: only each event's own hash is checked.",
    'exit codes: 0 verified; 1 a link, hash or checkpoint does not hold (reason, line and event on stderr),',
    'or the file or key is unreadable; 2 usage error.',
  ].join('\n'),
    return [command, options ? `${text}\n\n${formatOptionHelp(options)}` : text];
  }),
);
