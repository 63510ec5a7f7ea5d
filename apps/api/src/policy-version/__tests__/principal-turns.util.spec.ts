import { PrincipalTurns } from '../principal-turns.util';

/** A task that records when it starts and ends when `finish` is called. */
function gate(log: string[], label: string): { task: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      log.push(label);
      await done;
      return label;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(PrincipalTurns.name, () => {
  it('runs one task at a time, principals taking turns in the order they first waited', async () => {
    const log: string[] = [];
    const turns = new PrincipalTurns(10, (n) => new Error(`${n} held`));
    const gates = ['a1', 'a2', 'a3', 'b1', 'c1', 'b2'].map((label) => ({ label, ...gate(log, label) }));
    const results = gates.map((g) => turns.run(g.label[0], g.task));
    for (const g of ['a1', 'a2', 'b1', 'c1', 'a3', 'b2']) {
      await tick();
      expect(log.at(-1)).toBe(g);
      gates.find((x) => x.label === g)?.finish();
    }
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'b2']);
    expect(log).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'b2']);
  });

  it('refuses a principal its place beyond the limit (running included), and takes it again once one is answered', async () => {
    const log: string[] = [];
    const turns = new PrincipalTurns(2, (n) => new Error(`${n} held`));
    const first = gate(log, 'x1');
    const second = gate(log, 'x2');
    const running = turns.run('x', first.task);
    const waiting = turns.run('x', second.task);
    await expect(turns.run('x', async () => 'x3')).rejects.toThrow('2 held');
    const other = turns.run('y', async () => 'y1'); // another principal still gets a place
    first.finish();
    await running;
    second.finish();
    await waiting;
    expect(await other).toBe('y1');
    expect(await turns.run('x', async () => 'x4')).toBe('x4');
  });

  it('close refuses the waiting tasks and any new one; the running task finishes', async () => {
    const log: string[] = [];
    const turns = new PrincipalTurns(5, (n) => new Error(`${n} held`));
    const running = gate(log, 'r');
    const result = turns.run('a', running.task);
    const waiting = turns.run('b', async () => 'never');
    await tick();
    turns.close(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await expect(turns.run('c', async () => 'late')).rejects.toThrow('shutting down');
    running.finish();
    expect(await result).toBe('r');
    expect(log).toEqual(['r']);
  });

  it('frees the turn when a task fails, also one that throws before returning a promise', async () => {
    const turns = new PrincipalTurns(5, (n) => new Error(`${n} held`));
    const thrown = turns.run('a', (): Promise<string> => {
      throw new Error('thrown at once');
    });
    const rejected = turns.run('a', async () => Promise.reject(new Error('rejected')));
    const after = turns.run('b', async () => 'ran');
    await expect(thrown).rejects.toThrow('thrown at once');
    await expect(rejected).rejects.toThrow('rejected');
    expect(await after).toBe('ran');
  });
});

