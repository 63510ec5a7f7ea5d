interface Waiting {
  start(): void;
  reject(error: Error): void;
}

/**
 * Runs one task at a time, the waiting principals taking turns (round robin): a principal with many
 * tasks queued waits for its next turn behind every other principal's next task, so no caller can
 * hold the others back by sending more. Each principal may have `perPrincipal` tasks waiting or
 * running; `refuse` builds the error for one more.
 *
 * @example const turns = new PrincipalTurns(4, (n) => new Error(`${n} already waiting`)); await turns.run('principal:1', () => work());
 */
export class PrincipalTurns {
  // Insertion order is the turn order: a principal served goes to the back if it has more.
  private readonly waiting = new Map<string, Waiting[]>();
  private running: string | null = null;
  private closed: Error | null = null;

  constructor(
    private readonly perPrincipal: number,
    private readonly refuse: (held: number) => Error,
  ) {}

  /** Runs `task` at the principal's turn; refused at once when the principal already holds `perPrincipal` places. */
  run<T>(principal: string, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    const queue = this.waiting.get(principal) ?? [];
    const held = queue.length + (this.running === principal ? 1 : 0);
    if (held >= this.perPrincipal) return Promise.reject(this.refuse(held));
    return new Promise<T>((resolve, reject) => {
      queue.push({
        start: () => {
          // Through a promise, so a task that throws at once still frees the turn.
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(() => {
              this.running = null;
              this.next();
            });
        },
        reject,
      });
      if (!this.waiting.has(principal)) this.waiting.set(principal, queue);
      this.next();
    });
  }

  /** Refuses every waiting task and any new one with `error`; a running task finishes. */
  close(error: Error): void {
    this.closed = error;
    for (const queue of this.waiting.values()) for (const w of queue) w.reject(error);
    this.waiting.clear();
  }

  private next(): void {
    if (this.running !== null) return;
    const first = this.waiting.entries().next();
    if (first.done) return;
    const [principal, queue] = first.value;
    const waiting = queue.shift() as Waiting;
    this.waiting.delete(principal);
    if (queue.length > 0) this.waiting.set(principal, queue);
    this.running = principal;
    waiting.start();
  }
}
