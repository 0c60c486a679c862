namespace Twin.Messaging.Contracts;

/// <summary>
/// Plausibility bounds of a telemetry sample on the wire (README "Topics and payloads"). A value outside them is not a
/// measurement of a laboratory cell but a unit mistake, a corrupted field or an attack; the whole message is rejected
/// with the field and the expected range named. The bounds that depend on the cell (charge against its Q_Li) and on
/// the clock (time against now) are checked where the cell and the clock are known, in the twin service.
/// </summary>
public static class TelemetryBounds
{
    /// <summary>
    /// Largest |voltage_V|, V: 100 V. A single electrochemical cell stays within ±6 V; the potentiostats and SMUs this
    /// product drives measure at most ±200 V (Keithley 2450), and nothing between 100 V and that is a cell measurement.
    /// </summary>
    public const double MaxAbsVoltageV = 100;

    /// <summary>
    /// Largest |current_A|, A: 1,000 A. Laboratory cyclers and potentiostats source well below it (the LG M50 test in
    /// <c>samples/</c> discharges at 10 A); only large-format cells on high-current cyclers come near.
    /// </summary>
    public const double MaxAbsCurrentA = 1000;

    /// <summary>Lowest temperature_C, °C: −100 °C (below any cell test chamber).</summary>
    public const double MinTemperatureC = -100;

    /// <summary>Highest temperature_C, °C: 1,000 °C (above thermal runaway of a layered-oxide cell).</summary>
    public const double MaxTemperatureC = 1000;

    /// <summary>
    /// Earliest time_unix_ns: 1990-01-01T00:00:00Z. Anything earlier is almost always seconds, milliseconds or
    /// microseconds sent where nanoseconds since the Unix epoch are expected.
    /// </summary>
    public const long MinTimeUnixNs = 631_152_000_000_000_000;

    /// <summary>
    /// Largest |charge_Ah| as a multiple of the cell's Q_Li (A·h per unit c_Li): 10. A net charge counter of a cell
    /// moves c_Li by |charge_Ah| / Q_Li, and c_Li lives in [0, 1]; ten times the whole lithium inventory leaves room
    /// for a Q_Li set too small and for counters that accumulate coulombic losses over many cycles.
    /// </summary>
    public const double MaxAbsChargePerQLi = 10;

    /// <summary>
    /// How far ahead of the service's clock a sample may be stamped: 366 days. Simulated instruments run accelerated
    /// clocks (<c>twin demo</c> runs at 1200× real time) and replays may start "now", so sample times legitimately
    /// lie ahead of the wall clock; a year ahead is a wrong clock or a forged value.
    /// </summary>
    public static readonly TimeSpan MaxAheadOfClock = TimeSpan.FromDays(366);

    /// <summary>
    /// Largest telemetry payload, bytes: 4 MiB, for the HTTP body and the MQTT message alike. A message of the
    /// largest batch (<see cref="TwinPayloads.MaxSamplesPerMessage"/> samples, about 200 bytes each) fits.
    /// </summary>
    public const int MaxPayloadBytes = 4 << 20;
}
