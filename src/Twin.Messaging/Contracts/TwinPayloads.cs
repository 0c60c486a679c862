using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Messaging.Contracts;

/// <summary>Serialisation and validation of the payloads of DESIGN §4 (JSON, UTF-8, source-generated).</summary>
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

    /// <summary>Parses and validates a telemetry payload.</summary>
    /// <param name="utf8">Payload bytes.</param>
    /// <param name="topic">Topic, for messages.</param>
    /// <returns>The message, with at least one sample, sequence numbers strictly increasing, voltage and current present and finite.</returns>
    /// <exception cref="PayloadException">Malformed JSON, wrong schema, or an invalid sample; the message names sample index, seq and field.</exception>
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
            var s = m.Samples[i];
            string at = $"sample {i} (seq {s.Seq})";
            if (s.Seq < 0) throw new PayloadException(topic, $"{at}: seq must be ≥ 0");
            if (s.Seq <= prev) throw new PayloadException(topic, $"{at}: seq must increase within a message (previous {prev})");
            prev = s.Seq;
            if (s.TimeUnixNs <= 0) throw new PayloadException(topic, $"{at}: time_unix_ns must be a positive number of ns since the Unix epoch");
            Finite(topic, at, "voltage_V", s.VoltageV, required: true);
            Finite(topic, at, "current_A", s.CurrentA, required: true);
            Finite(topic, at, "charge_Ah", s.ChargeAh, required: false);
            Finite(topic, at, "temperature_C", s.TemperatureC, required: false);
            if (s.Kind is not null && !s_kinds.Contains(s.Kind))
                throw new PayloadException(topic, $"{at}: kind '{s.Kind}' is not one of charge, discharge, rest, other");
        }
        return m;
    }

    /// <summary>Parses and validates a pattern record.</summary>
    /// <param name="utf8">Payload bytes.</param>
    /// <param name="topic">Topic, for messages.</param>
    /// <returns>The record.</returns>
    /// <exception cref="PayloadException">Malformed JSON, wrong schema, missing id, end before start, or neither wavelength nor energy.</exception>
    public static PatternRecord ParsePattern(ReadOnlySpan<byte> utf8, string topic)
    {
        var p = Deserialize(utf8, topic, TwinJsonContracts.Default.PatternRecord);
        CheckSchema(p.Schema, topic);
        if (string.IsNullOrWhiteSpace(p.PatternId)) throw new PayloadException(topic, "pattern_id is missing");
        if (p.StartUnixNs <= 0 || p.EndUnixNs < p.StartUnixNs)
            throw new PayloadException(topic, $"pattern {p.PatternId}: start_unix_ns and end_unix_ns must be positive with end ≥ start");
        if (p.WavelengthA is null && p.EnergyKeV is null)
            throw new PayloadException(topic, $"pattern {p.PatternId}: give wavelength_A or energy_keV");
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
