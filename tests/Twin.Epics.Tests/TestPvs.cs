using Twin.Epics.ChannelAccess.Circuit;
using Twin.Epics.ChannelAccess.Server;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.Tests;

/// <summary>A server on a free loopback port with a few PVs of each native type, for the circuit and client tests.</summary>
internal sealed class TestPvs : IAsyncDisposable
{
    public PvRegistry Registry { get; } = new();
    public ProcessVariable CLi { get; }
    public ProcessVariable Zone { get; }
    public ProcessVariable Step { get; }
    public ProcessVariable Name { get; }
    public ProcessVariable Request { get; }
    public List<PvWrite> Writes { get; } = [];
    public List<CaWriteAudit> Audit { get; } = [];
    public CaServer Server { get; }
    public bool RefuseWrites { get; set; }

    public TestPvs(IWriteAccess? access = null, CircuitLimits? limits = null)
    {
        CLi = Registry.Add(new ProcessVariable("T:cell-1:CLI", PvKind.Double, new PvMetadata
        {
            Units = "", Precision = 4, DisplayLow = 0, DisplayHigh = 1, Low = 0.5, LoLo = 0.4,
        }));
        Zone = Registry.Add(new ProcessVariable("T:cell-1:ZONE", PvKind.Enum, new PvMetadata { States = ["safe", "caution", "critical", "deep"] }));
        Step = Registry.Add(new ProcessVariable("T:cell-1:STEP", PvKind.Long, new PvMetadata { Units = "step" }));
        Name = Registry.Add(new ProcessVariable("T:cell-1:LAST_PATTERN", PvKind.String));
        Request = Registry.Add(new ProcessVariable("T:cell-1:PATTERN_REQ", PvKind.Long, write: w =>
        {
            lock (Writes) Writes.Add(w);
            return RefuseWrites ? PvWriteResult.Refused("no diffractometer trigger is configured") : PvWriteResult.Ok;
        }));
        Server = new CaServer(Registry, new CaServerOptions { ServerPort = 0, Limits = limits ?? new CircuitLimits() }, access, audit: a => { lock (Audit) Audit.Add(a); });
        Server.Start();
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>Write access for listed (user, host) pairs.</summary>
internal sealed class ListedWriters(params (string User, string Host)[] writers) : IWriteAccess
{
    public bool MayWrite(string user, string host, ProcessVariable pv) => writers.Contains((user, host));
}
