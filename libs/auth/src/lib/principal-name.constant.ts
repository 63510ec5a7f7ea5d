/** Lowercase, DNS-1123-like, with "." "_" "@" allowed so e-mail-like names fit. */
export const PRINCIPAL_NAME = /^[a-z0-9]([a-z0-9._@-]*[a-z0-9])?$/;

export const PRINCIPAL_NAME_MESSAGE = 'name must be lowercase letters, digits, ".", "_", "@" or "-", starting and ending with a letter or digit';

export const PRINCIPAL_NAME_MAX_LENGTH = 100;
