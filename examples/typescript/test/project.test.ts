/** Reading the project with either role. */

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { control, memberKey, recordingClient } from "./mock.js";

beforeEach(() => control.reset());

test("admin and member keys read the same project, with the documented fields only", async () => {
  const admin = await recordingClient().client.project();
  const member = await recordingClient(memberKey).client.project();
  assert.deepEqual(member, admin);
  assert.deepEqual(Object.keys(admin).sort(), [
    "entityCount",
    "entityTypeCount",
    "id",
    "memberCount",
    "name",
    "plan",
    "slug",
  ]);
  assert.match(admin.slug, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  assert.ok(["free", "pro", "team", "enterprise"].includes(admin.plan));
  for (const count of [admin.entityCount, admin.entityTypeCount, admin.memberCount]) {
    assert.ok(Number.isInteger(count) && count >= 0, String(count));
  }
});
