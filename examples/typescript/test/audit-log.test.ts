/** Listing the audit log with each filter, and their combination. */

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { ApiError, MAX_PAGE } from "../src/client.js";
import { control, recordingClient } from "./mock.js";
import { assertNewestFirst } from "./order.js";

beforeEach(() => control.reset());

const { client } = recordingClient();

test("without filters: the newest 50 entries, newest first; total counts every entry", async () => {
  const page = await client.entries();
  assert.ok(page.total > MAX_PAGE, `the suite expects a log of more than ${MAX_PAGE} entries`);
  assert.equal(page.data.length, 50);
  assert.equal(page.hasMore, true);
  assertNewestFirst(page.data);
});

test("limit: at most that many entries, and hasMore says whether there are others", async () => {
  const { total } = await client.entries({ limit: 1 });
  for (const limit of [1, 7, MAX_PAGE]) {
    const page = await client.entries({ limit });
    assert.equal(page.data.length, Math.min(limit, total));
    assert.equal(page.total, total);
    assert.equal(page.hasMore, total > page.data.length);
  }
});

test("action: only entries of that action, matched exactly", async () => {
  const all = await client.entries({ limit: MAX_PAGE });
  const page = await client.entries({ action: "entity.created", limit: MAX_PAGE });
  assert.ok(page.data.length > 0);
  assert.ok(page.data.every((e) => e.action === "entity.created"));
  assert.ok(page.total < all.total);
  assertNewestFirst(page.data);
  // The list of actions is open: an unknown one is valid and matches nothing.
  assert.deepEqual(await client.entries({ action: "Entity.Created" }), {
    data: [],
    total: 0,
    hasMore: false,
  });
});

test("userId: only entries of that user; system performs the automated actions", async () => {
  const page = await client.entries({ userId: "system", limit: MAX_PAGE });
  assert.ok(page.data.length > 0);
  assert.ok(page.data.every((e) => e.userId === "system"));
  assert.ok(page.data.some((e) => e.action === "integration.synced"));
});

test("since: only entries strictly after it", async () => {
  const newest = await client.entries({ limit: MAX_PAGE });
  const since = newest.data[100]!.timestamp;
  const page = await client.entries({ since, limit: MAX_PAGE });
  assert.deepEqual(
    page.data,
    newest.data.filter((e) => e.timestamp > since),
  );
  assert.ok(page.data.every((e) => e.timestamp > since));
  assert.equal(page.total, page.data.length);
});

test("filters combine with AND", async () => {
  const newest = await client.entries({ limit: MAX_PAGE });
  const since = newest.data.at(-1)!.timestamp;
  const window = newest.data.filter((e) => e.timestamp > since);
  const { userId, action } = window[0]!;
  const page = await client.entries({ since, action, userId, limit: MAX_PAGE });
  assert.deepEqual(
    page.data,
    window.filter((e) => e.action === action && e.userId === userId),
  );
  assert.equal(page.total, page.data.length);
});

test("a limit out of range is a 400 that names the parameter, never clamped", async () => {
  await assert.rejects(client.entries({ limit: 500 }), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.equal(error.code, "invalid_parameter");
    assert.match(error.message, /limit/);
    return true;
  });
});
