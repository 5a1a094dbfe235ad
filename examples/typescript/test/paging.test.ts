/**
 * Paging with `since`, the only bound the API has.
 *
 * `since` keeps the entries strictly after an instant and pages come newest first, so
 * any query reaches the newest `limit` (at most 200) entries of its filters and no
 * further: there is no cursor and no upper bound. Reading backwards therefore means
 * lowering `since` (a wider window reaches older entries, up to one page), and staying
 * current means polling forward from the newest timestamp seen.
 */

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { entriesAfter, MAX_PAGE, Poller } from "../src/client.js";
import { control, recordingClient } from "./mock.js";

beforeEach(() => control.reset());

const { client } = recordingClient();

test("reads backwards by lowering since: each window reaches older entries", async () => {
  const newest = await client.entries({ limit: MAX_PAGE });
  let reached = 0;
  for (const k of [9, 49, 99, MAX_PAGE - 1]) {
    const since = newest.data[k]!.timestamp;
    const window = await entriesAfter(client, since);
    // Exactly the entries strictly after the k-th newest: it and its equals stay out.
    assert.deepEqual(
      window.entries,
      newest.data.filter((e) => e.timestamp > since),
    );
    assert.equal(window.unreachable, 0);
    assert.ok(window.entries.length > reached, `the window after entry ${k} reaches further`);
    assert.ok(window.entries.length <= k);
    reached = window.entries.length;
  }
});

test("a window wider than one page says how many entries it cannot reach", async () => {
  const newest = await client.entries({ limit: MAX_PAGE });
  const window = await entriesAfter(client, 0);
  assert.deepEqual(window.entries, newest.data);
  assert.equal(window.unreachable, newest.total - MAX_PAGE);
});

test("polls forward: each new entry once, oldest first, entries sharing a millisecond too", async () => {
  await control.setClock({ freeze: true });
  const poller = new Poller(client);
  assert.equal((await poller.poll()).length, MAX_PAGE); // the newest page of the log

  const sync = { action: "integration.synced", userId: "system" };
  const first = await control.addEvents([sync, sync, sync]);
  assert.deepEqual(await poller.poll(), first);
  // Same millisecond as the previous ones: `since` = their timestamp would miss it.
  const late = await control.addEvents([sync]);
  assert.equal(late[0]!.timestamp, first[0]!.timestamp);
  assert.deepEqual(await poller.poll(), late);
  assert.deepEqual(await poller.poll(), []);
  assert.equal(poller.missed, 0);

  await control.setClock({ advance: 1000 });
  const burst = await control.addEvents(Array.from({ length: MAX_PAGE + 50 }, () => sync));
  assert.deepEqual(await poller.poll(), burst.slice(50));
  assert.equal(poller.missed, 50);
});
