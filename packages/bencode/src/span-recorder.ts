// Collects byte spans while decoding, for decodeWithSpans. Spans are kept per container, keyed by
// the container object itself, so lookups need no paths and cost nothing for plain decode().
import type { BencodeDict, BencodeList, Span } from './types.js';

export class SpanRecorder {
  private readonly containers = new WeakMap<BencodeDict | BencodeList, Span>();
  private readonly dictMembers = new WeakMap<BencodeDict, Map<string, Span>>();
  /** Per list, member spans flattened as [start0, end0, start1, end1, ...]: one array, not one object per member. */
  private readonly listMembers = new WeakMap<BencodeList, number[]>();

  container(c: BencodeDict | BencodeList, start: number, end: number): void {
    this.containers.set(c, { start, end });
  }

  dictMember(dict: BencodeDict, key: string, start: number, end: number): void {
    let members = this.dictMembers.get(dict);
    if (members === undefined) {
      members = new Map();
      this.dictMembers.set(dict, members);
    }
    members.set(key, { start, end });
  }

  /** Members arrive in order, so the n-th call for a list is index n. */
  listMember(list: BencodeList, start: number, end: number): void {
    let members = this.listMembers.get(list);
    if (members === undefined) {
      members = [];
      this.listMembers.set(list, members);
    }
    members.push(start, end);
  }

  spanOf(c: BencodeDict | BencodeList): Span | undefined {
    return this.containers.get(c);
  }

  spanOfKey(dict: BencodeDict, key: string): Span | undefined {
    return this.dictMembers.get(dict)?.get(key);
  }

  spanOfIndex(list: BencodeList, index: number): Span | undefined {
    const members = this.listMembers.get(list);
    if (members === undefined || !Number.isInteger(index) || index < 0) return undefined;
    const start = members[2 * index];
    const end = members[2 * index + 1];
    return start === undefined || end === undefined ? undefined : { start, end };
  }
}
