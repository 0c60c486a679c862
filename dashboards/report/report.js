/*
 * Offline replay report: draws the four charts of report.html with the inlined uPlot.
 * Input: the JSON block <script type="application/json" id="data"> written by ReportHtmlWriter:
 *   { title, material,
 *     limits: { critical, caution, deep },
 *     points: { t: [s], v: [V], i: [A], cli: [], cli_sigma: [], cli_counted: [], a: [Å], c: [Å], dil: [Å] },   (time order;
 *               cli_sigma and cli_counted may be missing or null)
 *     zones:  { start: [s], end: [s], zone: ["safe" | "caution" | "critical" | "deep"] },
 *     curves: { cli: [] ascending, a: [Å], c: [Å], dil: [Å] } }
 * When every chart has drawn once, <body> gets data-ready="1" and data-points="<number of points>".
 */
(() => {
  "use strict";

  const D = JSON.parse(document.getElementById("data").textContent);
  const L = D.limits;
  const Z = D.zones;
  const C = D.curves;
  const pxr = () => uPlot.pxRatio || window.devicePixelRatio || 1;

  const css = getComputedStyle(document.documentElement);
  const cssVar = (name, fallback) => (css.getPropertyValue(name) || "").trim() || fallback;
  const ZONE_FILL = {
    safe: cssVar("--zone-safe", "rgba(46,157,87,0.16)"),
    caution: cssVar("--zone-caution", "rgba(240,162,2,0.26)"),
    critical: cssVar("--zone-critical", "rgba(214,40,40,0.22)"),
    deep: cssVar("--zone-deep", "rgba(122,0,16,0.38)"),
  };
  const ZONE_DOT = { safe: "#2e9d57", caution: "#d08700", critical: "#d62828", deep: "#6b0012" };
  const ZONES = ["safe", "caution", "critical", "deep"];
  const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

  // ---- data, in time order (uPlot needs ascending x) -------------------------------------------
  const n = D.points.t.length;
  let order = null;
  for (let i = 1; i < n; i++) {
    if (!(D.points.t[i] >= D.points.t[i - 1])) {
      order = Array.from({ length: n }, (_, k) => k).sort((p, q) => (D.points.t[p] ?? 0) - (D.points.t[q] ?? 0));
      break;
    }
  }
  const col = (name) => {
    const src = D.points[name] ?? D.points.t.map(() => null);
    return order ? order.map((k) => src[k]) : src;
  };
  const P = { t: col("t"), v: col("v"), i: col("i"), cli: col("cli"), a: col("a"), c: col("c"), dil: col("dil") };
  const sig = col("cli_sigma");
  // The c_Li band estimate ± 2σ and counted c_Li (null where not known: uPlot leaves a gap).
  P.cliHi2 = P.cli.map((x, k) => (x == null || sig[k] == null ? null : x + 2 * sig[k]));
  P.cliLo2 = P.cli.map((x, k) => (x == null || sig[k] == null ? null : x - 2 * sig[k]));
  P.counted = col("cli_counted");
  const hours = P.t.map((s) => (s == null ? null : s / 3600));

  // Zone of every point: from the zone spans (two-pointer walk, both in time order), else from the limits.
  const zoneOfCLi = (x) => (x == null ? null : x < L.deep ? "deep" : x < L.critical ? "critical" : x < L.caution ? "caution" : "safe");
  const pointZone = new Array(n);
  {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const t = P.t[i];
      while (k < Z.start.length && Z.end[k] < t) k++;
      pointZone[i] = k < Z.start.length && Z.start[k] <= t && t <= Z.end[k] ? Z.zone[k] : zoneOfCLi(P.cli[i]);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------
  const fmt = (digits, unit) => (u, v) => (v == null || !isFinite(v) ? "–" : v.toFixed(digits) + (unit ? " " + unit : ""));

  function extent(...arrays) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const arr of arrays) {
      for (const v of arr) {
        if (v != null && isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    return lo <= hi ? [lo, hi] : null;
  }

  function padded(ext, frac, fallback) {
    if (!ext) return fallback;
    const span = ext[1] - ext[0] || Math.abs(ext[0]) * 0.01 || 1;
    return [ext[0] - span * frac, ext[1] + span * frac];
  }

  // Axis width that fits the longest tick label (uPlot calls this until the size converges).
  function axisSize(u, values, axisIdx, cycleNum) {
    const axis = u.axes[axisIdx];
    if (cycleNum > 1) return axis._size;
    let size = axis.ticks.size + axis.gap;
    const longest = (values || []).reduce((acc, v) => (v.length > acc.length ? v : acc), "");
    if (longest !== "") {
      u.ctx.font = axis.font[0];
      size += u.ctx.measureText(longest).width / pxr();
    }
    return Math.ceil(size) + 4;
  }

  const axis = (extra) => Object.assign({ size: axisSize, stroke: "#3b4350", grid: { stroke: "rgba(0,0,0,0.08)", width: 1 }, ticks: { stroke: "rgba(0,0,0,0.22)", width: 1 } }, extra);

  function withClip(u, fn) {
    const { left, top, width, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    fn(ctx, left, top, width, height);
    ctx.restore();
  }

  function label(ctx, text, x, y, color, align) {
    const r = pxr();
    ctx.font = `600 ${11 * r}px ${FONT}`;
    const w = ctx.measureText(text).width;
    const pad = 3 * r;
    const x0 = align === "right" ? x - w - pad * 2 : align === "center" ? x - w / 2 - pad : x;
    ctx.fillStyle = "rgba(255,255,255,0.85)";
    ctx.fillRect(x0, y - 13 * r, w + pad * 2, 15 * r);
    ctx.fillStyle = color;
    ctx.textAlign = "left";
    ctx.textBaseline = "alphabetic";
    ctx.fillText(text, x0 + pad, y - 2 * r);
  }

  // A limit line: horizontal on scale `scaleKey` (label at the "start" or "end" of the line, just above it) or
  // vertical on the x scale (label "above" the plot area, in the chart's top padding, clear of the curves).
  function limitLine(u, value, scaleKey, vertical, style, place) {
    if (value == null || !isFinite(value)) return;
    const r = pxr();
    const p = u.valToPos(value, scaleKey, true);
    if (!isFinite(p)) return;
    const { left, top, width, height } = u.bbox;
    const color = style.textColor || style.color;
    withClip(u, (ctx) => {
      ctx.strokeStyle = style.color;
      ctx.lineWidth = style.width * r;
      ctx.setLineDash(style.dash.map((d) => d * r));
      ctx.beginPath();
      if (vertical) {
        ctx.moveTo(p, top);
        ctx.lineTo(p, top + height);
      } else {
        ctx.moveTo(left, p);
        ctx.lineTo(left + width, p);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (!vertical && place === "start") label(ctx, style.text, left + 6 * r, p - 3 * r, color, "left");
      else if (!vertical) label(ctx, style.text, left + width - 6 * r, p - 3 * r, color, "right");
    });
    if (vertical && p >= left && p <= left + width) label(u.ctx, style.text, p, top - 4 * r, color, "center");
  }

  const fmtLimit = (v) => (v == null ? "" : (+v).toFixed(2));
  const LIMIT_STYLES = {
    critical: { color: "#c1121f", width: 1.6, dash: [7, 4], text: "critical " + fmtLimit(L.critical) },
    caution: { color: "rgba(176,112,0,0.75)", width: 1, dash: [3, 4], text: "caution " + fmtLimit(L.caution), textColor: "#8a5a00" },
    deep: { color: "rgba(107,0,18,0.6)", width: 1, dash: [3, 4], text: "deep " + fmtLimit(L.deep), textColor: "#6b0012" },
  };

  // Limits on the c_Li-vs-time chart: light caution and deep lines (labels at the left), the critical line on top
  // (label at the right).
  function drawLimits(u) {
    limitLine(u, L.caution, "y", false, LIMIT_STYLES.caution, "start");
    limitLine(u, L.deep, "y", false, LIMIT_STYLES.deep, "start");
    limitLine(u, L.critical, "y", false, LIMIT_STYLES.critical, "end");
  }

  // Background bands of the zone spans (c_Li-vs-time chart), drawn before grid and series.
  function shadeZones(u) {
    const xmin = u.scales.x.min;
    const xmax = u.scales.x.max;
    if (xmin == null || xmax == null) return;
    withClip(u, (ctx, left, top, width, height) => {
      for (let k = 0; k < Z.start.length; k++) {
        const s = Z.start[k] / 3600;
        const e = Z.end[k] / 3600;
        if (e < xmin || s > xmax) continue;
        const fill = ZONE_FILL[Z.zone[k]];
        if (!fill) continue;
        const x0 = Math.round(u.valToPos(s, "x", true));
        const x1 = Math.round(u.valToPos(e, "x", true));
        ctx.fillStyle = fill;
        ctx.fillRect(Math.min(x0, x1), top, Math.max(Math.abs(x1 - x0), 1), height);
      }
    });
  }

  // The cell's path on a model-curve chart: thin line in time order, dots coloured by zone. Drawn from the
  // drawAxes hook, i.e. after the grid and before the series, so the model curve stays visible on top of it.
  function drawPath(u, ys, yScale) {
    const r = pxr();
    withClip(u, (ctx) => {
      ctx.strokeStyle = "rgba(45,52,64,0.35)";
      ctx.lineWidth = 1 * r;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < n; i++) {
        const xv = P.cli[i];
        const yv = ys[i];
        if (xv == null || yv == null) {
          pen = false;
          continue;
        }
        const x = u.valToPos(xv, "x", true);
        const y = u.valToPos(yv, yScale, true);
        if (pen) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        pen = true;
      }
      ctx.stroke();

      const rad = 2.8 * r;
      const paths = {};
      for (const z of ZONES) paths[z] = new Path2D();
      for (let i = 0; i < n; i++) {
        const xv = P.cli[i];
        const yv = ys[i];
        if (xv == null || yv == null) continue;
        const x = u.valToPos(xv, "x", true);
        const y = u.valToPos(yv, yScale, true);
        const p = paths[pointZone[i]] || paths.safe;
        p.moveTo(x + rad, y);
        p.arc(x, y, rad, 0, 2 * Math.PI);
      }
      for (const z of ZONES) {
        ctx.fillStyle = ZONE_DOT[z];
        ctx.globalAlpha = 0.75;
        ctx.fill(paths[z]);
      }
      ctx.globalAlpha = 1;
    });
  }

  // ---- charts --------------------------------------------------------------------------------
  const plots = [];
  let pendingFirstDraw = 4;
  function firstDraw(u) {
    if (u.twinDrawn) return;
    u.twinDrawn = true;
    pendingFirstDraw--;
    if (pendingFirstDraw === 0) {
      document.body.dataset.points = String(n);
      document.body.dataset.ready = "1";
    }
  }

  function make(id, height, opts, data) {
    const el = document.getElementById(id);
    const width = Math.max(320, el.clientWidth || 600);
    opts.width = width;
    opts.height = height;
    opts.hooks = opts.hooks || {};
    opts.hooks.draw = (opts.hooks.draw || []).concat([firstDraw]);
    const u = new uPlot(opts, data, el);
    plots.push({ u, el, height });
    return u;
  }

  const timeSync = { key: "twin-time", setSeries: false };
  const hoursAxis = axis({ label: "Time (h)", labelSize: 22 });

  // 1. voltage and current vs time
  make(
    "plot-ec",
    300,
    {
      scales: { x: { time: false }, V: {}, A: {} },
      cursor: { sync: timeSync },
      series: [
        { label: "t", value: fmt(3, "h") },
        { label: "Voltage", scale: "V", stroke: "#1f5fbf", width: 1.5, value: fmt(4, "V") },
        { label: "Current", scale: "A", stroke: "#c2571a", width: 1.2, value: fmt(4, "A") },
      ],
      axes: [
        hoursAxis,
        axis({ scale: "V", label: "Voltage (V)", labelSize: 22, stroke: "#1f5fbf" }),
        axis({ scale: "A", side: 1, label: "Current (A)", labelSize: 22, stroke: "#c2571a", grid: { show: false } }),
      ],
    },
    [hours, P.v, P.i],
  );

  // 2. c_Li vs time over the zone bands
  const cliExt = extent(P.cli, P.cliLo2, P.cliHi2, P.counted);
  const cliLo = Math.max(0, Math.min(L.deep - 0.05, cliExt ? cliExt[0] - 0.02 : 1));
  const cliHi = Math.max(1.0, cliExt ? cliExt[1] + 0.02 : 1);
  make(
    "plot-cli",
    300,
    {
      scales: { x: { time: false }, y: { range: () => [cliLo, cliHi] } },
      cursor: { sync: timeSync },
      series: [
        { label: "t", value: fmt(3, "h") },
        { label: "c_Li", stroke: "#1d2430", width: 1.6, value: fmt(4) },
        { label: "c_Li + 2σ", stroke: "#5b7bb4", width: 1, dash: [4, 3], value: fmt(4) },
        { label: "c_Li − 2σ", stroke: "#5b7bb4", width: 1, dash: [4, 3], value: fmt(4) },
        { label: "counted c_Li", stroke: "#9aa3ad", width: 1, value: fmt(4) },
      ],
      axes: [hoursAxis, axis({ label: "c_Li", labelSize: 22 })],
      hooks: {
        drawClear: [shadeZones],
        draw: [drawLimits],
      },
    },
    [hours, P.cli, P.cliHi2, P.cliLo2, P.counted],
  );

  // 3 and 4: lattice parameters vs c_Li; model curves on the ascending c_Li grid, x reversed (charge runs left to right)
  const xExt = extent(C.cli, P.cli, [L.critical, L.deep]);
  const xRange = xExt ? [Math.max(0, xExt[0] - 0.01), xExt[1] + 0.01] : [0, 1];
  const cliX = { time: false, dir: -1, range: () => xRange };
  const cliAxis = axis({ label: "c_Li (charge →)", labelSize: 22 });
  const latticeOpts = (yLabel) => ({
    padding: [24, null, null, null],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    axes: [cliAxis, axis({ label: yLabel, labelSize: 22 })],
  });

  const aRange = padded(extent(C.a, P.a), 0.06, [2.8, 2.9]);
  const optsA = latticeOpts("a (Å)");
  optsA.scales = { x: cliX, y: { range: () => aRange } };
  optsA.series = [
    { label: "c_Li", value: fmt(3) },
    { label: "a model (" + D.material + ")", stroke: "#1f4e99", width: 1.8, value: fmt(4, "Å") },
  ];
  optsA.hooks = {
    drawAxes: [(u) => drawPath(u, P.a, "y")],
    draw: [(u) => limitLine(u, L.critical, "x", true, LIMIT_STYLES.critical, "above")],
  };
  make("plot-a", 320, optsA, [C.cli, C.a]);

  const cRange = padded(extent(C.c, P.c, P.dil.map((v) => (v == null ? null : v * 3))), 0.06, [14.0, 14.5]);
  const dilRange = [cRange[0] / 3, cRange[1] / 3];
  const optsC = latticeOpts("c (Å)");
  optsC.scales = { x: cliX, c: { range: () => cRange }, dil: { range: () => dilRange } };
  optsC.series = [
    { label: "c_Li", value: fmt(3) },
    { label: "c model (" + D.material + ")", scale: "c", stroke: "#6a2f8f", width: 1.8, value: fmt(4, "Å") },
    { label: "d_IL = c/3", scale: "dil", stroke: "rgba(29,36,48,0.6)", width: 1, dash: [3, 5], value: fmt(4, "Å") },
  ];
  optsC.axes = [
    cliAxis,
    axis({ scale: "c", label: "c (Å)", labelSize: 22, stroke: "#7b3fa0" }),
    axis({ scale: "dil", side: 1, label: "d_IL (Å)", labelSize: 22, grid: { show: false } }),
  ];
  optsC.hooks = {
    drawAxes: [(u) => drawPath(u, P.c, "c")],
    draw: [(u) => limitLine(u, L.critical, "x", true, LIMIT_STYLES.critical, "above")],
  };
  make("plot-c", 320, optsC, [C.cli, C.c, C.dil]);

  // ---- resize --------------------------------------------------------------------------------
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const p of plots) p.u.setSize({ width: Math.max(320, p.el.clientWidth || 600), height: p.height });
    }, 120);
  });
})();
