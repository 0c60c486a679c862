using System.Text.Json;
using Twin.Epics.ProcessVariables;
using Twin.Testing;
using Twin.Testing.Epics;

namespace Twin.Epics.Tests;

/// <summary>The server against a real Channel Access client: pyepics on EPICS base's libca (Debian python3-pyepics).</summary>
public class PyEpicsClientTests
{
    [Fact]
    public async Task Libca_finds_reads_and_describes_every_native_type()
    {
        await using var pvs = new TestPvs();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        pvs.CLi.Set(0.3875, now);
        pvs.Zone.Set(2, now, (AlarmStatus.State, AlarmSeverity.Major));
        pvs.Step.Set(4, now);
        pvs.Name.SetText("p-00017", now);
        var r = await PyEpics.RunAsync(PyEpics.ReadScript, pvs.Server.UdpPort,
            ["T:cell-1:CLI", "T:cell-1:ZONE", "T:cell-1:STEP", "T:cell-1:LAST_PATTERN", "T:cell-1:NOPE"],
            environment: new Dictionary<string, string> { ["TWIN_CA_CONNECT_TIMEOUT"] = "3" }); // only the missing PV waits this long
        var cli = r.GetProperty("T:cell-1:CLI");
        Assert.True(cli.GetProperty("type").GetString() == "ctrl_double", $"libca's view of the channel: {cli}");
        Assert.Equal(0.3875, cli.GetProperty("value").GetDouble());
        Assert.Equal("0.3875", cli.GetProperty("char_value").GetString());
        Assert.Equal((int)AlarmSeverity.Major, cli.GetProperty("severity").GetInt32());
        Assert.Equal((int)AlarmStatus.LoLo, cli.GetProperty("status").GetInt32());
        Assert.Equal(4, cli.GetProperty("precision").GetInt32());
        Assert.Equal(0.4, cli.GetProperty("lower_alarm_limit").GetDouble());
        Assert.Equal(0.5, cli.GetProperty("lower_warning_limit").GetDouble());
        Assert.Equal(now / 1e9, cli.GetProperty("timestamp").GetDouble(), 3);
        Assert.False(cli.GetProperty("write_access").GetBoolean());
        var zone = r.GetProperty("T:cell-1:ZONE");
        Assert.Equal("critical", zone.GetProperty("char_value").GetString());
        Assert.Equal(["safe", "caution", "critical", "deep"], zone.GetProperty("enum_strs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4.0, r.GetProperty("T:cell-1:STEP").GetProperty("value").GetDouble());
        Assert.Equal("p-00017", r.GetProperty("T:cell-1:LAST_PATTERN").GetProperty("value").GetString());
        Assert.False(r.GetProperty("T:cell-1:NOPE").GetProperty("connected").GetBoolean());
        Assert.True(pvs.Server.SearchesAnswered >= 4);
    }

    [Fact]
    public async Task Monitors_deliver_every_update_with_its_alarm()
    {
        await using var pvs = new TestPvs();
        long t0 = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1_000_000_000L;
        pvs.CLi.Set(0.6, t0);
        double[] values = [0.55, 0.5, 0.45, 0.41, 0.4, 0.39, 0.38];
        var monitoring = PyEpics.RunAsync(PyEpics.MonitorScript, pvs.Server.UdpPort, ["until:0.38", "60", "T:cell-1:CLI"]);
        await Wait.UntilAsync(() => pvs.Server.UpdatesSent == 1, "pyepics to subscribe and get the first value", observed: () => $"{pvs.Server.UpdatesSent} updates sent");
        // across the LOW and LOLO limits; each update is sent before the next is made, so none is coalesced
        for (int i = 0; i < values.Length; i++)
        {
            pvs.CLi.Set(values[i], t0 + (1 + i) * 1_000_000_000L);
            await Wait.UntilAsync(() => pvs.Server.UpdatesSent == 2 + i, $"update {i + 1} to be sent", observed: () => $"{pvs.Server.UpdatesSent} updates sent");
        }
        var seen = (await monitoring).GetProperty("T:cell-1:CLI").EnumerateArray().ToList();
        // the value at subscription was sent (UpdatesSent == 1); libca may hand it over with the connection rather than
        // as a callback, so the updates are compared from the first change on
        if (seen.Count > 0 && seen[0].GetProperty("value").GetDouble() == 0.6) seen.RemoveAt(0);
        Assert.Equal(values, seen.Select(u => u.GetProperty("value").GetDouble()));
        Assert.Equal([0, 1, 1, 1, 2, 2, 2], seen.Select(u => u.GetProperty("severity").GetInt32()));
        Assert.Equal(t0 / 1e9 + values.Length, seen[^1].GetProperty("timestamp").GetDouble(), 6);
    }

    [Fact]
    public async Task Caput_is_refused_unless_the_client_is_listed()
    {
        await using (var closed = new TestPvs(new ListedWriters(("alice", "bl-ws1"))))
        {
            var refused = await PyEpics.RunAsync(PyEpics.WriteScript, closed.Server.UdpPort, ["T:cell-1:PATTERN_REQ", "1"]);
            Assert.True(refused.GetProperty("connected").GetBoolean());
            Assert.False(refused.GetProperty("write_access").GetBoolean());
            Assert.True(refused.TryGetProperty("error", out _), refused.ToString());
            Assert.Empty(closed.Writes);
        }
        string user = Environment.UserName, host = System.Net.Dns.GetHostName();
        await using var open = new TestPvs(new ListedWriters((user, host)));
        var accepted = await PyEpics.RunAsync(PyEpics.WriteScript, open.Server.UdpPort, ["T:cell-1:PATTERN_REQ", "1"]);
        Assert.True(accepted.GetProperty("write_access").GetBoolean(), $"{accepted}; the server saw {string.Join(", ", open.Audit)}");
        Assert.Equal(JsonValueKind.Number, accepted.GetProperty("put").ValueKind);
        var w = Assert.Single(open.Writes);
        Assert.Equal((user, host, 1.0), (w.User, w.Host, w.Number));
    }
}
