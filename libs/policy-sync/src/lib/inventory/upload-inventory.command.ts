import { type Caller, validateCommand } from '@palisade/shared-types';
import { IsString } from 'class-validator';

/**
 * An inventory as `kubectl get namespaces,pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A`
 * prints it: JSON (a `List`) or YAML (one or more documents), told apart by the text itself.
 */
export class UploadInventoryCommand {
  @IsString()
  readonly clusterName: string;

  @IsString({ message: 'manifests must be text: JSON (a List) or YAML documents' })
  readonly manifests: string;

  private constructor(
    input: { clusterName: string; manifests: string },
    readonly caller: Caller,
  ) {
    this.clusterName = input.clusterName;
    this.manifests = input.manifests;
    validateCommand(this);
  }

  static from(input: { clusterName: string; manifests: string; caller: Caller }): UploadInventoryCommand {
    const { caller, ...rest } = input;
    return new UploadInventoryCommand(rest, caller);
  }
}
