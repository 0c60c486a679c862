using System.Text.Json;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Twin.Service.Broker;

/// <summary>
/// The embedded broker's retained messages on disk (<c>{data dir}/broker/retained.json</c>), so a restarted service
/// answers a new subscriber with the last state, alarm and status at once. Changes are kept in memory and written
/// at most once per <see cref="FlushInterval"/> and at stop, as a whole file replaced atomically (written beside it,
/// flushed to disk, renamed over it): a crash loses at most the last interval's changes, which the service publishes
/// again with its next state. A file that cannot be read is set aside as <c>retained.json.corrupt</c> and logged
/// as an error; the broker then starts without retained messages.
/// </summary>
public sealed class RetainedStore
{
    private readonly string _path;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MqttApplicationMessage> _messages = new(StringComparer.Ordinal);
    private bool _dirty;

    /// <summary>How often changes are written at most (a modelling choice: one second of retained changes at risk in a crash).</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Creates the store for a directory (created when missing).</summary>
    /// <param name="directory">Directory of <c>retained.json</c>.</param>
    /// <param name="log">Logger.</param>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    public RetainedStore(string directory, ILogger log)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "retained.json");
        _log = log;
    }

    /// <summary>Path of the file.</summary>
    public string FilePath => _path;

    /// <summary>Number of retained messages held.</summary>
    public int Count { get { lock (_gate) return _messages.Count; } }

    /// <summary>Reads the file (once, at broker start).</summary>
    /// <returns>The retained messages, in topic order; empty when there is no file or it was unreadable.</returns>
    public List<MqttApplicationMessage> Load()
    {
        lock (_gate)
        {
            _messages.Clear();
            if (!File.Exists(_path)) return [];
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(_path));
                foreach (var e in doc.RootElement.GetProperty("retained").EnumerateArray()) Put(Read(e));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                string aside = _path + ".corrupt";
                File.Move(_path, aside, overwrite: true);
                _messages.Clear();
                _log.LogError("damaged data: {Path} could not be read ({Error}); set aside as {Aside}, the broker starts without retained messages",
                    _path, e.Message, aside);
            }
            return [.. _messages.Values.OrderBy(m => m.Topic, StringComparer.Ordinal)];
        }
    }

    /// <summary>Records a change of the broker's retained messages (an empty payload deletes the topic's).</summary>
    /// <param name="message">The retained message as stored by the broker.</param>
    public void Changed(MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (message.Payload.IsEmpty) _messages.Remove(message.Topic);
            else Put(message);
            _dirty = true;
        }
    }

    /// <summary>Forgets every retained message.</summary>
    public void Cleared()
    {
        lock (_gate)
        {
            _messages.Clear();
            _dirty = true;
        }
    }

    /// <summary>Writes the file when something changed since the last write.</summary>
    /// <returns>True when it was written.</returns>
    /// <exception cref="IOException">The file could not be written (the change stays pending for the next call).</exception>
    public bool Flush()
    {
        byte[] bytes;
        lock (_gate)
        {
            if (!_dirty) return false;
            bytes = Serialize(_messages.Values.OrderBy(m => m.Topic, StringComparer.Ordinal));
            _dirty = false;
        }
        string tmp = _path + ".tmp";
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, _path, overwrite: true);
            return true;
        }
        catch
        {
            lock (_gate) _dirty = true;
            throw;
        }
    }

    private void Put(MqttApplicationMessage m) => _messages[m.Topic] = m;

    private static byte[] Serialize(IEnumerable<MqttApplicationMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteNumber("schema", 1);
            w.WriteStartArray("retained");
            foreach (var m in messages)
            {
                w.WriteStartObject();
                w.WriteString("topic", m.Topic);
                w.WriteNumber("qos", (int)m.QualityOfServiceLevel);
                w.WriteBase64String("payload", System.Buffers.BuffersExtensions.ToArray(m.Payload));
                if (m.ContentType is { } ct) w.WriteString("content_type", ct);
                if (m.PayloadFormatIndicator == MqttPayloadFormatIndicator.CharacterData) w.WriteBoolean("utf8", true);
                if (m.ResponseTopic is { } rt) w.WriteString("response_topic", rt);
                if (m.CorrelationData is { Length: > 0 } cd) w.WriteBase64String("correlation", cd);
                if (m.UserProperties is { Count: > 0 } props)
                {
                    w.WriteStartArray("properties");
                    foreach (var p in props)
                    {
                        w.WriteStartArray();
                        w.WriteStringValue(p.Name);
                        w.WriteStringValue(p.ReadValueAsString());
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static MqttApplicationMessage Read(JsonElement e)
    {
        int qos = e.GetProperty("qos").GetInt32();
        if (qos is < 0 or > 2) throw new FormatException($"QoS {qos} of a retained message: expected 0, 1 or 2");
        var b = new MqttApplicationMessageBuilder()
            .WithTopic(e.GetProperty("topic").GetString() ?? throw new FormatException("a retained message without a topic"))
            .WithPayload(e.GetProperty("payload").GetBytesFromBase64())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .WithRetainFlag(true);
        if (e.TryGetProperty("content_type", out var ct)) b.WithContentType(ct.GetString());
        if (e.TryGetProperty("utf8", out var u) && u.GetBoolean()) b.WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData);
        if (e.TryGetProperty("response_topic", out var rt)) b.WithResponseTopic(rt.GetString());
        if (e.TryGetProperty("correlation", out var cd)) b.WithCorrelationData(cd.GetBytesFromBase64());
        if (e.TryGetProperty("properties", out var props))
            foreach (var p in props.EnumerateArray()) b.WithUserProperty(p[0].GetString()!, System.Text.Encoding.UTF8.GetBytes(p[1].GetString()!).AsMemory());
        return b.Build();
    }
}
