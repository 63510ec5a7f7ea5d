/**
 * Keeps the `size` most recently used entries: the policy sets and inventories a process or an
 * analysis thread was last given, by content hash.
 *
 * @example const sets = new RecentCache<NetworkPolicy[]>(2); sets.set(hash, policies); sets.get(hash) // policies
 */
export class RecentCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
  }
}
