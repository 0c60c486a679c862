// Every page: starts Blazor (its circuit keeps the live pages up to date), shows the connection in #live-status and
// measures publish→DOM latency. The pages' components call twinDashboard.joined() once their first live render is
// in the browser. Benchmarks and tests read window.twinDashboard.
(function () {
  "use strict";
  const status = document.getElementById("live-status");
  function showStatus(text, cls) { if (status) { status.textContent = text; status.className = "live " + (cls || ""); } }

  // publish→DOM latency of the last updates (ms): a card's data-t is the time of the sample it shows, so each change of
  // it is a newer sample in the page
  const latencies = [];
  let updates = 0, joined = false, connected = false;
  new MutationObserver(records => {
    const now = Date.now();
    for (const r of records) {
      if (r.attributeName === "data-t") {
        const t = Number(r.target.getAttribute("data-t"));
        if (t > 0) latencies.push(now - t);
      } else if (r.attributeName === "data-rev" && r.target.hasAttribute("data-page")) updates++;
    }
    if (latencies.length > 5000) latencies.splice(0, latencies.length - 5000);
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["data-t", "data-rev"] });

  setInterval(() => {
    if (!joined || !connected) return;
    const recent = latencies.slice(-200).sort((a, b) => a - b);
    const lag = recent.length ? recent[Math.floor(recent.length / 2)] : null;
    // a lag only means something for samples stamped in real time (a replayed file carries its own clock)
    showStatus(lag != null && lag >= 0 && lag < 600000 ? "live · lag " + Math.round(lag) + " ms" : "live", "on");
  }, 1000);

  // the circuit's connection, as Blazor reports it to the reconnection element of the page
  const modal = document.getElementById("components-reconnect-modal");
  if (modal) modal.addEventListener("components-reconnect-state-changed", e => {
    const state = e.detail && e.detail.state;
    if (state === "hide") { connected = true; if (joined) showStatus("live", "on"); }
    else if (state === "show" || state === "retrying") { connected = false; showStatus("reconnecting…", "off"); }
    else if (state === "rejected") location.reload();   // the service no longer knows this page: load it afresh
    else if (state === "failed" || state === "resume-failed" || state === "paused") {
      connected = false; showStatus("disconnected — reload the page", "off");
    }
  });

  window.twinDashboard = {
    // the page's live component has rendered on its circuit, and the browser shows it
    joined: () => { joined = true; connected = true; updates++; showStatus("live", "on"); },
    latencies: () => latencies.slice(),
    updates: () => updates,
    connected: () => joined && connected,
  };
  if (typeof Blazor !== "undefined") Blazor.start().catch(e => showStatus("no live data: " + (e && e.message ? e.message : e), "off"));
})();
