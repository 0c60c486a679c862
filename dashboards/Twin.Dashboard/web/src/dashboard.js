// Live updates for every page: one SignalR connection to /hub; cards (overview and the cell page's head),
// the alarm badge, the alarms page and the "live" indicator. Values are formatted as the server renders them.
(function () {
  "use strict";
  const fmt = {
    cli: v => v == null ? "—" : v.toFixed(4),
    num: (v, d) => v == null || !isFinite(v) ? "—" : String(+v.toFixed(d)),
    fixed: (v, d) => v == null || !isFinite(v) ? "—" : v.toFixed(d),
    // A value ± σ to the decimal place of σ's second significant digit (as Fmt.BySigma on the server).
    bySigma: (v, s) => {
      if (v == null || !isFinite(v)) return "—";
      if (s == null || !isFinite(s) || s <= 0) return String(Number(v.toPrecision(4)));
      const d = Math.min(12, Math.max(0, 1 - Math.floor(Math.log10(s))));
      return v.toFixed(d) + " ± " + s.toFixed(d);
    },
    volts: v => v == null ? "—" : v.toFixed(3) + " V",
    amps: a => a == null ? "—" : Math.abs(a) >= 1 ? a.toFixed(3) + " A" : Math.abs(a) >= 1e-3 ? (a * 1e3).toFixed(3) + " mA" : (a * 1e6).toFixed(1) + " µA",
    duration: s => {
      if (s == null || !isFinite(s) || s < 0) return "—";
      if (s >= 3600) return Math.floor(s / 3600) + " h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + " min";
      if (s >= 60) return Math.floor(s / 60) + " min " + String(Math.floor(s % 60)).padStart(2, "0") + " s";
      return Math.floor(s) + " s";
    },
    time: ms => ms > 0 ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "—",
    pct: c => (Math.min(1, Math.max(0, c ?? 0)) * 100) + "%",
  };

  // publish→DOM latency of the last updates (ms), for the status line and for benchmarks
  const latencies = [];
  function recordLatency(sampleMs) {
    if (!(sampleMs > 0)) return;
    latencies.push(Date.now() - sampleMs);
    if (latencies.length > 5000) latencies.splice(0, latencies.length - 5000);
  }

  function set(root, field, text) {
    const el = root.querySelector('[data-f="' + field + '"]');
    if (el && el.textContent !== text) el.textContent = text;
    return el;
  }

  function applyCard(c) {
    const el = document.querySelector('article.card[data-key="' + CSS.escape(c.key) + '"]');
    if (!el) return;
    if (el.dataset.zone !== c.zone) {
      el.classList.remove("zone-" + el.dataset.zone);
      el.classList.add("zone-" + c.zone);
      el.dataset.zone = c.zone;
    }
    el.dataset.t = String(c.timeMs);
    set(el, "zone", c.zone);
    set(el, "cli", fmt.cli(c.cLi));
    set(el, "critical", fmt.fixed(c.critical, 2));
    el.querySelector('[data-f="gauge"]').style.width = fmt.pct(c.cLi);
    el.querySelector('[data-f="critical-line"]').style.left = fmt.pct(c.critical);
    el.querySelector('[data-f="caution-line"]').style.left = fmt.pct(c.caution);
    const cut = el.querySelector('[data-f="cutoff-line"]');
    if (cut) { cut.style.left = fmt.pct(c.cLiMin); cut.hidden = !c.cutoffEnabled; }
    set(el, "ttc", c.zone === "critical" || c.zone === "deep" ? "reached" : fmt.duration(c.timeToCriticalS));
    set(el, "v", fmt.volts(c.voltageV));
    set(el, "i", fmt.amps(c.currentA));
    set(el, "step", c.step == null ? "—" : c.step + (c.kind ? " " + c.kind : "") + " · cycle " + c.cycle);
    set(el, "cutoff", (c.cutoffEnabled ? "c_Li " + fmt.fixed(c.cLiMin, 2) : "voltage only") +
      (c.cutoff === "stop_lithium" || c.cutoff === "stop_voltage" ? " · " + c.cutoff : ""));
    set(el, "pattern", c.pattern ? c.pattern.id + " at c_Li " + fmt.cli(c.pattern.cLiMid) : "—");
    set(el, "time", fmt.time(c.timeMs));
    const alarm = el.querySelector('[data-f="alarm"]');
    alarm.textContent = "alarm " + (c.alarmState || "");
    alarm.classList.toggle("hidden", !c.alarmState);
    recordLatency(c.timeMs);
  }

  const status = document.getElementById("live-status");
  function showStatus(text, cls) { if (status) { status.textContent = text; status.className = "live " + (cls || ""); } }
  setInterval(() => {
    if (!connection || connection.state !== "Connected") return;
    const recent = latencies.slice(-200).sort((a, b) => a - b);
    const lag = recent.length ? recent[Math.floor(recent.length / 2)] : null;
    // a lag only means something for samples stamped in real time (a replayed file carries its own clock)
    showStatus(lag != null && lag >= 0 && lag < 600000 ? "live · lag " + Math.round(lag) + " ms" : "live", "on");
  }, 1000);

  let connection = null;
  const page = document.querySelector("[data-page]");
  const kind = page ? page.dataset.page : null;

  const domReady = new Promise(r => document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", r) : r());

  // Joins what the page shows; the reply is the first update. A cell page asks for the points it has not got
  // (its charts started from the snapshot rendered into the page, or from before a reconnect).
  async function join() {
    if (kind === "overview") applyUpdate(await connection.invoke("WatchOverview"));
    else if (kind === "cell") {
      await domReady;   // cell.js (deferred) is listening and knows its newest point
      const since = window.twinCell ? window.twinCell.lastTimeMs() : 0;
      applyUpdate(await connection.invoke("WatchCell", page.dataset.key, since));
    } else applyUpdate(await connection.invoke("WatchAlarms"));
  }

  function showAlarms(counts) {
    const badge = document.querySelector('[data-f="alarm-count"]');
    if (badge) {
      badge.textContent = counts.open;
      badge.classList.toggle("on", counts.active > 0);
      badge.classList.toggle("warn", counts.active === 0 && counts.open > 0);
    }
    if (kind === "alarms") refreshAlarms();
  }

  // One update (a push or a join reply): apply it, then acknowledge it, which lets the server send the next one
  // (merged with everything newer that arrived meanwhile).
  let updates = 0;
  function applyUpdate(u) {
    updates++;
    try {
      if (u.cards) u.cards.forEach(applyCard);
      if (u.cell) {
        applyCard(u.cell.card);
        document.dispatchEvent(new CustomEvent("twin:cell", { detail: u.cell }));
      }
      if (u.alarms) showAlarms(u.alarms);
    } finally {
      connection.send("Ack", u.seq).catch(() => { /* closed: a reconnect joins afresh */ });
    }
  }

  async function refreshAlarms() {
    const r = await fetch("/alarms", { credentials: "same-origin" });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
    const fresh = doc.getElementById("alarm-tables");
    const here = document.getElementById("alarm-tables");
    // keep a note being typed: refresh only when no form field has the focus
    if (fresh && here && !here.contains(document.activeElement)) here.replaceWith(fresh);
  }

  function start() {
    if (typeof signalR === "undefined") return;
    // nothing live before signing in (the hub would refuse the visitor)
    if (location.pathname === "/login") { showStatus("", ""); return; }
    connection = new signalR.HubConnectionBuilder().withUrl("/hub").withAutomaticReconnect({ nextRetryDelayInMilliseconds: () => 2000 }).build();
    connection.on("update", applyUpdate);
    connection.onreconnecting(() => showStatus("reconnecting…", "off"));
    connection.onreconnected(() => { showStatus("live", "on"); join(); });
    connection.onclose(() => showStatus("disconnected — reload the page", "off"));
    connection.start().then(() => { showStatus("live", "on"); return join(); })
      .catch(e => showStatus("no live data: " + (e && e.message ? e.message : e), "off"));
  }

  window.twinDashboard = { fmt, latencies: () => latencies.slice(), updates: () => updates, connection: () => connection };
  start();
})();
