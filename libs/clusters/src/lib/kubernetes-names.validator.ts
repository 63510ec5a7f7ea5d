import { dns1123LabelErrors, labelValueErrors, qualifiedNameErrors } from '@palisade/netpol-engine';
import { registerDecorator, type ValidationArguments } from 'class-validator';

/** Why `labels` is not a valid Kubernetes label map (same rules as the API server), or none. */
export function labelMapProblems(labels: unknown): string[] {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    return ['must be an object of label keys to string values'];
  }
  return Object.entries(labels).flatMap(([key, value]) => [
    ...qualifiedNameErrors(key).map((problem) => `key "${key}": ${problem}`),
    ...(typeof value === 'string'
      ? labelValueErrors(value).map((problem) => `value of "${key}": ${problem}`)
      : [`value of "${key}" must be a string`]),
  ]);
}

function kubernetesNameDecorator(name: string, problems: (value: unknown) => string[]): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => problems(value).length === 0,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} ${problems(args?.value).join('; ')}`,
      },
    });
  };
}

/** A DNS-1123 label, as Kubernetes requires of namespace names (and Palisade of cluster names). */
export const IsDns1123Label = (): PropertyDecorator =>
  kubernetesNameDecorator('isDns1123Label', (value) =>
    typeof value === 'string' ? dns1123LabelErrors(value) : ['must be a string'],
  );

/** A map of Kubernetes labels. */
export const IsLabelMap = (): PropertyDecorator => kubernetesNameDecorator('isLabelMap', labelMapProblems);
