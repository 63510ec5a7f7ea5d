/** The value after `--name` in a bench's arguments, if given. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** A numeric `--name N` option, or `fallback` when absent. */
export function numberOption(args: readonly string[], name: string, fallback: number): number {
  const value = optionValue(args, name);
  return value === undefined ? fallback : Number(value);
}
