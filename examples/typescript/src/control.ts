/**
 * The mock's control API (`/__mock/`), typed by the types generated from
 * `mockserver/control/openapi.yaml` (`src/generated/control.ts`). Tests use it to put
 * the mock back between tests, move its clock, add events and inject faults. No real
 * implementation of the API has it.
 */

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/control.js";

export type FaultRequest = components["schemas"]["FaultRequest"];
export type ClockChange = components["schemas"]["ClockChange"];
export type RecordedRequest = components["schemas"]["RecordedRequest"];
export type Event = Record<string, unknown>;

/** The header a mock started with a control token expects on every control request. */
export const TOKEN_HEADER = "X-Mock-Control-Token";

export class MockControl {
  private readonly http;

  /** `token` is the mock's `--control-token` (`MOCKSERVER_CONTROL_TOKEN`), when it has one. */
  constructor(baseUrl: string, token?: string) {
    this.http = createClient<paths>({
      baseUrl,
      headers: token === undefined ? {} : { [TOKEN_HEADER]: token },
    });
  }

  /** Back to the seeded world and the starting clock; journal, faults and coverage cleared. */
  async reset(): Promise<void> {
    check("reset", await this.http.POST("/__mock/reset"));
  }

  /** Make the next requests to a path fail (see `POST /__mock/faults`). */
  async addFault(fault: FaultRequest): Promise<void> {
    check("addFault", await this.http.POST("/__mock/faults", { body: fault }));
  }

  /** Change the clock with one of `{freeze}`, `{set}`, `{advance}` (ms) or `{real}`. */
  async setClock(change: ClockChange): Promise<number> {
    return check("setClock", await this.http.POST("/__mock/clock", { body: change })).now;
  }

  /** Append entries to the first project's log; returns them as stored. */
  async addEvents(events: Event[]): Promise<components["schemas"]["Entry"][]> {
    const body = { events: events as components["schemas"]["EventBatch"]["events"] };
    return check("addEvents", await this.http.POST("/__mock/events", { body })).data;
  }

  /** The API requests received since the last reset, oldest first. */
  async requests(path?: string): Promise<RecordedRequest[]> {
    const query = path === undefined ? {} : { path };
    return check("requests", await this.http.GET("/__mock/requests", { params: { query } })).data;
  }
}

function check<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(
      `control API ${what}: ${result.response.status} ${JSON.stringify(result.error)}`,
    );
  }
  return result.data;
}
