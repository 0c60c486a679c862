using Twin.Core.Samples;
using Twin.Messaging.Contracts;
using Twin.Service.Config;

namespace Twin.Service.Ingest;

/// <summary>
/// The edge of the twin service: turns a telemetry payload into typed <see cref="IngestSample"/> values, checking
/// the contract and every plausibility bound of <see cref="TelemetryBounds"/> — the generic ones in
/// <see cref="TwinPayloads.ParseTelemetry"/>, and here those that need the cell (|charge_Ah| against its Q_Li) and the
/// clock (time_unix_ns at most <see cref="TelemetryBounds.MaxAheadOfClock"/> ahead). A message that fails is rejected
/// as a whole, with the sample, the field, the value and the range expected named; nothing of it is applied. The
/// checks are deterministic except the one against the clock, so a rejected message would be rejected again on
/// redelivery (a message stamped more than a year ahead is not worth keeping either).
/// </summary>
public static class TelemetryValidation
{
    /// <summary>Parses and validates a payload for a cell.</summary>
    /// <param name="utf8">Payload bytes.</param>
    /// <param name="topic">Topic (or the HTTP path's topic), for messages.</param>
    /// <param name="cell">The cell the payload is for.</param>
    /// <param name="nowUnixNs">The service's clock, ns since the Unix epoch.</param>
    /// <returns>The instrument named by the message (or null) and its samples.</returns>
    /// <exception cref="PayloadException">The payload is malformed or a value is implausible; the message says which and what was expected.</exception>
    public static (string? Instrument, IngestSample[] Samples) Parse(ReadOnlySpan<byte> utf8, string topic, ExperimentCell cell, long nowUnixNs)
    {
        if (utf8.Length > TelemetryBounds.MaxPayloadBytes)
            throw new PayloadException(topic, $"payload of {utf8.Length:N0} bytes; at most {TelemetryBounds.MaxPayloadBytes:N0} bytes expected");
        var m = TwinPayloads.ParseTelemetry(utf8, topic);
        double qLi = cell.Config.QLiAh;
        double maxCharge = TelemetryBounds.MaxAbsChargePerQLi * qLi;
        long latest = nowUnixNs + TelemetryBounds.MaxAheadOfClock.Ticks * 100;
        var samples = new IngestSample[m.Samples.Count];
        for (int i = 0; i < samples.Length; i++)
        {
            var s = m.Samples[i];
            string at = $"sample {i} (seq {s.Seq})";
            if (s.ChargeAh is double q && Math.Abs(q) > maxCharge)
                throw new PayloadException(topic, FormattableString.Invariant(
                    $"{at}: charge_Ah = {q:G6} is outside the plausible range ±{maxCharge:G6} A·h ({TelemetryBounds.MaxAbsChargePerQLi:G} × the cell's Q_Li of {qLi:G6} A·h)"));
            if (s.TimeUnixNs > latest)
                throw new PayloadException(topic, FormattableString.Invariant(
                    $"{at}: time_unix_ns = {s.TimeUnixNs} lies {(s.TimeUnixNs - nowUnixNs) / 8.64e13:0.#} days ahead of the service clock; at most {TelemetryBounds.MaxAheadOfClock.TotalDays:0} days expected"));
            samples[i] = new IngestSample(s.Seq, s.TimeUnixNs, s.VoltageV!.Value, s.CurrentA!.Value, s.ChargeAh ?? double.NaN, s.CounterSegment,
                s.Step, s.Cycle, StepKindNames.Parse(s.Kind), s.TemperatureC ?? double.NaN);
        }
        return (m.Instrument, samples);
    }
}
