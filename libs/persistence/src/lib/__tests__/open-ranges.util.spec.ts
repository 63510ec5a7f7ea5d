import { type OpenRange, planOpenRanges, type Range, type RecordedChange, subtractRanges } from '../open-ranges.util';

const open = (id: string, from: number, to: number, flowKey = 'k'): OpenRange => ({ id, flowKey, openedById: `by-${id}`, from, to });
const opened = (id: string, from: number, to: number, flowKey = 'k'): RecordedChange => ({ id, change: 'OPENED', flowKey, from, to });
const closed = (id: string, from: number, to: number, flowKey = 'k'): RecordedChange => ({ id, change: 'CLOSED', flowKey, from, to });

describe(subtractRanges.name, () => {
  it.each<[Range, Range[], Range[]]>([
    // nothing to cut
    [[80, 90], [], [[80, 90]]],
    // a port in the middle splits the range
    [[80, 90], [[85, 85]], [[80, 84], [86, 90]]],
    // cuts at both edges, overlapping each other
    [[80, 90], [[70, 81], [80, 82], [89, 95]], [[83, 88]]],
    // everything cut
    [[80, 90], [[1, 65535]], []],
    // cuts outside the range
    [[80, 90], [[1, 79], [91, 100]], [[80, 90]]],
  ])('%j minus %j is %j', (range, cuts, expected) => {
    expect(subtractRanges(range, cuts)).toEqual(expected);
  });
});

describe(planOpenRanges.name, () => {
  it.each<[string, OpenRange[], RecordedChange[], ReturnType<typeof planOpenRanges>]>([
    // a new flow
    ['an opened range', [], [opened('c1', 80, 90)], { deleteIds: [], inserts: [{ openedById: 'c1', from: 80, to: 90 }] }],
    // the parts of a partly closed range keep their opener
    ['a partial close', [open('o1', 80, 90)], [closed('c2', 85, 85)], { deleteIds: ['o1'], inserts: [{ openedById: 'by-o1', from: 80, to: 84 }, { openedById: 'by-o1', from: 86, to: 90 }] }],
    // closing another flow or other ports changes nothing
    ['an unrelated close', [open('o1', 80, 90)], [closed('c2', 85, 85, 'other'), closed('c3', 91, 95)], { deleteIds: [], inserts: [] }],
    // an already open part keeps its first opener
    ['an overlapping open', [open('o1', 100, 110)], [opened('c2', 95, 120)], { deleteIds: [], inserts: [{ openedById: 'c2', from: 95, to: 99 }, { openedById: 'c2', from: 111, to: 120 }] }],
    // closed first, then opened again within one change: the new opener takes the closed part
    ['a close and a reopen', [open('o1', 80, 90)], [closed('c2', 80, 90), opened('c3', 85, 95)], { deleteIds: ['o1'], inserts: [{ openedById: 'c3', from: 85, to: 95 }] }],
    // two opens of one flow in one change do not overlap
    ['two overlapping opens', [], [opened('c1', 1, 10), opened('c2', 5, 15)], { deleteIds: [], inserts: [{ openedById: 'c1', from: 1, to: 10 }, { openedById: 'c2', from: 11, to: 15 }] }],
  ])('given %s', (_case, existing, changes, expected) => {
    expect(planOpenRanges(existing, changes)).toEqual(expected);
  });
});
