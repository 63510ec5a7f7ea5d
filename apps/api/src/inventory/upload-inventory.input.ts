import { Field, InputType } from '@nestjs/graphql';
import { IsString } from 'class-validator';

@InputType()
export class UploadInventoryInput {
  /** What `kubectl get namespaces,pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json` (or `-o yaml`) prints. */
  @Field({ description: 'kubectl get namespaces,pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json (or -o yaml): JSON or YAML, told apart by the text' })
  @IsString()
  manifests!: string;
}
