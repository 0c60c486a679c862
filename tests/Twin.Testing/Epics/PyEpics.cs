using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Twin.Testing.Epics;

/// <summary>
/// Runs Python scripts with Debian's pyepics (EPICS base's libca, installed by scripts/setup.sh --test) against a
/// Channel Access server on 127.0.0.1: the client speaks only to that server's port (EPICS_CA_ADDR_LIST with
/// EPICS_CA_AUTO_ADDR_LIST=NO), with a repeater port of its own, so nothing leaves loopback and tests do not meet.
/// Scripts print one JSON document on standard output.
/// </summary>
public static class PyEpics
{
    /// <summary>The system Python that has the Debian packages (a Python earlier on PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a script and parses its standard output as JSON.</summary>
    /// <param name="script">Python source; <c>sys.argv[1:]</c> are <paramref name="args"/>.</param>
    /// <param name="serverPort">The CA server's UDP search port.</param>
    /// <param name="args">Arguments.</param>
    /// <param name="timeout">Bound on the run (default 120 s).</param>
    /// <param name="environment">Extra environment variables (e.g. EPICS_CA_MAX_ARRAY_BYTES).</param>
    /// <returns>The JSON the script printed.</returns>
    /// <exception cref="InvalidOperationException">The script failed; the message has its standard error.</exception>
    public static async Task<JsonElement> RunAsync(string script, int serverPort, IEnumerable<string>? args = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (string a in args ?? []) psi.ArgumentList.Add(a);
        psi.Environment["EPICS_CA_ADDR_LIST"] = $"127.0.0.1:{serverPort}";
        psi.Environment["EPICS_CA_AUTO_ADDR_LIST"] = "NO";
        psi.Environment["EPICS_CA_SERVER_PORT"] = serverPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["EPICS_CA_REPEATER_PORT"] = FreeUdpPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"pyepics script did not finish in time; stderr: {await stderr.ConfigureAwait(false)}");
        }
        string output = await stdout.ConfigureAwait(false);
        if (p.ExitCode != 0) throw new InvalidOperationException($"pyepics script exited {p.ExitCode}: {await stderr.ConfigureAwait(false)}\nstdout: {output}");
        try
        {
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"pyepics script printed no JSON ({e.Message}): {output}\nstderr: {await stderr.ConfigureAwait(false)}");
        }
    }

    /// <summary>A UDP port free now on 127.0.0.1.</summary>
    /// <returns>The port.</returns>
    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>A port free now for both TCP and UDP on 127.0.0.1 (a CA server's search and circuit port).</summary>
    /// <returns>The port.</returns>
    public static int FreeServerPort()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    /// <summary>
    /// Reads PVs once with their metadata: for each name, value, char_value (as text), severity, status, units,
    /// precision, alarm limits, enum_strs, write_access — and, from one DBR_TIME read, timestamp (Unix s), time_value
    /// and time_severity — or {"connected": false} when it does not connect within TWIN_CA_CONNECT_TIMEOUT seconds (default 15).
    /// </summary>
    public const string ReadScript = """
import json, os, sys, epics
out = {}
connect = float(os.environ.get('TWIN_CA_CONNECT_TIMEOUT', '15'))
pvs = [epics.PV(n, form='ctrl', auto_monitor=False) for n in sys.argv[1:]]
for pv in pvs:
    if not pv.wait_for_connection(timeout=connect):
        out[pv.pvname] = {"connected": False}
        continue
    v = pv.get(timeout=15, use_monitor=False)
    t = epics.PV(pv.pvname, form='time', auto_monitor=False)
    t.wait_for_connection(timeout=15)
    tv = t.get(timeout=15, use_monitor=False)
    ctrl = pv.get_ctrlvars(timeout=15) or {}
    def num(x):
        try:
            return None if x is None or x != x else float(x)
        except Exception:
            return None
    out[pv.pvname] = {
        "connected": True, "type": pv.type,
        "value": num(v) if not isinstance(v, str) else v,
        "char_value": pv.get(as_string=True, timeout=15, use_monitor=False),
        "severity": pv.severity, "status": pv.status,
        "units": ctrl.get("units"), "precision": ctrl.get("precision"),
        "lower_alarm_limit": num(ctrl.get("lower_alarm_limit")), "lower_warning_limit": num(ctrl.get("lower_warning_limit")),
        "enum_strs": list(ctrl.get("enum_strs") or []),
        "write_access": bool(pv.write_access),
        "timestamp": t.timestamp, "time_value": num(tv) if not isinstance(tv, str) else tv, "time_severity": t.severity,
    }
print(json.dumps(out))
""";

    /// <summary>Monitors PVs until each has sent the number of updates in the first argument — or, given as
    /// <c>until:VALUE</c>, until each has sent that value — or the seconds in the second have passed, and prints, per
    /// name, the updates seen: value, severity, timestamp (Unix s) and the client's receive time.</summary>
    public const string MonitorScript = """
import json, sys, time, epics
goal, seconds = sys.argv[1], float(sys.argv[2])
names = sys.argv[3:]
seen = {n: [] for n in names}
def cb(pvname=None, value=None, severity=None, timestamp=None, **kw):
    seen[pvname].append({"value": float(value) if not isinstance(value, str) else value, "severity": severity, "timestamp": timestamp, "received": time.time()})
def done(updates):
    if goal.startswith("until:"):
        return any(u["value"] == float(goal[6:]) for u in updates)
    return len(updates) >= int(goal)
pvs = [epics.PV(n, form='time', callback=cb) for n in names]
end = time.time() + seconds
while time.time() < end and not all(done(list(v)) for v in seen.values()):
    time.sleep(0.01)
print(json.dumps(seen))
""";

    /// <summary>Writes a value (second argument) to a PV (first) with put-completion, and prints write_access and the outcome.</summary>
    public const string WriteScript = """
import json, sys, epics
pv = epics.PV(sys.argv[1])
ok = pv.wait_for_connection(timeout=15)
result = {"connected": bool(ok), "write_access": bool(pv.write_access) if ok else False}
try:
    status = pv.put(float(sys.argv[2]), wait=True, timeout=15)
    result["put"] = status
except Exception as e:
    result["error"] = str(e)
print(json.dumps(result))
""";
}
