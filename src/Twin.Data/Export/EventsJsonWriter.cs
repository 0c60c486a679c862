using System.Text.Json;
using Twin.Core.Cells;
using Twin.Core.Safety;

namespace Twin.Data.Export;

/// <summary>
/// Streams <c>events.json</c>: a JSON array of zone transitions
/// <c>[{"time_s":…, "from":…, "to":…, "c_li":…, "voltage_V":…, "step":…}]</c>, written as they happen.
/// </summary>
public sealed class EventsJsonWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;

    /// <summary>Opens the array.</summary>
    /// <param name="stream">Destination; disposed with the writer.</param>
    public EventsJsonWriter(Stream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        _json.WriteStartArray();
    }

    /// <summary>Transitions written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends a transition if the sample changed the zone; otherwise does nothing.</summary>
    /// <param name="o">The twin's output.</param>
    /// <returns>True when a transition was written.</returns>
    public bool WriteIfTransition(in TwinOutput o)
    {
        if (!o.ZoneChanged) return false;
        _json.WriteStartObject();
        _json.WriteNumber("time_s", o.TimeS);
        _json.WriteString("from", o.PreviousZone.Name());
        _json.WriteString("to", o.Zone.Name());
        _json.WriteNumber("c_li", o.CLi);
        _json.WriteNumber("voltage_V", o.VoltageV);
        _json.WriteNumber("step", o.Step);
        _json.WriteEndObject();
        Count++;
        if (_json.BytesPending > 16_384) _json.Flush();
        return true;
    }

    /// <summary>Closes the array and the stream.</summary>
    public void Dispose()
    {
        _json.WriteEndArray();
        _json.Flush();
        _json.Dispose();
        _stream.Dispose();
    }
}
