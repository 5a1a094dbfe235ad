// The mock's dashboard: everything it shows comes from the control API under /__mock/.
// Every value a client sent is put in the page with textContent, never as markup.
"use strict";

const API = "/__mock/";
const MAX_ENTRIES = 10000; // the journal's own capacity
const ROW_HEIGHT = 24; // px, as --row in dashboard.css
const OVERSCAN = 10; // rows drawn beyond the visible ones, for smooth scrolling
const REFRESH_MS = 1000; // coverage and faults follow the journal at most this often

// A control token, when the server has one, may be given in the address: /__mock/#token=...
const token = new URLSearchParams(location.hash.slice(1)).get("token");

const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function say(message) {
  $("message").textContent = message;
}

async function call(method, path, body) {
  const headers = {};
  if (token) headers["X-Mock-Control-Token"] = token;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const answer = await fetch(API + path, init);
  const shown = answer.status === 204 ? null : await answer.json();
  if (!answer.ok) {
    const error = shown && shown.error ? `${shown.error.code}: ${shown.error.message}` : answer.status;
    throw new Error(`${method} ${API}${path}: ${error}`);
  }
  return shown;
}

// Runs an action of a button, showing its failure instead of throwing it away.
function act(action) {
  return async (event) => {
    if (event) event.preventDefault();
    try {
      say("");
      await action();
    } catch (error) {
      say(String(error.message || error));
    }
  };
}

// ---- The journal: every request as the stream sends it, drawn a screenful at a time.

const journal = {
  entries: [], // oldest first, as the journal keeps them
  shown: [], // the entries that pass the filters, oldest first
  pathFilter: "",
  statusFilter: "",
  selected: null, // the entry whose details are shown
  drawScheduled: false,
};

function statusClass(entry) {
  if (entry.status === null) return "dropped";
  return "s" + String(entry.status)[0];
}

function passes(entry) {
  if (journal.pathFilter && !entry.path.includes(journal.pathFilter)) return false;
  const wanted = journal.statusFilter;
  if (!wanted) return true;
  if (wanted === "dropped") return entry.status === null;
  return entry.status !== null && String(entry.status)[0] === wanted;
}

function queryText(query) {
  const parts = [];
  for (const [name, values] of Object.entries(query)) {
    for (const value of values) parts.push(`${name}=${value}`);
  }
  return parts.length ? "?" + parts.join("&") : "";
}

function keyText(headers) {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "authorization") return value.replace(/^Bearer /i, "");
  }
  return "";
}

function faultText(entry) {
  // The kind of the injected fault (`status`, `delay`, `truncated`, ...), or nothing.
  return entry.fault || "";
}

function timeText(ms) {
  return new Date(ms).toISOString().slice(11, 23);
}

function rowFor(entry, position) {
  const row = element("div", undefined, entry === journal.selected ? "row selected" : "row");
  row.id = `row-${position}`;
  row.dataset.position = String(position);
  row.setAttribute("role", "option");
  row.setAttribute("aria-selected", String(entry === journal.selected));
  const cells = [
    [timeText(entry.time)],
    [entry.method],
    [entry.path],
    [queryText(entry.query)],
    [entry.status === null ? "drop" : String(entry.status), statusClass(entry)],
    [entry.durationMs === null ? "" : entry.durationMs.toFixed(1)],
    [keyText(entry.headers)],
    [faultText(entry), "fault"],
  ];
  for (const [text, className] of cells) {
    const cell = element("span", text, className);
    cell.title = text;
    row.append(cell);
  }
  return row;
}

function scheduleDraw() {
  if (journal.drawScheduled) return;
  journal.drawScheduled = true;
  requestAnimationFrame(draw);
}

// Draws only the rows in view (newest first): 10,000 entries cost as much as forty.
function draw() {
  journal.drawScheduled = false;
  const rows = $("rows");
  const total = journal.shown.length;
  $("spacer").style.height = `${total * ROW_HEIGHT}px`;
  const first = Math.max(0, Math.floor(rows.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((rows.scrollTop + rows.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  const fragment = document.createDocumentFragment();
  for (let index = first; index < last; index++) {
    const row = rowFor(journal.shown[total - 1 - index], index);
    row.style.top = `${index * ROW_HEIGHT}px`;
    fragment.append(row);
  }
  rows.replaceChildren($("spacer"), fragment);
  const chosen = selectedPosition();
  if (chosen >= first && chosen < last) rows.setAttribute("aria-activedescendant", `row-${chosen}`);
  else rows.removeAttribute("aria-activedescendant");
  const count = journal.entries.length;
  const all = `${count.toLocaleString("en")} ${count === 1 ? "request" : "requests"}`;
  $("count").textContent = total === count ? all : `${total.toLocaleString("en")} of ${all} shown`;
}

// Where the chosen entry is in the list as drawn (newest first), or -1.
function selectedPosition() {
  if (journal.selected === null) return -1;
  const index = journal.shown.lastIndexOf(journal.selected);
  return index < 0 ? -1 : journal.shown.length - 1 - index;
}

function choose(position) {
  const total = journal.shown.length;
  if (!total) return;
  position = Math.max(0, Math.min(total - 1, position));
  journal.selected = journal.shown[total - 1 - position];
  const rows = $("rows");
  const top = position * ROW_HEIGHT;
  if (top < rows.scrollTop) rows.scrollTop = top;
  else if (top + ROW_HEIGHT > rows.scrollTop + rows.clientHeight) rows.scrollTop = top + ROW_HEIGHT - rows.clientHeight;
  showDetail(journal.selected);
  scheduleDraw();
}

function showDetail(entry) {
  const facts = [
    ["request", `${entry.method} ${entry.path}${queryText(entry.query)}`],
    ["status", entry.status === null ? "dropped" : String(entry.status)],
    ["duration", entry.durationMs === null ? "" : `${entry.durationMs} ms`],
    ["mock time", new Date(entry.time).toISOString()],
    ["fault", faultText(entry) || "none"],
  ];
  for (const [name, value] of Object.entries(entry.headers)) facts.push([name, value]);
  const list = $("detail");
  list.replaceChildren();
  for (const [name, value] of facts) list.append(element("dt", name), element("dd", value));
  $("detail-empty").hidden = true;
}

const KEY_STEPS = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };

function onRowsKey(event) {
  const current = selectedPosition();
  if (event.key in KEY_STEPS) choose((current < 0 ? -1 : current) + KEY_STEPS[event.key]);
  else if (event.key === "Home") choose(0);
  else if (event.key === "End") choose(journal.shown.length - 1);
  else return;
  event.preventDefault();
}

function onRowsClick(event) {
  const row = event.target.closest(".row");
  if (row) choose(Number(row.dataset.position));
}

function applyFilters() {
  journal.pathFilter = $("filter-path").value;
  journal.statusFilter = $("filter-status").value;
  journal.shown = journal.entries.filter(passes);
  scheduleDraw();
}

function received(entry) {
  journal.entries.push(entry);
  if (passes(entry)) journal.shown.push(entry);
  if (journal.entries.length > MAX_ENTRIES) {
    const dropped = journal.entries.shift();
    if (journal.shown[0] === dropped) journal.shown.shift();
  }
  scheduleDraw();
  scheduleRefresh();
}

function cleared() {
  journal.entries = [];
  journal.shown = [];
  journal.selected = null;
  $("detail").replaceChildren();
  $("detail-empty").hidden = false;
  scheduleDraw();
  scheduleRefresh();
}

// The stream is read with fetch rather than EventSource, which cannot send the token.
async function follow() {
  const headers = token ? { "X-Mock-Control-Token": token } : {};
  for (;;) {
    try {
      const answer = await fetch(API + "requests/stream", { headers });
      if (!answer.ok) throw new Error(`the stream answered ${answer.status}`);
      setConnection(true);
      const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (error) {
      say(String(error.message || error));
    }
    setConnection(false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function dispatch(block) {
  let event = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (event === "clear") cleared();
  else if (event === "request") received(JSON.parse(data));
}

function setConnection(live) {
  const shown = $("connection");
  shown.textContent = live ? "live" : "reconnecting…";
  shown.classList.toggle("live", live);
}

// ---- The clock, the faults, the keys and the coverage, each read from its endpoint.

const clock = { now: 0, frozen: true, readAt: 0 };

function showClock(state) {
  Object.assign(clock, state, { readAt: Date.now() });
  tickClock();
}

function tickClock() {
  const now = clock.frozen ? clock.now : clock.now + (Date.now() - clock.readAt);
  $("clock-now").textContent = new Date(now).toISOString();
  $("clock-state").textContent = clock.frozen ? "frozen" : "running";
}

function showFaults(faults) {
  const list = $("faults");
  list.replaceChildren();
  if (!faults.length) list.append(element("li", "No fault is active.", "never"));
  for (const fault of faults) {
    const parts = Object.entries(fault).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
    list.append(element("li", parts.join(" ")));
  }
}

function showKeys(keys) {
  const body = $("keys");
  body.replaceChildren();
  for (const key of keys) {
    const row = element("tr");
    row.append(element("td", key.slug), element("td", key.role), element("td", key.key));
    body.append(row);
  }
}

function seenText(seen) {
  const counted = Object.entries(seen.seen).map(([value, count]) => `${value} ×${count}`);
  return counted.join(", ") || "–";
}

function showCoverage(report) {
  const shown = [];
  for (const operation of report.operations) {
    const block = element("div", undefined, "coverage-operation");
    block.append(element("h3", `${operation.method} ${operation.path} · ${operation.requests} requests`));
    const facts = element("table", undefined, "small");
    for (const [label, seen] of [
      ["status codes", operation.statusCodes],
      ["parameters", operation.parameters],
      ["combinations", operation.combinations],
    ]) {
      if (!Object.keys(seen.seen).length && !seen.never.length) continue;
      const row = element("tr");
      const never = seen.never.length ? ` · never: ${seen.never.join(", ")}` : "";
      row.append(element("th", label), element("td", seenText(seen) + never));
      facts.append(row);
    }
    block.append(facts);
    shown.push(block);
  }
  const errors = report.errorCodes;
  const never = errors.never.length ? ` · never: ${errors.never.join(", ")}` : "";
  shown.push(element("p", `error codes: ${seenText(errors)}${never}`));
  shown.push(element("p", `requests that matched no operation: ${report.otherRequests}`));
  $("coverage").replaceChildren(...shown);
}

async function refreshClock() {
  showClock(await call("GET", "clock"));
}

async function refresh() {
  const [faults, coverage] = await Promise.all([call("GET", "faults"), call("GET", "coverage")]);
  showFaults(faults.data);
  showCoverage(coverage);
}

let refreshTimer = null;
function scheduleRefresh() {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    act(refresh)();
  }, REFRESH_MS);
}

async function setClock(change) {
  showClock(await call("POST", "clock", change));
}

async function addFault() {
  const answer = $("fault-status").value;
  const fault = { path: $("fault-path").value, method: $("fault-method").value };
  fault.count = Number($("fault-count").value);
  const delay = Number($("fault-delay").value);
  if (delay) fault.delayMs = delay;
  if (answer === "drop") fault.drop = true;
  else if (answer) fault.status = Number(answer);
  await call("POST", "faults", fault);
  await refresh();
}

async function resetMock() {
  await call("POST", "reset");
  await Promise.all([refresh(), refreshClock(), call("GET", "keys").then((keys) => showKeys(keys.data))]);
}

function start() {
  $("rows").addEventListener("scroll", scheduleDraw, { passive: true });
  $("rows").addEventListener("keydown", onRowsKey);
  $("rows").addEventListener("click", onRowsClick);
  window.addEventListener("resize", scheduleDraw);
  $("filter-path").addEventListener("input", applyFilters);
  $("filter-status").addEventListener("change", applyFilters);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  $("clear-requests").addEventListener("click", act(() => call("DELETE", "requests")));
  $("clock-freeze").addEventListener("click", act(() => setClock({ freeze: true })));
  $("clock-real").addEventListener("click", act(() => setClock({ real: true })));
  $("clock-advance").addEventListener(
    "submit",
    act(() => setClock({ advance: Math.round(Number($("advance-seconds").value) * 1000) })),
  );
  $("fault-form").addEventListener("submit", act(addFault));
  $("clear-faults").addEventListener("click", act(async () => { await call("DELETE", "faults"); await refresh(); }));
  $("reset").addEventListener("click", act(resetMock));
  setInterval(tickClock, 250);
  setInterval(act(refreshClock), 5000);
  act(async () => {
    await Promise.all([refresh(), refreshClock(), call("GET", "keys").then((keys) => showKeys(keys.data))]);
  })();
  follow();
}

start();
