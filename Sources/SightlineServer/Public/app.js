"use strict";
// Sightline's search page: sends the description to POST /search, draws the ranked hits with
// their thumbnails (or trajectories drawn from the boxes) and each term's share of the score.

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const TERM_COLOURS = { motion: "#4fb3ff", stop: "#ff8a65", location: "#b39ddb", relation: "#f6c453",
  size: "#80cbc4", colour: "#ef6f9a", type: "#7ee0a1" };
const PAINT = { white: "#f4f4f4", black: "#111", gray: "#808890", silver: "#c9ced6", red: "#d93b3b", blue: "#2f6fe0",
  green: "#2e9d52", yellow: "#f2d03b", orange: "#f08a24", brown: "#7b4a26", gold: "#c9a227", purple: "#8b4fc9", beige: "#e3d3ad" };
const state = { colours: new Set(), types: new Set(), details: new Map(), hits: [], seq: 0 };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function termColour(term) {
  if (TERM_COLOURS[term]) return TERM_COLOURS[term];
  let h = 0;
  for (const ch of term) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 60% 60%)`;
}

// A server beyond loopback asks for its access token (401); it is kept for this tab only.
function withToken(options = {}) {
  const token = sessionStorage.getItem("sightline-token");
  return token ? { ...options, headers: { ...(options.headers || {}), Authorization: `Bearer ${token}` } } : options;
}

async function authorized(path, options) {
  let response = await fetch(path, withToken(options));
  if (response.status === 401) {
    const token = window.prompt("This Sightline server needs its access token:");
    if (token) {
      sessionStorage.setItem("sightline-token", token.trim());
      response = await fetch(path, withToken(options));
    }
  }
  return response;
}

async function api(path, options) {
  const response = await authorized(path, options);
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

// An image URL the page may show: the API path itself, or with a token its bytes as a blob.
async function imageSource(path) {
  if (!sessionStorage.getItem("sightline-token")) return path;
  const response = await fetch(path, withToken());
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

async function loadVocabulary() {
  try {
    const vocab = await api("/vocabulary");
    for (const camera of vocab.cameras) $("camera").append(el("option", { value: camera, text: camera }));
    for (const colour of vocab.colours) $("colours").append(chip(colour, state.colours, PAINT[colour]));
    for (const type of vocab.types) $("types").append(chip(type, state.types));
  } catch (error) {
    setStatus(`Could not load the filters: ${error.message}`, true);
  }
}

function chip(value, set, paint) {
  const button = el("button", { type: "button", class: "chip", "aria-pressed": "false", "data-value": value },
    paint ? el("span", { class: "swatch", style: `background:${paint}` }) : null, value);
  button.addEventListener("click", () => {
    if (set.has(value)) set.delete(value); else set.add(value);
    button.setAttribute("aria-pressed", String(set.has(value)));
    if ($("query").value.trim()) search();
  });
  return button;
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

async function search() {
  const text = $("query").value;
  if (!text.trim()) { setStatus("Type a description first.", true); return; }
  const seq = ++state.seq;
  const results = $("results");
  results.dataset.state = "loading";
  setStatus("Searching…");
  history.replaceState(null, "", `?q=${encodeURIComponent(text)}`);
  const body = { text, top: Number($("top").value) };
  if ($("camera").value) body.cameras = [$("camera").value];
  if (state.colours.size) body.colours = [...state.colours];
  if (state.types.size) body.types = [...state.types];
  try {
    const response = await api("/search", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (seq !== state.seq) return;
    state.hits = response.hits;
    await render(response, seq);
  } catch (error) {
    if (seq !== state.seq) return;
    results.replaceChildren();
    results.dataset.state = "error";
    setStatus(error.message, true);
  }
}

async function render(response, seq) {
  const results = $("results");
  const hits = response.hits;
  const best = Math.max(1e-9, ...hits.flatMap((h) => h.contributions.map((c) => Math.abs(c.value))));
  const cards = hits.map((hit) => card(hit, best));
  results.replaceChildren(...cards.map((c) => c.node));
  if (!hits.length) results.append(el("div", { class: "empty", text: "No track matches these filters." }));
  setStatus(`${hits.length} result${hits.length === 1 ? "" : "s"} in ${response.milliseconds.toFixed(1)} ms`);
  await Promise.all(cards.map((c) => c.fill()));
  if (seq === state.seq) results.dataset.state = "done";
}

function card(hit, best) {
  const visual = el("div", { class: "visual" },
    el("span", { class: "rank", text: `#${hit.rank}` }),
    el("span", { class: "score", text: hit.total.toFixed(3), title: "total score" }));
  const bars = el("div", { class: "bars" });
  for (const c of hit.contributions) {
    if (c.weight === 0) continue;
    const width = Math.max(0, Math.min(100, (c.value / best) * 100));
    const zero = c.value === 0 ? " zero" : "";
    bars.append(
      el("span", { class: "term" + zero, text: c.term, title: c.term }),
      el("div", { class: "track", title: c.reason }, el("div", { class: "fill", style: `width:${width}%;background:${termColour(c.term)}` })),
      el("span", { class: "num" + zero, text: c.value.toFixed(2), title: `${c.weight} × ${c.score.toFixed(3)}` }));
  }
  const node = el("article", { class: "card", "data-track": hit.track, tabindex: "0", title: "Show details" },
    visual,
    el("div", { class: "meta" }, el("span", { class: "id", text: hit.track.slice(0, 13) }), el("span", { class: "camera", text: hit.camera })),
    bars);
  node.addEventListener("click", () => showDetail(hit));
  node.addEventListener("keydown", (e) => { if (e.key === "Enter") showDetail(hit); });
  const fill = async () => {
    try {
      const detail = await trackDetail(hit.track);
      visual.prepend(await picture(detail, "thumbnail"));
    } catch (error) {
      visual.prepend(el("span", { class: "empty", text: "no picture" }));
    }
  };
  return { node, fill };
}

async function trackDetail(id) {
  if (!state.details.has(id)) state.details.set(id, api(`/tracks/${encodeURIComponent(id)}`));
  return state.details.get(id);
}

// The rendered image when the server has frames, else the path drawn from the boxes.
async function picture(detail, which) {
  const url = detail.images[which] && await imageSource(detail.images[which]).catch(() => null);
  if (url) {
    const img = el("img", { alt: `${which} of ${detail.id}`, src: url });
    const loaded = await new Promise((resolve) => { img.onload = () => resolve(true); img.onerror = () => resolve(false); });
    if (loaded) return img;
  }
  return trajectory(detail);
}

// The crop the colour is read from, all but the painted surface greyed; null when it cannot be drawn.
async function colourRegion(detail) {
  const url = await imageSource(detail.images.colourRegion).catch(() => null);
  if (!url) return null;
  const img = el("img", { class: "colour-region", alt: `colour region of ${detail.id}`, src: url });
  const loaded = await new Promise((resolve) => { img.onload = () => resolve(true); img.onerror = () => resolve(false); });
  return loaded ? el("figure", { class: "colour-region" }, img, el("figcaption", { text: "Colour read from the bright pixels" })) : null;
}

function trajectory(detail) {
  const boxes = detail.boxes;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y, w, h] of boxes) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x + w); maxY = Math.max(maxY, y + h); }
  if (!boxes.length) { minX = minY = 0; maxX = 160; maxY = 100; }
  const pad = Math.max(maxX - minX, maxY - minY) * 0.08 + 10;
  minX -= pad; minY -= pad; maxX += pad; maxY += pad;
  let w = maxX - minX, h = maxY - minY;
  if (w / h < 1.6) { const extra = 1.6 * h - w; minX -= extra / 2; w += extra; } else { const extra = w / 1.6 - h; minY -= extra / 2; h += extra; }
  const svg = svgEl("svg", { viewBox: `${minX} ${minY} ${w} ${h}`, preserveAspectRatio: "xMidYMid meet", role: "img",
    "aria-label": `trajectory of ${detail.id}` });
  const grid = svgEl("g", { stroke: "#1d2833", "stroke-width": w / 400 });
  for (let i = 1; i < 8; i++) {
    grid.append(svgEl("line", { x1: minX + (w * i) / 8, y1: minY, x2: minX + (w * i) / 8, y2: minY + h }));
    grid.append(svgEl("line", { x1: minX, y1: minY + (h * i) / 8, x2: minX + w, y2: minY + (h * i) / 8 }));
  }
  svg.append(grid);
  const stroke = w / 140;
  const step = Math.max(1, Math.floor(boxes.length / 6));
  boxes.forEach(([x, y, bw, bh], i) => {
    if (i % step === 0 || i === boxes.length - 1) {
      const t = boxes.length > 1 ? i / (boxes.length - 1) : 1;
      svg.append(svgEl("rect", { x, y, width: bw, height: bh, fill: "none", stroke: `hsl(${200 - 190 * t} 80% 60%)`,
        "stroke-width": stroke / 2, opacity: 0.35 + 0.5 * t, rx: stroke }));
    }
  });
  const points = boxes.map(([x, y, bw, bh]) => [x + bw / 2, y + bh / 2]);
  if (points.length > 1) {
    svg.append(svgEl("polyline", { points: points.map((p) => p.join(",")).join(" "), fill: "none", stroke: "#4fb3ff",
      "stroke-width": stroke, "stroke-linejoin": "round", "stroke-linecap": "round" }));
  }
  if (points.length) {
    const [sx, sy] = points[0], [ex, ey] = points[points.length - 1];
    svg.append(svgEl("circle", { cx: sx, cy: sy, r: stroke * 2.2, fill: "#7ee0a1" }));
    svg.append(svgEl("circle", { cx: ex, cy: ey, r: stroke * 2.2, fill: "#ff8a65" }));
  }
  return svg;
}

async function showDetail(hit) {
  const overlay = $("detail");
  $("detail-title").textContent = hit.track;
  $("detail-visual").replaceChildren(el("p", { class: "status", text: "Loading…" }));
  $("detail-facts").replaceChildren();
  overlay.hidden = false;
  try {
    const d = await trackDetail(hit.track);
    const visuals = [await picture(d, "motionMap")];
    if (d.images.thumbnail) visuals.push(await picture(d, "thumbnail"));
    const region = d.images.colourRegion && await colourRegion(d);
    if (region) visuals.push(region);
    if (visuals[0].tagName.toLowerCase() === "img") visuals.push(trajectory(d));
    $("detail-visual").replaceChildren(...visuals);
    const t = d.trajectory;
    const facts = el("dl", {},
      el("dt", { text: "Camera" }), el("dd", { text: d.camera }),
      el("dt", { text: "Frames" }), el("dd", { text: `${d.frameCount} (${d.firstFrame}–${d.lastFrame})` }),
      el("dt", { text: "Path" }), el("dd", {}, el("span", { class: "tag", text: t.turn }), t.stops ? el("span", { class: "tag", text: "stops" }) : null),
      el("dt", { text: "Heading change" }), el("dd", { text: `${Math.round(t.headingChange) || 0}°` }),
      el("dt", { text: "Longest stop" }), el("dd", { text: `${t.longestStillFrames} frames` }),
      el("dt", { text: "Mean speed" }), el("dd", { text: `${t.meanSpeed.toFixed(3)} box heights / frame` }),
      el("dt", { text: "Score" }), el("dd", { text: `${hit.total.toFixed(3)} (rank ${hit.rank})` }));
    const byImpact = hit.contributions.map((c, i) => [c, i]).sort((a, b) => b[0].value - a[0].value || a[1] - b[1]).map((p) => p[0]);
    const reasons = el("ul", { class: "reasons" }, ...byImpact.map((c) =>
      el("li", {}, el("strong", { text: `${c.term} ${c.value.toFixed(2)}` }), ` — ${c.reason}`)));
    const parts = [facts, el("h3", { text: "Why it ranks here" }), reasons];
    if (d.descriptions.length) parts.push(el("h3", { text: "Descriptions" }), el("ul", {}, ...d.descriptions.map((s) => el("li", { text: s }))));
    if (d.otherViews.length) parts.push(el("h3", { text: "Other views" }), el("ul", {}, ...d.otherViews.map((s) => el("li", { text: s }))));
    $("detail-facts").replaceChildren(...parts);
  } catch (error) {
    $("detail-visual").replaceChildren(el("p", { class: "status error", text: error.message }));
  }
}

function closeDetail() { $("detail").hidden = true; }

$("search").addEventListener("submit", (e) => { e.preventDefault(); search(); });
$("query").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); search(); }
});
$("query").addEventListener("input", () => {
  const q = $("query");
  q.style.height = "auto";
  q.style.height = `${Math.min(160, q.scrollHeight + 2)}px`;
});
$("top").addEventListener("change", () => { if ($("query").value.trim()) search(); });
$("camera").addEventListener("change", () => { if ($("query").value.trim()) search(); });
$("detail-close").addEventListener("click", closeDetail);
$("detail").addEventListener("click", (e) => { if (e.target === $("detail")) closeDetail(); });
document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(); });
loadVocabulary().then(() => {
  const q = new URLSearchParams(location.search).get("q");
  if (q) { $("query").value = q; search(); }
});
