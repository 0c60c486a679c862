using Twin.Storage.LineProtocol;

namespace Twin.Storage.Tests.Support;

/// <summary>Telemetry points of the shape the twin writes.</summary>
public static class Points
{
    public const long BaseNs = 1_700_000_000_000_000_000;

    public static LinePoint Telemetry(string cell, long seq, long? timestampNs = null) =>
        LinePoint.Builder("telemetry").Tag("site", "s").Tag("cell", cell).Tag("material", "NMC811")
            .Field("voltage_V", 3.71 + (seq % 100) * 1e-4).Field("current_A", 0.52).Field("charge_Ah", 1.234).Field("seq", seq)
            .Timestamp(timestampNs ?? BaseNs + seq * 1_000_000).Build();

    public static List<LinePoint> Range(string cell, long from, int count) =>
        Enumerable.Range(0, count).Select(i => Telemetry(cell, from + i)).ToList();
}
