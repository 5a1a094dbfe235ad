/**
 * What the suite needs of the running mock, read from the environment once:
 * `MOCK_URL`, `ADMIN_KEY` and `MEMBER_KEY` (a member of the admin's project), and
 * `MOCKSERVER_CONTROL_TOKEN` when the mock has one. A missing variable stops the
 * suite before any test runs: a test must never pass against nothing.
 */

import { AuditLogClient, type ClientOptions } from "../src/client.js";
import { MockControl } from "../src/control.js";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: run the suite through run-tests.sh URL ADMIN_KEY MEMBER_KEY`);
  }
  return value;
}

export const mockUrl = required("MOCK_URL");
export const adminKey = required("ADMIN_KEY");
export const memberKey = required("MEMBER_KEY");
export const control = new MockControl(mockUrl, process.env.MOCKSERVER_CONTROL_TOKEN || undefined);

/** A client with the admin key that records the waits it would make instead of waiting. */
export function recordingClient(
  key: string = adminKey,
  options: ClientOptions = {},
): { client: AuditLogClient; slept: number[] } {
  const slept: number[] = [];
  const sleep = async (seconds: number): Promise<void> => {
    slept.push(seconds);
  };
  return { client: new AuditLogClient(mockUrl, key, { sleep, ...options }), slept };
}
