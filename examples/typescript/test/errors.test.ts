/** 401, 403, and a 429 injected through the control API, with its Retry-After. */

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { ApiError } from "../src/client.js";
import { control, memberKey, mockUrl, recordingClient } from "./mock.js";

beforeEach(() => control.reset());

const AUDIT_LOG = "/api/v1/audit-log";

function rejectsWith(status: number, code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  };
}

test("no key or an unknown key: 401 unauthorized, with WWW-Authenticate: Bearer", async () => {
  const response = await fetch(`${mockUrl}${AUDIT_LOG}`);
  assert.equal(response.status, 401);
  assert.equal(response.headers.get("WWW-Authenticate"), "Bearer");
  assert.equal((await response.json()).error.code, "unauthorized");

  const { client } = recordingClient("alk_a_not-a-key-of-this-world");
  await assert.rejects(client.entries(), rejectsWith(401, "unauthorized"));
  await assert.rejects(client.project(), rejectsWith(401, "unauthorized"));
});

test("a member key: 403 forbidden on the audit log, even with bad parameters", async () => {
  const { client } = recordingClient(memberKey);
  await assert.rejects(client.entries(), rejectsWith(403, "forbidden"));
  await assert.rejects(client.entries({ limit: 500 }), rejectsWith(403, "forbidden"));
});

test("a 429 is retried after its Retry-After, and the retry is the same request", async () => {
  await control.addFault({ path: AUDIT_LOG, status: 429, retryAfter: 2 });
  const { client, slept } = recordingClient();
  const page = await client.entries({ action: "entity.created", limit: 3 });
  assert.equal(page.data.length, 3);
  assert.deepEqual(slept, [2]);

  const [limited, retried] = await control.requests(AUDIT_LOG);
  assert.deepEqual([limited?.status, retried?.status], [429, 200]);
  assert.deepEqual(limited?.query, retried?.query);
  assert.equal(limited?.faulted, true);
});

test("a 429 says Retry-After: 1 by default; the client gives up after its retries", async () => {
  await control.addFault({ path: AUDIT_LOG, status: 429, count: 5 });
  const { client, slept } = recordingClient(undefined, { maxRetries: 3 });
  await assert.rejects(client.entries(), rejectsWith(429, "rate_limited"));
  assert.deepEqual(slept, [1, 1, 1]);
  assert.equal((await control.requests(AUDIT_LOG)).length, 4);
});
