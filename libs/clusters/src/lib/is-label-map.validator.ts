import { registerDecorator, type ValidationOptions } from 'class-validator';

// Kubernetes label syntax: an optional DNS-subdomain prefix, then a name of at most 63 characters.
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key=value` is not a valid Kubernetes label, or null when it is. */
export function labelProblem(key: string, value: unknown): string | null {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `label key "${key}" has an invalid prefix: it must be a DNS-1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key "${key}" is invalid: the name part must be 1-63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  }
  if (typeof value !== 'string') return `label "${key}" must have a string value`;
  if (value.length > 63 || (value.length > 0 && !LABEL_NAME.test(value))) {
    return `label "${key}" has an invalid value "${value}": at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  }
  return null;
}

/** A map of Kubernetes labels (string keys and values in label syntax). */
export function IsLabelMap(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isLabelMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          return Object.entries(value).every(([k, v]) => labelProblem(k, v) === null);
        },
        defaultMessage(args) {
          const value = args?.value as unknown;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            return `${args?.property} must be an object of label keys to string values`;
          }
          return Object.entries(value)
            .map(([k, v]) => labelProblem(k, v))
            .filter((p): p is string => p !== null)
            .join('; ');
        },
      },
    });
  };
}
