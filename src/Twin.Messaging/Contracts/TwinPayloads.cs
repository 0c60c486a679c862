using System.Text.Json;
using System.Text.Json.Serialization;
using Twin.Core.Lattice;

namespace Twin.Messaging.Contracts;

/// <summary>Serialisation and validation of the payloads of README.md, "Topics and payloads" (JSON, UTF-8, source-generated).</summary>
public static class TwinPayloads
{
    /// <summary>The schema version this product writes and accepts.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Most samples in one telemetry message.</summary>
    public const int MaxSamplesPerMessage = 10_000;

    private static readonly string[] s_kinds = ["charge", "discharge", "rest", "other"];

    /// <summary>Serialises any contract record to UTF-8 JSON.</summary>
    /// <typeparam name="T">A payload type of this namespace.</typeparam>
    /// <param name="payload">The payload.</param>
    /// <returns>UTF-8 bytes.</returns>
    /// <exception cref="NotSupportedException">T is not a contract type.</exception>
    public static byte[] Serialize<T>(T payload) =>
        JsonSerializer.SerializeToUtf8Bytes(payload, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)
            (TwinJsonContracts.Default.GetTypeInfo(typeof(T)) ?? throw new NotSupportedException($"{typeof(T).Name} is not a contract payload")));

    /// <summary>Parses and validates a telemetry payload against the contract and the plausibility bounds of
    /// <see cref="TelemetryBounds"/> that need neither the cell nor the clock.</summary>
    /// <param name="utf8">Payload bytes.</param>
    /// <param name="topic">Topic, for messages.</param>
    /// <returns>The message: 1 to <see cref="MaxSamplesPerMessage"/> samples, seq ≥ 0 and strictly increasing,
    /// time_unix_ns not before <see cref="TelemetryBounds.MinTimeUnixNs"/>, voltage and current present, finite and
    /// within ±<see cref="TelemetryBounds.MaxAbsVoltageV"/> V and ±<see cref="TelemetryBounds.MaxAbsCurrentA"/> A,
    /// charge finite, temperature finite and within [<see cref="TelemetryBounds.MinTemperatureC"/>,
    /// <see cref="TelemetryBounds.MaxTemperatureC"/>] °C, kind one of the four names.</returns>
    /// <exception cref="PayloadException">Malformed JSON, wrong schema, or an invalid sample; the message names sample
    /// index, seq, field, the value and the range expected.</exception>
    public static TelemetryMessage ParseTelemetry(ReadOnlySpan<byte> utf8, string topic)
    {
        var m = Deserialize(utf8, topic, TwinJsonContracts.Default.TelemetryMessage);
        CheckSchema(m.Schema, topic);
        if (m.Samples is null || m.Samples.Count == 0) throw new PayloadException(topic, "\"samples\" must hold at least one sample");
        if (m.Samples.Count > MaxSamplesPerMessage)
            throw new PayloadException(topic, $"{m.Samples.Count} samples in one message; at most {MaxSamplesPerMessage} expected");
        long prev = long.MinValue;
        for (int i = 0; i < m.Samples.Count; i++)
        {
            var s = m.Samples[i] ?? throw new PayloadException(topic, $"sample {i} is null; expected an object");
            string at = $"sample {i} (seq {s.Seq})";
            if (s.Seq < 0) throw new PayloadException(topic, $"{at}: seq must be ≥ 0");
            if (s.Seq <= prev) throw new PayloadException(topic, $"{at}: seq must increase within a message (previous {prev})");
            prev = s.Seq;
            if (s.TimeUnixNs < TelemetryBounds.MinTimeUnixNs)
                throw new PayloadException(topic, FormattableString.Invariant(
                    $"{at}: time_unix_ns = {s.TimeUnixNs} lies before 1990-01-01 ({TelemetryBounds.MinTimeUnixNs}); expected ns since the Unix epoch (seconds, ms or µs sent instead?)"));
            InRange(topic, at, "voltage_V", s.VoltageV, required: true, -TelemetryBounds.MaxAbsVoltageV, TelemetryBounds.MaxAbsVoltageV, "V");
            InRange(topic, at, "current_A", s.CurrentA, required: true, -TelemetryBounds.MaxAbsCurrentA, TelemetryBounds.MaxAbsCurrentA, "A");
            Finite(topic, at, "charge_Ah", s.ChargeAh, required: false);
            InRange(topic, at, "temperature_C", s.TemperatureC, required: false, TelemetryBounds.MinTemperatureC, TelemetryBounds.MaxTemperatureC, "°C");
            if (s.Kind is not null && !s_kinds.Contains(s.Kind))
                throw new PayloadException(topic, $"{at}: kind '{s.Kind}' is not one of charge, discharge, rest, other");
        }
        return m;
    }

    /// <summary>Parses and validates a pattern record.</summary>
    /// <param name="utf8">Payload bytes.</param>
    /// <param name="topic">Topic, for messages.</param>
    /// <returns>The record.</returns>
    /// <exception cref="PayloadException">Malformed JSON, wrong schema, missing id, end before start, neither wavelength
    /// nor energy, a_A or c_A not finite or outside the plausible range of <see cref="MeasuredLattice"/>, or a σ that is not
    /// positive or comes without its value.</exception>
    public static PatternRecord ParsePattern(ReadOnlySpan<byte> utf8, string topic)
    {
        var p = Deserialize(utf8, topic, TwinJsonContracts.Default.PatternRecord);
        CheckSchema(p.Schema, topic);
        if (string.IsNullOrWhiteSpace(p.PatternId)) throw new PayloadException(topic, "pattern_id is missing");
        if (p.StartUnixNs <= 0 || p.EndUnixNs < p.StartUnixNs)
            throw new PayloadException(topic, $"pattern {p.PatternId}: start_unix_ns and end_unix_ns must be positive with end ≥ start");
        if (p.WavelengthA is null && p.EnergyKeV is null)
            throw new PayloadException(topic, $"pattern {p.PatternId}: give wavelength_A or energy_keV");
        string at = $"pattern {p.PatternId}";
        InRange(topic, at, "a_A", p.AA, required: false, MeasuredLattice.MinAA, MeasuredLattice.MaxAA, "Å");
        InRange(topic, at, "c_A", p.CA, required: false, MeasuredLattice.MinCA, MeasuredLattice.MaxCA, "Å");
        Sigma(topic, at, "a_sigma_A", p.ASigmaA, "a_A", p.AA);
        Sigma(topic, at, "c_sigma_A", p.CSigmaA, "c_A", p.CA);
        return p;
    }

    /// <summary>Parses and validates a command payload.</summary>
    /// <param name="utf8">Payload bytes.</param>
    /// <param name="topic">Topic, for messages.</param>
    /// <returns>The command, with issuer and role present and a finite value when one is given.</returns>
    /// <exception cref="PayloadException">Malformed JSON, wrong schema, missing issuer/role, non-finite value.</exception>
    public static CommandPayload ParseCommand(ReadOnlySpan<byte> utf8, string topic)
    {
        var c = Deserialize(utf8, topic, TwinJsonContracts.Default.CommandPayload);
        CheckSchema(c.Schema, topic);
        if (string.IsNullOrWhiteSpace(c.Issuer)) throw new PayloadException(topic, "issuer is missing");
        if (string.IsNullOrWhiteSpace(c.Role)) throw new PayloadException(topic, "role is missing");
        Finite(topic, "command", "value", c.Value, required: false);
        return c;
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> utf8, string topic, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, info) ?? throw new PayloadException(topic, "payload is JSON null; expected an object");
        }
        catch (JsonException e)
        {
            throw new PayloadException(topic, $"not a valid {typeof(T).Name} JSON payload: {e.Message}", e);
        }
    }

    private static void CheckSchema(int schema, string topic)
    {
        if (schema != SchemaVersion) throw new PayloadException(topic, $"schema {schema} is not supported; expected {SchemaVersion}");
    }

    private static void Finite(string topic, string at, string field, double? value, bool required)
    {
        if (value is null)
        {
            if (required) throw new PayloadException(topic, $"{at}: {field} is missing");
            return;
        }
        if (!double.IsFinite(value.Value)) throw new PayloadException(topic, $"{at}: {field} must be a finite number");
    }

    private static void Sigma(string topic, string at, string field, double? sigma, string valueField, double? value)
    {
        if (sigma is null) return;
        if (value is null) throw new PayloadException(topic, $"{at}: {field} is given without {valueField}");
        if (!(sigma.Value > 0) || !double.IsFinite(sigma.Value))
            throw new PayloadException(topic, FormattableString.Invariant($"{at}: {field} = {sigma.Value:G6} must be a positive number of Å"));
    }

    private static void InRange(string topic, string at, string field, double? value, bool required, double min, double max, string unit)
    {
        Finite(topic, at, field, value, required);
        if (value is double v && (v < min || v > max))
            throw new PayloadException(topic, FormattableString.Invariant($"{at}: {field} = {v:G6} is outside the plausible range [{min:G6}, {max:G6}] {unit}"));
    }
}

/// <summary>Source-generated System.Text.Json metadata for every contract payload.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TelemetryMessage))]
[JsonSerializable(typeof(TwinStatePayload))]
[JsonSerializable(typeof(AlarmPayload))]
[JsonSerializable(typeof(StatusPayload))]
[JsonSerializable(typeof(PatternRecord))]
[JsonSerializable(typeof(CommandPayload))]
[JsonSerializable(typeof(CommandReply))]
[JsonSerializable(typeof(DriverEventPayload))]
public sealed partial class TwinJsonContracts : JsonSerializerContext;
