// dyad web page: events table and map, event page with highlighted evidence, dyad
// timeline, upcoming plans and an ingest box. No build step, no external requests. Every piece of
// data reaches the DOM as a text node (textContent / createTextNode), never as HTML.
"use strict";

const API = "/api/v1";
const PAGE = 50;
const QUAD = {
  1: "verbal cooperation",
  2: "material cooperation",
  3: "verbal conflict",
  4: "material conflict",
};
const SVG = "http://www.w3.org/2000/svg";
const $ = (selector, root = document) => root.querySelector(selector);

const state = { view: null, lastEventId: null, moves: 0, writable: false };

// -- small helpers -------------------------------------------------------------------

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function clear(node) {
  node.replaceChildren();
  return node;
}

/** Only http(s) links are rendered as links (no javascript: or data: URLs). */
function safeHref(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function setStatus(message, isError = false) {
  const status = $("#status");
  status.textContent = message || "";
  status.classList.toggle("error", Boolean(isError));
}

async function api(path, options = {}) {
  const response = await fetch(API + path, {
    ...options,
    headers: { Accept: "application/json", ...(options.headers || {}) },
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    let message = (body && body.detail) || `${response.status} ${response.statusText}`;
    const retry = response.headers.get("Retry-After");
    if (retry) message += ` (retry in ${retry} s)`;
    throw new Error(message);
  }
  return body;
}

function dateRange(event) {
  if (!event.date) return "date unknown";
  if (event.date_end && event.date_end !== event.date) return `${event.date} – ${event.date_end}`;
  return event.date;
}

function count(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function actorLabel(code, name) {
  if (!code && !name) return "—";
  if (name && code && name !== code) return `${name} (${code})`;
  return code || name;
}

function placeLabel(event) {
  if (!event.location_name) return "—";
  return event.location_country && event.location_country !== event.location_name
    ? `${event.location_name}, ${event.location_country}`
    : event.location_name;
}

// -- routing ---------------------------------------------------------------------------

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = hash.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] || "events", id: parts[1] || null, params: new URLSearchParams(query) };
}

function showView(name) {
  for (const section of document.querySelectorAll("main > section")) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const link of document.querySelectorAll("header nav a[data-view]")) {
    if (link.dataset.view === name || (name === "event" && link.dataset.view === "events")) {
      link.setAttribute("aria-current", "page");
    } else {
      link.removeAttribute("aria-current");
    }
  }
  state.view = name;
}

async function route() {
  const { view, id, params } = parseHash();
  setStatus("");
  try {
    if (view === "event" && id) {
      showView("event");
      await showEvent(id);
    } else if (view === "timeline") {
      showView("timeline");
      await showTimeline(params);
    } else if (view === "upcoming") {
      showView("upcoming");
      await showUpcoming(params);
    } else if (view === "ingest" && state.writable) {
      showView("ingest");
    } else {
      showView("events");
      await showEvents(params);
    }
  } catch (error) {
    clearAnswers();
    setStatus(error.message, true);
  }
}

/** After an error nothing of an earlier answer stays on screen, to be read as this one. */
function clearAnswers() {
  clear($("#events-table tbody"));
  $("#events-count").textContent = "";
  $("#prev").disabled = true;
  $("#next").disabled = true;
  clear($("#map"));
  $("#map-caption").textContent = "";
  $("#event-title").textContent = "";
  clear($("#event-facts"));
  clear($("#mentions"));
  $("#event-timeline-link").hidden = true;
  clear($("#chart"));
  clear($("#chart-axis"));
  $("#chart-caption").textContent = "";
  clear($("#timeline-table tbody"));
  clear($("#upcoming-table tbody"));
  $("#upcoming-note").textContent = "";
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// -- events table ------------------------------------------------------------------------

const FILTERS = [
  "text", "dyad", "actor", "plover", "cameo", "status", "quad_class", "place",
  "date_from", "date_to", "order", "descending",
];

function eventRow(event) {
  const row = el(
    "tr",
    { tabindex: 0, "data-id": event.event_id },
    el("td", { class: "nowrap" }, dateRange(event)),
    el("td", {}, actorLabel(event.source, event.source_name)),
    el("td", {}, actorLabel(event.target, event.target_name)),
    el("td", {}, event.plover, el("br"), el("span", { class: "muted" }, `CAMEO ${event.cameo}`)),
    el("td", {}, el("span", { class: `badge ${event.status}` }, event.status)),
    el("td", {}, placeLabel(event)),
    el("td", { class: "num" }, event.num_mentions),
    el("td", { class: "evidence" }, event.evidence || ""),
  );
  const label = `${dateRange(event)}: ${actorLabel(event.source, event.source_name)} ${event.plover}`
    + ` ${actorLabel(event.target, event.target_name)}, ${event.status}`;
  row.setAttribute("aria-label", label);
  return row;
}

function fillRows(tbody, events) {
  clear(tbody);
  for (const event of events) tbody.append(eventRow(event));
  if (!events.length) {
    tbody.append(el("tr", {}, el("td", { colspan: 8, class: "muted" }, "No events match.")));
  }
}

async function showEvents(params) {
  const form = $("#filters");
  for (const name of FILTERS) {
    const field = form.elements[name];
    if (!field) continue;
    const value = params.get(name);
    field.value = value ?? (field.tagName === "SELECT" ? field.options[0].value : "");
  }
  const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
  const query = new URLSearchParams();
  for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name));
  query.set("limit", PAGE);
  query.set("offset", offset);
  $("#csv-link").setAttribute("href", `${API}/events?${query}&format=csv`);
  const filtersOnly = new URLSearchParams(query);
  for (const name of ["order", "descending", "limit", "offset"]) filtersOnly.delete(name);
  const [page, places, land] = await Promise.all([
    api(`/events?${query}`), api(`/places?${filtersOnly}`), landOutline(),
  ]);
  drawMap(places, land, params);
  const tbody = $("#events-table tbody");
  fillRows(tbody, page.items);
  const last = offset + page.items.length;
  $("#events-count").textContent = page.total
    ? `Events ${offset + 1}–${last} of ${page.total}. Enter opens a row; / searches; Esc goes back.`
    : "No events match these filters.";
  const prev = $("#prev");
  const next = $("#next");
  prev.disabled = offset === 0;
  next.disabled = last >= page.total;
  prev.onclick = () => pageTo(params, Math.max(0, offset - PAGE));
  next.onclick = () => pageTo(params, offset + PAGE);
  if (state.lastEventId) {
    const row = tbody.querySelector(`tr[data-id="${CSS.escape(state.lastEventId)}"]`);
    if (row) row.focus();
    state.lastEventId = null;
  }
}

function pageTo(params, offset) {
  const next = new URLSearchParams(params);
  next.set("offset", offset);
  go(`#/events?${next}`);
}

function submitFilters(event) {
  event.preventDefault();
  const data = new FormData($("#filters"));
  const params = new URLSearchParams();
  for (const [name, value] of data) {
    const text = String(value).trim();
    if (!text) continue;
    if (name === "order" && text === "date") continue;
    if (name === "descending" && text === "true") continue;
    params.set(name, text);
  }
  go(`#/events?${params}`);
}

function openRow(row) {
  if (!row || !row.dataset.id) return;
  state.lastEventId = row.dataset.id;
  go(`#/event/${encodeURIComponent(row.dataset.id)}`);
}

function tableKeys(event) {
  const row = event.target.closest("tr[data-id]");
  if (!row) return;
  if (event.key === "Enter") {
    event.preventDefault();
    openRow(row);
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const sibling = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    if (sibling && sibling.dataset.id) sibling.focus();
  }
}

// -- events map ------------------------------------------------------------------------------

const MAP = { width: 960, north: 84, south: -58 };
MAP.height = Math.round((MAP.width * (MAP.north - MAP.south)) / 360);
let landPromise = null;

/** The Natural Earth land outline the server ships, as SVG path data (fetched once). */
function landOutline() {
  landPromise ??= fetch("/land.json")
    .then((response) => (response.ok ? response.json() : null))
    .then((topology) => (topology ? landPath(topology) : ""))
    .catch(() => "");
  return landPromise;
}

/** Equirectangular projection onto the map's box. */
function project(lon, lat) {
  const y = ((MAP.north - lat) / (MAP.north - MAP.south)) * MAP.height;
  return [((lon + 180) / 360) * MAP.width, y];
}

/** TopoJSON (quantised, delta-encoded arcs) to one SVG path of every land polygon. */
function landPath(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return project(x * sx + tx, y * sy + ty);
    });
  });
  const ring = (indexes) => indexes.flatMap((i, n) => {
    const points = i < 0 ? [...arcs[~i]].reverse() : arcs[i];
    return n ? points.slice(1) : points;
  });
  let d = "";
  for (const geometry of Object.values(topology.objects).flatMap((o) => o.geometries || [o])) {
    const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs || [];
    for (const polygon of polygons) {
      for (const indexes of polygon) {
        let last = null;
        for (const [x, y] of ring(indexes)) {
          // A ring across the date line (Chukotka, Fiji) jumps between the map's edges.
          const jump = last === null || Math.abs(x - last) > MAP.width / 2;
          d += `${jump ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
          last = x;
        }
        d += "Z";
      }
    }
  }
  return d;
}

/** The matching events' places as dots sized by their number of events; a dot filters
 * the events to its place. */
function drawMap(places, land, params) {
  const box = clear($("#map"));
  const map = svg("svg", { viewBox: `0 0 ${MAP.width} ${MAP.height}` });
  map.append(svg("rect", { class: "sea", width: MAP.width, height: MAP.height }));
  map.append(svg("path", { class: "land", d: land }));
  const most = Math.max(1, ...places.items.map((p) => p.events));
  for (const place of [...places.items].reverse()) {
    const [x, y] = project(place.location_lon, place.location_lat);
    const name = place.location_name || place.location_country || "unnamed place";
    const where = place.location_country && place.location_country !== name
      ? `${name}, ${place.location_country}` : name;
    const events = count(place.events, "event");
    const dot = svg("circle", {
      class: "place", cx: x.toFixed(1), cy: y.toFixed(1),
      r: (4 + 10 * Math.sqrt(place.events / most)).toFixed(1),
      tabindex: 0, role: "button", "aria-label": `${where}: ${events}; show only these`,
    });
    dot.append(svg("title", {}, `${where}: ${events}, ${count(place.mentions, "mention")}`));
    const filterTo = () => {
      const next = new URLSearchParams(params);
      next.set("place", name);
      next.delete("offset");
      go(`#/events?${next}`);
    };
    dot.addEventListener("click", filterTo);
    dot.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        filterTo();
      }
    });
    map.append(dot);
  }
  box.append(map);
  $("#map-caption").textContent = `${count(places.located, "event")} at `
    + `${count(places.items.length, "place")}; ${places.unlocated} without a known place.`
    + (places.items.length ? " Select a place to see only its events." : "")
    + " Land: Natural Earth.";
}

// -- event page ----------------------------------------------------------------------------

function fact(dl, term, ...value) {
  dl.append(el("dt", {}, term), el("dd", {}, ...value));
}

async function showEvent(id) {
  const event = await api(`/events/${encodeURIComponent(id)}`);
  const title = $("#event-title");
  title.textContent = `${actorLabel(event.source, event.source_name)} → `
    + `${actorLabel(event.target, event.target_name)}: ${event.plover}`;
  const facts = clear($("#event-facts"));
  fact(facts, "Date", dateRange(event), event.date_precision ? ` (${event.date_precision})` : "");
  fact(facts, "Status", el("span", { class: `badge ${event.status}` }, event.status));
  fact(facts, "Type", `${event.plover}, CAMEO ${event.cameo}`);
  fact(facts, "QuadClass", `${event.quad_class} ${QUAD[event.quad_class] || ""}`);
  fact(facts, "Goldstein", event.goldstein ?? "—");
  fact(facts, "Place", placeLabel(event));
  fact(facts, "Reported", `${count(event.num_mentions, "mention")} in`
    + ` ${count(event.num_articles, "article")} from ${count(event.num_sources, "outlet")},`
    + ` ${event.first_seen || "?"} – ${event.last_seen || "?"}`);
  if (event.status_history.length > 1) {
    fact(facts, "Status history",
      event.status_history.map((s) => `${s.published || "?"}: ${s.status}`).join(" → "));
  }
  fact(facts, "Confidence", event.confidence ?? "—");
  fact(facts, "Event id", el("code", {}, event.event_id));
  const link = $("#event-timeline-link");
  const pair = event.source && event.target ? `${event.source}-${event.target}` : null;
  link.hidden = !pair;
  if (pair) link.setAttribute("href", `#/timeline?${new URLSearchParams({ dyad: pair })}`);
  const list = clear($("#mentions"));
  const articles = new Map();
  for (const mention of event.mentions) {
    const item = el("li", { "data-mention": mention.mention_id });
    list.append(item);
    const href = safeHref(mention.article_url);
    const name = mention.article_title || mention.article_path || mention.article_id;
    item.append(el("p", { class: "mention-meta" },
      href ? el("a", { href, rel: "noopener noreferrer" }, name) : el("strong", {}, name),
      " · ", mention.outlet || "unknown outlet",
      " · published ", mention.published || "?",
      " · ", el("span", { class: `badge ${mention.status}` }, mention.status),
      mention.date_text ? ` · “${mention.date_text}”` : ""));
    if (!articles.has(mention.article_id)) {
      articles.set(mention.article_id, api(`/articles/${encodeURIComponent(mention.article_id)}`));
    }
    let text = null;
    try {
      text = (await articles.get(mention.article_id)).text;
    } catch (error) {
      setStatus(`article ${mention.article_id}: ${error.message}`, true);
    }
    const box = highlighted(text, mention);
    item.append(box);
    const mark = $("mark", box);
    if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - 24);
  }
  title.setAttribute("tabindex", "-1");
  title.focus();
}

/** The article text with the mention's sentence in <mark> and its trigger in <strong>. */
function highlighted(text, mention) {
  const box = el("pre", {
    class: "article-text",
    tabindex: 0,
    "aria-label": "Article text with the evidence sentence highlighted",
  });
  const sentence = mention.sentence || "";
  let start = mention.start_char;
  let end = mention.end_char;
  if (text === null || text.slice(start, end) !== sentence) {
    const found = text === null ? -1 : text.indexOf(sentence);
    if (found < 0) {
      // Offsets and text disagree: show the sentence alone, still marked.
      return append(box, [markSentence(sentence, 0, mention)]);
    }
    start = found;
    end = found + sentence.length;
  }
  return append(box, [text.slice(0, start), markSentence(text.slice(start, end), start, mention),
    text.slice(end)]);
}

function markSentence(sentence, offset, mention) {
  const mark = el("mark", { title: `evidence: trigger “${mention.trigger}”` });
  const trigger = (mention.trigger || "").toLowerCase();
  let from = mention.trigger_start - offset;
  let to = mention.trigger_end - offset;
  const span = sentence.slice(Math.max(0, from), Math.max(0, to)).toLowerCase();
  if (!(from >= 0 && to <= sentence.length && from < to) || (trigger && span !== trigger)) {
    from = sentence.toLowerCase().indexOf(trigger);
    to = from + trigger.length;
  }
  if (from < 0 || !mention.trigger) return append(mark, [sentence]);
  return append(mark, [sentence.slice(0, from), el("strong", {}, sentence.slice(from, to)),
    sentence.slice(to)]);
}

// -- timeline ------------------------------------------------------------------------------

async function showTimeline(params) {
  const form = $("#timeline-form");
  for (const name of ["dyad", "actor", "by"]) {
    form.elements[name].value = params.get(name) || (name === "by" ? "month" : "");
  }
  const query = new URLSearchParams();
  for (const name of ["dyad", "actor", "by"]) if (params.get(name)) query.set(name, params.get(name));
  const timeline = await api(`/timeline?${query}`);
  const who = params.get("dyad") || params.get("actor") || "all actors";
  $("#chart-caption").textContent = `Events per ${timeline.by} for ${who}, stacked by QuadClass.`;
  drawChart($("#chart"), timeline.items, `Events per ${timeline.by} for ${who}`, timeline.by);
  const tbody = clear($("#timeline-table tbody"));
  for (const row of timeline.items) {
    tbody.append(el("tr", {},
      el("td", {}, row.period),
      el("td", {}, `${row.quad_class} ${QUAD[row.quad_class] || ""}`),
      el("td", { class: "num" }, row.events),
      el("td", { class: "num" }, row.mentions ?? ""),
      el("td", { class: "num" }, row.goldstein ?? "")));
  }
  if (!timeline.items.length) {
    tbody.append(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No dated events.")));
  }
}

/** Every period from the first to the last (empty ones too), so gaps show as gaps. */
function allPeriods(present, by) {
  const sorted = [...new Set(present)].sort();
  if (sorted.length < 2) return sorted;
  const out = [];
  const day = new Date(`${sorted[0]}T00:00:00Z`);
  const last = sorted[sorted.length - 1];
  while (out.length < 2000) {
    const period = day.toISOString().slice(0, 10);
    if (period > last) break;
    out.push(period);
    if (by === "day") day.setUTCDate(day.getUTCDate() + 1);
    else if (by === "week") day.setUTCDate(day.getUTCDate() + 7);
    else if (by === "year") day.setUTCFullYear(day.getUTCFullYear() + 1);
    else day.setUTCMonth(day.getUTCMonth() + 1);
  }
  return out.length < 2000 ? out : sorted;
}

/** A stacked bar chart drawn as SVG elements (no library): a fixed y axis beside bars
 * that keep a readable width and scroll sideways over a long range, newest end first. */
function drawChart(container, rows, label, by) {
  const [axisBox, barsBox] = [clear($("#chart-axis")), clear(container)];
  const periods = allPeriods(rows.map((r) => r.period), by);
  const counts = new Map(periods.map((p) => [p, { 1: 0, 2: 0, 3: 0, 4: 0 }]));
  for (const row of rows) {
    const bucket = counts.get(row.period);
    if (bucket && row.quad_class in bucket) bucket[row.quad_class] += row.events;
  }
  const totals = periods.map((p) => Object.values(counts.get(p)).reduce((a, b) => a + b, 0));
  const top = Math.max(1, ...totals);
  const margin = { top: 12, bottom: 40, right: 12 };
  const gap = periods.length > 120 ? 2 : 6;
  const barWidth = Math.max(6, Math.min(48, 900 / Math.max(1, periods.length)));
  const width = margin.right + Math.max(560, gap + periods.length * (barWidth + gap));
  const height = 240;
  const plot = height - margin.top - margin.bottom;
  const y = (value) => margin.top + plot - (value / top) * plot;
  const step = Math.max(1, Math.ceil(top / 5));

  const axis = svg("svg", { width: 40, height, "aria-hidden": "true", class: "axis" });
  const chart = svg("svg", { width, height, role: "img", "aria-label": label });
  chart.append(svg("title", {}, label));
  for (let tick = 0; tick <= top; tick += step) {
    axis.append(svg("text", { x: 34, y: y(tick) + 4, "text-anchor": "end" }, tick));
    chart.append(svg("line", { x1: 0, x2: width - margin.right, y1: y(tick), y2: y(tick),
      class: "grid", "stroke-opacity": tick ? 0.15 : 1 }));
  }
  const labelEvery = Math.ceil(80 / (barWidth + gap));
  periods.forEach((period, i) => {
    const x = gap + i * (barWidth + gap);
    let base = 0;
    for (const q of [1, 2, 3, 4]) {
      const n = counts.get(period)[q];
      if (!n) continue;
      const rect = svg("rect", { x, y: y(base + n), width: barWidth, height: y(base) - y(base + n),
        class: `q${q}` });
      rect.append(svg("title", {}, `${period}: ${n} ${QUAD[q]}`));
      chart.append(rect);
      base += n;
    }
    if (i % labelEvery === 0) {
      const text = by === "year" ? period.slice(0, 4) : by === "month" ? period.slice(0, 7) : period;
      chart.append(svg("text", { x: x + barWidth / 2, y: height - margin.bottom + 16,
        "text-anchor": "middle" }, text));
    }
  });
  if (!periods.length) {
    chart.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" },
      "No dated events"));
  }
  axisBox.append(axis);
  barsBox.append(chart);
  barsBox.scrollLeft = barsBox.scrollWidth;
}

// -- upcoming and ingest ---------------------------------------------------------------------

async function showUpcoming(params) {
  const form = $("#upcoming-form");
  const asked = params.get("today") || "";
  form.elements.today.value = asked;
  const query = new URLSearchParams({ limit: 200 });
  if (asked) query.set("today", asked);
  const page = await api(`/upcoming?${query}`);
  fillRows($("#upcoming-table tbody"), page.items);
  const reference = !page.today ? "no publication date is stored"
    : asked ? page.today
    : `${page.today}, the newest publication date stored (set “As of” for another day)`;
  $("#upcoming-note").textContent = page.items.length
    ? `Plans reported but not (yet) reported as held, soonest first; as of ${reference}.`
    : `No plans are due on or after ${reference}. Set “As of” to an earlier date to see`
      + " plans due before it.";
}

async function submitIngest(event) {
  event.preventDefault();
  const form = $("#ingest-form");
  const data = Object.fromEntries(new FormData(form));
  const token = data.token;
  delete data.token;
  for (const key of Object.keys(data)) if (!String(data[key]).trim()) delete data[key];
  const result = $("#ingest-result");
  result.textContent = "Processing…";
  try {
    const report = await api("/articles", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(data),
    });
    result.textContent = `${report.articles_added} added, ${report.articles_skipped} already`
      + ` stored, ${report.mentions_added} event mentions.`
      + (report.errors.length ? ` Errors: ${report.errors.join("; ")}` : "");
    form.elements.text.value = "";
    loadStats();
  } catch (error) {
    result.textContent = `Not added: ${error.message}`;
  }
}

async function loadStats() {
  try {
    const stats = await api("/stats");
    const span = stats.first_published
      ? `, published ${stats.first_published} – ${stats.last_published}` : "";
    $("#stats").textContent = `${stats.articles} articles · ${stats.events} events${span}`;
  } catch (error) {
    $("#stats").textContent = error.message;
  }
}

// -- keyboard ------------------------------------------------------------------------------------

function isTyping(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function globalKeys(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "/" && !isTyping(event.target)) {
    event.preventDefault();
    if (state.view !== "events") go("#/events");
    $("#search").focus();
  } else if (event.key === "Escape") {
    if (isTyping(event.target)) {
      event.target.blur();
    } else if (state.view === "event") {
      if (state.moves > 0) history.back();
      else go("#/events");
    } else if (state.view !== "events") {
      go("#/events");
    }
  }
}

async function start() {
  $("#filters").addEventListener("submit", submitFilters);
  $("#filters").addEventListener("reset", (event) => {
    event.preventDefault();
    go("#/events");
  });
  $("#timeline-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(event.target)) {
      if (String(value).trim()) params.set(name, String(value).trim());
    }
    go(`#/timeline?${params}`);
  });
  $("#upcoming-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const today = String(new FormData(event.target).get("today") || "").trim();
    go(today ? `#/upcoming?${new URLSearchParams({ today })}` : "#/upcoming");
  });
  $("#ingest-form").addEventListener("submit", submitIngest);
  for (const table of [$("#events-table"), $("#upcoming-table")]) {
    table.addEventListener("keydown", tableKeys);
    table.addEventListener("click", (event) => openRow(event.target.closest("tr[data-id]")));
  }
  document.addEventListener("keydown", globalKeys);
  window.addEventListener("hashchange", () => {
    state.moves += 1;
    route();
  });
  try {
    const info = await api("/info");
    state.writable = info.writable;
    $("#nav-ingest").hidden = !info.writable;
  } catch (error) {
    setStatus(error.message, true);
  }
  loadStats();
  await route();
  document.body.dataset.ready = "true";
}

start();
