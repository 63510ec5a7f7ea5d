export interface ClusterRecord {
  id: string;
  name: string;
  displayName: string | null;
  labels: Record<string, string>;
  headVersion: number;
  desiredVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewCluster {
  name: string;
  displayName?: string;
  labels: Record<string, string>;
}
