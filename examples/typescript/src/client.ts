/**
 * A small client of the Audit Log & Project API, typed by the types generated from
 * `openapi.yaml` (`src/generated/api.ts`): the kind of code an SDK author tests
 * against the mock.
 *
 * - `AuditLogClient` sends authenticated requests and retries a 429 or a 503 after
 *   the `Retry-After` they carry (a short backoff when they carry none).
 * - `Poller` returns each new audit-log entry once, oldest first, using `since`.
 * - `entriesAfter` reads a window of the log: every entry strictly after an instant.
 *
 * Waiting is injected (`sleep`), so that tests neither wait nor depend on the wall clock.
 */

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

export type Entry = components["schemas"]["AuditLogEntry"];
export type Page = components["schemas"]["AuditLogPage"];
export type Project = components["schemas"]["Project"];
export type Filters = NonNullable<paths["/api/v1/audit-log"]["get"]["parameters"]["query"]>;

/** The largest `limit` the API takes: a page never holds more entries. */
export const MAX_PAGE = 200;

/** Statuses that say "try again later"; the others are answers. */
const RETRIED_STATUSES = new Set([429, 503]);

/** An error answer of the API: its status, `error.code` and `error.message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = "ApiError";
  }
}

export interface ClientOptions {
  /** How many times a 429 or a 503 is retried before it is thrown. */
  maxRetries?: number;
  /** Waits that many seconds; tests pass one that records instead of waiting. */
  sleep?: (seconds: number) => Promise<void>;
}

export class AuditLogClient {
  private readonly http;

  constructor(baseUrl: string, apiKey: string, options: ClientOptions = {}) {
    const sleep = options.sleep ?? ((seconds) => new Promise((r) => setTimeout(r, seconds * 1000)));
    this.http = createClient<paths>({
      baseUrl,
      headers: { Authorization: `Bearer ${apiKey}` },
      fetch: retrying(options.maxRetries ?? 3, sleep),
    });
  }

  /** One page of the audit log, newest first: `{data, total, hasMore}`. */
  async entries(filters: Filters = {}): Promise<Page> {
    const { data, error, response } = await this.http.GET("/api/v1/audit-log", {
      params: { query: filters },
    });
    if (data === undefined) throw apiError(response, error);
    return data;
  }

  /** The current project and its (cached) counts. */
  async project(): Promise<Project> {
    const { data, error, response } = await this.http.GET("/api/v1/project");
    if (data === undefined) throw apiError(response, error);
    return data.data;
  }
}

/** Every entry strictly after `since`, newest first, and how many the API cannot return. */
export interface Window {
  entries: Entry[];
  /**
   * Entries of the window beyond the newest `MAX_PAGE`: the API has no cursor and no
   * upper bound, so only the newest page of any filter is reachable. Raise `since`
   * (read a narrower window) or poll more often when this is not zero.
   */
  unreachable: number;
}

/** The entries strictly after `since` (Unix ms), with the other filters given. */
export async function entriesAfter(
  client: AuditLogClient,
  since: number,
  filters: Omit<Filters, "since" | "limit"> = {},
): Promise<Window> {
  const page = await client.entries({ ...filters, since, limit: MAX_PAGE });
  return { entries: page.data, unreachable: page.total - page.data.length };
}

/**
 * Each new entry of the audit log once, oldest first.
 *
 * `since` is strict (entries *after* it), and several entries may share a
 * millisecond: asking from the newest timestamp seen would miss those recorded in that
 * millisecond after the previous poll. So the poller asks from one millisecond earlier
 * and skips, by id, the entries of that millisecond it already returned.
 */
export class Poller {
  private newest: number | undefined;
  private seenAtNewest = new Set<string>();
  /** Entries a poll could not return: more arrived than one page holds. */
  missed = 0;

  constructor(
    private readonly client: AuditLogClient,
    since?: number,
  ) {
    this.newest = since;
  }

  async poll(pageSize: number = MAX_PAGE): Promise<Entry[]> {
    const since = this.newest === undefined ? undefined : Math.max(this.newest - 1, 0);
    const page = await this.client.entries({ since, limit: pageSize });
    const fresh = [...page.data].reverse().filter((e) => !this.seenAtNewest.has(e.id));
    if (since !== undefined) {
      // `total` also counts the entries of the newest millisecond already seen.
      const seenAgain = page.data.length - fresh.length;
      this.missed += page.total - page.data.length - (this.seenAtNewest.size - seenAgain);
    }
    const last = fresh.at(-1);
    if (last !== undefined) {
      if (last.timestamp !== this.newest) {
        this.newest = last.timestamp;
        this.seenAtNewest = new Set();
      }
      for (const e of fresh) if (e.timestamp === last.timestamp) this.seenAtNewest.add(e.id);
    }
    return fresh;
  }
}

/** A `fetch` that retries 429 and 503 after their `Retry-After`, at most `maxRetries` times. */
function retrying(
  maxRetries: number,
  sleep: (seconds: number) => Promise<void>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(request.clone());
      if (!RETRIED_STATUSES.has(response.status) || attempt >= maxRetries) return response;
      await response.body?.cancel();
      await sleep(retryAfterSeconds(response.headers.get("Retry-After")) ?? 0.5 * 2 ** attempt);
    }
  };
}

/** `Retry-After` in seconds: a number of seconds or an HTTP date; null when absent or bad. */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

function apiError(response: Response, body: unknown): ApiError {
  const envelope = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof envelope?.code === "string" ? envelope.code : "unknown";
  const message = typeof envelope?.message === "string" ? envelope.message : response.statusText;
  return new ApiError(response.status, code, message);
}
