import assert from "node:assert/strict";
import type { Entry } from "../src/client.js";

/** Newest first; entries sharing a millisecond by `id`, descending (ULIDs sort as text). */
export function assertNewestFirst(entries: Entry[]): void {
  for (const [i, e] of entries.entries()) {
    const next = entries[i + 1];
    if (next === undefined) break;
    const inOrder = e.timestamp > next.timestamp || (e.timestamp === next.timestamp && e.id > next.id);
    assert.ok(inOrder, `entry ${i} (${e.id} at ${e.timestamp}) before ${next.id} at ${next.timestamp}`);
  }
}
