import type { Finding, PolicyLocation } from '@palisade/netpol-engine';

/** Where a finding points: the file, document and line of its subject policy's field. */
export interface FindingLocation {
  file?: string;
  document: number;
  /** `items[2]` when the policy is an item of a List. */
  item?: string;
  line?: number;
}

/** `spec.egress[0].to[1].ipBlock` as lookup steps: `['spec', 'egress', 0, 'to', 1, 'ipBlock']`. */
export function fieldPathSteps(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else steps.push(/^\d+$/.test(m[2] as string) ? Number(m[2]) : (m[2] as string));
  }
  return steps;
}

/**
 * The location of a finding's subject policy (the first of `policies`) and of its field `path`
 * within it; undefined when the policy was not read from the input (e.g. a change's removed one).
 */
export function locateFinding(f: Finding, locations: ReadonlyMap<string, PolicyLocation> | undefined): FindingLocation | undefined {
  const subject = f.policies[0];
  const at = subject === undefined ? undefined : locations?.get(subject);
  if (!at) return undefined;
  const line = (f.path ? at.lineOf(fieldPathSteps(f.path)) : undefined) ?? at.line;
  return {
    ...(at.source === undefined ? {} : { file: at.source }),
    document: at.document,
    ...(at.pathPrefix ? { item: at.pathPrefix } : {}),
    ...(line === undefined ? {} : { line }),
  };
}

/** `a.yaml: document 2 (items[1]) (line 14)`, as validation errors name places. */
export function describeLocation(l: FindingLocation): string {
  const item = l.item ? ` (${l.item})` : '';
  const at = `document ${l.document}${item}${l.line === undefined ? '' : ` (line ${l.line})`}`;
  return l.file === undefined ? at : `${l.file}: ${at}`;
}

/**
 * One line per finding, like a compiler diagnostic: the subject policy's file, document and line
 * first when known. `locations` maps `namespace/name` to where the policy was read.
 *
 * @example formatFinding(finding, loaded.policyLocations)
 * // 'policies.yaml: document 5 (line 80): MEDIUM EGRESS_TO_INTERNET (spec.egress[0].to[0].ipBlock): default/egress-access-myapp lets …'
 */
export function formatFinding(f: Finding, locations?: ReadonlyMap<string, PolicyLocation>): string {
  const at = locateFinding(f, locations);
  const path = f.path && at ? ` (${f.path})` : '';
  return `${at ? `${describeLocation(at)}: ` : ''}${f.severity.toUpperCase()} ${f.code}${path}: ${f.message}`;
}
