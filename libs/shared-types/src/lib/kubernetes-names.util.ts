/**
 * A Kubernetes DNS-1123 label: 1 to 63 lowercase alphanumerics or '-', starting and ending
 * alphanumeric. The length is part of the pattern, so one `@Matches` checks all of it.
 */
export const DNS1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `value` is a DNS-1123 label (see DNS1123_LABEL). */
export function isDns1123Label(value: string): boolean {
  return DNS1123_LABEL.test(value);
}

export const DNS1123_LABEL_MESSAGE =
  'must be a DNS-1123 label: at most 63 lowercase letters, digits or "-", starting and ending with a letter or digit';
