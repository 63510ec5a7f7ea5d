/** The parts of the API's proposal view (`GET /api/v1/proposals/{id}`) the CLI reads. */
export interface ProposalView {
  id: string;
  cluster: string;
  title: string;
  status: string;
  revision: number;
  baseVersion: number;
  mergedVersion: number | null;
  source: { kind: string; url: string | null; commit: string | null } | null;
  requiredApprovals: { count: number; groups: string[]; reasons: { message: string }[] };
  approvals: { approvedByRule: boolean; received: { approvals: number } };
  analysis: AnalysisView | null;
}

export interface AnalysisView {
  status: 'PENDING' | 'READY' | 'FAILED' | string;
  error: string | null;
  summary: {
    flowsOpened: number;
    flowsWidened: number;
    flowsClosed: number;
    connectivityChange: boolean | null;
    findings: number;
    maxSeverity: string;
    policies: { added: string[]; modified: string[]; removed: string[] };
  } | null;
  findings: { code: string; severity: string; message: string }[];
  findingsTotal: number;
}

/** `GET /api/v1/proposals/{id}/analysis` (JSON): the flows, paged. */
export interface AnalysisDetailView {
  flows: { opened: FlowLine[]; closed: FlowLine[]; totalOpened: number; totalClosed: number };
}

interface FlowLine {
  text: string;
  widened: boolean;
}

/** `GET /api/v1/clusters/{name}/proposals`. */
export interface ProposalPage {
  items: { id: string; status: string }[];
}
