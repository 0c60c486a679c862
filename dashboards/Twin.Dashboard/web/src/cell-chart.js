// The cell page's charts (uPlot): c_Li vs time — the estimate with its ±2σ band and c_Li from counting alone —
// with the zones shaded and diffraction patterns marked, V and I vs time, and a, c, d_IL, anisotropic strain vs c_Li
// with the model curve, the live point and each pattern's measured lattice point.
// The cell page (a Blazor component) calls create() with the whole timeline once its circuit runs, then append()
// with what arrived since, one call at a time.

// uPlot (embedded with the dashboard), its script and its style sheet, is loaded by the first chart, not by every page:
// no other page waits for them before its first paint
let loading = null;
function uPlotLoaded() {
  if (typeof uPlot !== "undefined") return Promise.resolve();
  return loading ??= new Promise((resolve, reject) => {
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = "/assets/lib/uPlot.min.css";
    document.head.appendChild(style);
    const script = document.createElement("script");
    script.src = "/assets/lib/uPlot.iife.min.js";
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("uPlot could not be loaded from " + script.src));
    document.head.appendChild(script);
  });
}

/**
 * Draws the charts into the chart boxes under root.
 * @param {HTMLElement} root the element holding #chart-cli and #chart-vi (the lattice charts are found in the document)
 * @param {object} snap { card, points, patterns, model }
 * @returns {{ append: (batch: { points: object[], patterns: object[], reset: boolean }, card: object) => void }}
 */
export async function create(root, snap) {
  await uPlotLoaded();
  let card = snap.card;
  const model = snap.model;

  // timeline columns (uPlot wants seconds on a time axis)
  const t = [], v = [], i = [], cli = [], a = [], c = [], eps = [], hi2 = [], lo2 = [], counted = [];
  // the newest point's time (ms): points arrive in time order; any at or before it are already here
  let lastMs = -Infinity;
  function push(p) {
    if (!(p.t > lastMs)) return;
    lastMs = p.t;
    t.push(p.t / 1000); v.push(p.v); i.push(p.i); cli.push(p.cLi); a.push(p.a); c.push(p.c); eps.push(p.eps);
    const s = p.sigma || 0;
    hi2.push(p.cLi + 2 * s); lo2.push(p.cLi - 2 * s); counted.push(p.counted != null ? p.counted : p.cLi);
  }
  function clear() {
    for (const col of [t, v, i, cli, a, c, eps, hi2, lo2, counted]) col.length = 0;
    lastMs = -Infinity;
  }
  snap.points.forEach(push);
  const patterns = snap.patterns.slice();
  const patternIds = new Set(patterns.map(p => p.id));
  window.twinCell = { lastTimeMs: () => (isFinite(lastMs) ? lastMs : 0), times: () => t.map(x => x * 1000) };

  // the content width of a chart's box (clientWidth includes its padding)
  const width = el => {
    const cs = getComputedStyle(el);
    return Math.max(200, (el.clientWidth || 600) - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight));
  };
  const zoneColours = { deep: "rgba(120,0,40,0.16)", critical: "rgba(220,40,40,0.13)", caution: "rgba(240,160,0,0.13)" };

  function zoneBands(u) {
    const ctx = u.ctx, left = u.bbox.left, w = u.bbox.width;
    const y = val => u.valToPos(val, "y", true);
    const top = u.bbox.top, bottom = u.bbox.top + u.bbox.height;
    const band = (hi, lo, colour) => {
      const y0 = Math.max(top, Math.min(bottom, y(hi))), y1 = Math.max(top, Math.min(bottom, y(lo)));
      if (y1 > y0) { ctx.fillStyle = colour; ctx.fillRect(left, y0, w, y1 - y0); }
    };
    band(card.caution, card.critical, zoneColours.caution);
    band(card.critical, card.deep, zoneColours.critical);
    band(card.deep, -1, zoneColours.deep);
    // critical line
    ctx.strokeStyle = "rgba(200,0,0,0.8)"; ctx.setLineDash([6, 4]); ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(left, y(card.critical)); ctx.lineTo(left + w, y(card.critical)); ctx.stroke(); ctx.setLineDash([]);
  }

  function patternMarks(u) {
    const ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
    ctx.strokeStyle = "rgba(60,60,200,0.55)"; ctx.lineWidth = 1;
    for (const p of patterns) {
      const x = u.valToPos(p.timeMs / 1000, "x", true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
    }
  }

  // time labels at least 110 px apart (the V/I chart is half as wide as the page)
  const timeAxis = () => ({ space: 110 });

  const cliEl = root.querySelector("#chart-cli");
  const cliPlot = new uPlot({
    width: width(cliEl), height: 260,
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [Math.min(0.2, lo), Math.max(1.0, hi)] } },
    series: [{},
      { label: "c_Li + 2σ", stroke: "rgba(31,78,156,0.35)", width: 1, value: (u, x) => x == null ? "—" : x.toFixed(4) },
      { label: "c_Li − 2σ", stroke: "rgba(31,78,156,0.35)", width: 1, value: (u, x) => x == null ? "—" : x.toFixed(4) },
      { label: "counted", stroke: "#7f8c8d", width: 1.2, dash: [5, 4], value: (u, x) => x == null ? "—" : x.toFixed(4) },
      { label: "c_Li", stroke: "#1f4e9c", width: 2, value: (u, x) => x == null ? "—" : x.toFixed(4) }],
    bands: [{ series: [1, 2], fill: "rgba(31,78,156,0.18)" }],
    axes: [timeAxis(), { label: "c_Li" }],
    hooks: { drawClear: [zoneBands], draw: [patternMarks] },
  }, [t, hi2, lo2, counted, cli], cliEl);

  const viEl = root.querySelector("#chart-vi");
  const viPlot = new uPlot({
    width: width(viEl), height: 220,
    scales: { x: { time: true }, V: { auto: true }, A: { auto: true } },
    series: [{}, { label: "V", scale: "V", stroke: "#333", width: 1.5, value: (u, x) => x == null ? "—" : x.toFixed(3) + " V" },
      { label: "I", scale: "A", stroke: "#c0392b", width: 1.2, value: (u, x) => x == null ? "—" : (x * 1e3).toFixed(3) + " mA" }],
    axes: [timeAxis(), { scale: "V", label: "voltage (V)" }, { scale: "A", side: 1, label: "current (A)", grid: { show: false } }],
  }, [t, v, i], viEl);

  // lattice vs c_Li: model curve + live point + each pattern's measured lattice (at the twin's c_Li at mid-exposure),
  // on the model's c_Li grid with those c_Li values inserted
  function latticeData(curve, now, measured) {
    const xs = model.cLi.slice(), ys = curve.slice(), pt = new Array(xs.length).fill(null), ms = new Array(xs.length).fill(null);
    const insert = (x, y, col) => {
      let k = xs.findIndex(v => v >= x);
      if (k < 0) k = xs.length;
      xs.splice(k, 0, x); ys.splice(k, 0, null);
      pt.splice(k, 0, col === pt ? y : null); ms.splice(k, 0, col === ms ? y : null);
    };
    for (const p of patterns) {
      const y = measured ? measured(p) : null;
      if (p.cLiMid != null && y != null) insert(p.cLiMid, y, ms);
    }
    if (card.cLi != null && now != null) insert(card.cLi, now, pt);
    return [xs, ys, pt, ms];
  }
  function latticePlot(id, curve, label, digits, log) {
    const el = document.getElementById(id);
    return new uPlot({
      width: width(el), height: 200,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      legend: { show: true },
      series: [{ label: "c_Li", value: (u, x) => x == null ? "—" : x.toFixed(4) },
        { label: "model", stroke: "#1f4e9c", width: 1.5, spanGaps: true, value: (u, x) => x == null ? "—" : x.toPrecision(digits) },
        { label: "now", stroke: "#d35400", fill: "#d35400", width: 0, points: { show: true, size: 11, fill: "#d35400" }, paths: () => null,
          value: (u, x) => x == null ? "—" : x.toPrecision(digits) },
        { label: "measured", stroke: "#16a085", fill: "#16a085", width: 0, points: { show: true, size: 7, fill: "#16a085" }, paths: () => null,
          value: (u, x) => x == null ? "—" : x.toPrecision(digits) }],
      axes: [{ label: "c_Li" }, { label, size: 70 }],
    }, latticeData(curve, null, null), el);
  }
  const dIl = model.dIl;
  const lat = [
    { plot: latticePlot("chart-a", model.a, "a (Å)", 5), curve: model.a, col: a, m: p => p.measuredA },
    { plot: latticePlot("chart-c", model.c, "c (Å)", 5), curve: model.c, col: c, m: p => p.measuredC },
    { plot: latticePlot("chart-dil", dIl, "d_IL (Å)", 5), curve: dIl, col: c, f: x => x / 3, m: p => (p.measuredC != null ? p.measuredC / 3 : null) },
    { plot: latticePlot("chart-eps", model.eps, "ε_aniso", 3, true), curve: model.eps, col: eps, m: null },
  ];

  let dirty = true;
  function redraw() {
    if (!dirty) return;
    dirty = false;
    cliPlot.setData([t, hi2, lo2, counted, cli]);
    viPlot.setData([t, v, i]);
    for (const l of lat) {
      const last = l.col.length ? l.col[l.col.length - 1] : null;
      l.plot.setData(latticeData(l.curve, last == null ? null : (l.f ? l.f(last) : last), l.m));
    }
  }
  redraw();
  // the columns grow with every append; uPlot redraws from them at most four times a second
  setInterval(redraw, 250);

  /** Adds what arrived since the last call; a reset replaces the timeline (the page fell behind, or the service
   * thinned the timeline: every second point dropped once it is full), so the page holds exactly the points the
   * service keeps and stays bounded. */
  function append(batch, now) {
    if (now) card = now;
    if (batch.reset) clear();
    batch.points.forEach(push);
    batch.patterns.forEach(p => { if (!patternIds.has(p.id)) { patternIds.add(p.id); patterns.push(p); } });
    dirty = true;
  }

  window.addEventListener("resize", () => {
    cliPlot.setSize({ width: width(cliEl), height: 260 });
    viPlot.setSize({ width: width(viEl), height: 220 });
    for (const l of lat) l.plot.setSize({ width: width(l.plot.root.parentElement), height: 200 });
  });
  return { append };
}
