using Twin.Messaging.Contracts;
using Twin.Service.Config;
using Twin.Service.Ingest;

namespace Twin.Service.Tests;

/// <summary>Turns wire messages into validated samples the way the service's edge does.</summary>
internal static class WireSamples
{
    /// <summary>A fixed service clock for tests: 2025-01-01T00:00:00Z.</summary>
    public const long Now = 1_735_689_600_000_000_000;

    /// <summary>The message's samples, validated for the cell (throws <see cref="PayloadException"/> like the service).</summary>
    public static IngestSample[] Of(TelemetryMessage m, ExperimentCell cell) =>
        TelemetryValidation.Parse(TwinPayloads.Serialize(m), "test", cell, Now).Samples;

    /// <summary>Applies a wire message to a runtime at <see cref="Now"/>.</summary>
    public static IngestBatch Apply(this CellRuntime rt, TelemetryMessage m) => rt.Apply(Of(m, rt.Cell), m.Instrument, Now);

    /// <summary>Applies a message and commits it as the service does after storing it.</summary>
    public static IngestBatch ApplyAndCommit(this CellRuntime rt, TelemetryMessage m)
    {
        var b = rt.Apply(m);
        rt.Commit(b, rt.Checkpoint());
        return b;
    }
}
