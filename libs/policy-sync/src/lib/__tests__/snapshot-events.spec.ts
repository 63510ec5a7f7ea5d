import { Logger } from '@nestjs/common';

import { InventorySnapshotEvents, type InventorySnapshotStoredEvent } from '../inventory/snapshot-events';

const EVENT: InventorySnapshotStoredEvent = { clusterId: 'c1', clusterName: 'prod', snapshotId: 's1' };

describe(InventorySnapshotEvents.name, () => {
  beforeEach(() => Logger.overrideLogger(false)); // the failures below are logged on purpose
  afterEach(() => Logger.overrideLogger(['error', 'warn', 'log']));

  it('calls every listener, past one that throws or rejects, and stops calling one that unsubscribed', async () => {
    const sut = new InventorySnapshotEvents();
    const seen: string[] = [];
    sut.subscribe(() => {
      throw new Error('broken');
    });
    sut.subscribe(() => Promise.reject(new Error('rejected')));
    const stop = sut.subscribe((e) => void seen.push(`a:${e.snapshotId}`));
    sut.subscribe((e) => void seen.push(`b:${e.snapshotId}`));

    expect(() => sut.stored(EVENT)).not.toThrow();
    stop();
    sut.stored({ ...EVENT, snapshotId: 's2' });
    await new Promise((resolve) => setImmediate(resolve)); // the rejection is handled, not left unhandled

    expect(seen).toEqual(['a:s1', 'b:s1', 'b:s2']);
  });
});
