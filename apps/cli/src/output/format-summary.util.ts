import type { NamespaceSummary } from '@palisade/netpol-engine';

export const SUMMARY_FORMATS = ['text', 'json', 'csv'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

/** `yes` when every workload is isolated, `no` when none is, else `3/5`; `-` without workloads. */
function isolation(isolated: number, workloads: number): string {
  if (workloads === 0) return '-';
  return isolated === workloads ? 'yes' : isolated === 0 ? 'no' : `${isolated}/${workloads}`;
}

const HEADER = ['NAMESPACE', 'WORKLOADS', 'INGRESS ISOLATED', 'EGRESS ISOLATED', 'FROM OTHER NAMESPACES', 'FROM INTERNET', 'TO INTERNET'];
const CSV_HEADER = 'namespace,workloads,ingress_isolated,egress_isolated,reachable_from_other_namespaces,reachable_from_internet,reaching_internet';

/**
 * Per namespace: workloads, isolation for ingress and egress, and how many workloads other
 * namespaces reach, the internet reaches, and reach the internet. Text is an aligned table,
 * csv one row per namespace (counts), json `{"namespaces": [...]}`.
 */
export function formatSummary(rows: readonly NamespaceSummary[], format: SummaryFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ namespaces: rows }, null, 2)}\n`;
    case 'csv':
      return [CSV_HEADER, ...rows.map((r) => [r.namespace, r.workloads, r.ingressIsolated, r.egressIsolated, r.reachableFromOtherNamespaces, r.reachableFromInternet, r.reachingInternet].join(','))].join('\n') + '\n';
    case 'text': {
      const table = [
        HEADER,
        ...rows.map((r) => [
          r.namespace,
          String(r.workloads),
          isolation(r.ingressIsolated, r.workloads),
          isolation(r.egressIsolated, r.workloads),
          String(r.reachableFromOtherNamespaces),
          String(r.reachableFromInternet),
          String(r.reachingInternet),
        ]),
      ];
      const widths = HEADER.map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
      return table.map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
    }
  }
}
