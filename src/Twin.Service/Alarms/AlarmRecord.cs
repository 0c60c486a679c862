using System.Text.Json.Serialization;

namespace Twin.Service.Alarms;

/// <summary>
/// One lithium-window alarm of a cell: raised when the cell's zone goes critical or deep (c_Li below the
/// critical limit, default 0.40 — Jousseaume et al. 2024, §3.4–3.5), escalated when it goes deeper,
/// cleared when the cell is back in caution or safe, and acknowledged by an operator (before or after it clears).
/// </summary>
/// <param name="Id">Alarm id, unique within the service's data directory, increasing.</param>
/// <param name="Site">Site id.</param>
/// <param name="Cell">Cell id.</param>
/// <param name="Zone">Worst zone reached while active: "critical" or "deep".</param>
/// <param name="RaisedUnixNs">Sample time of the crossing, ns since the Unix epoch.</param>
/// <param name="CLi">c_Li at the crossing.</param>
/// <param name="VoltageV">Voltage at the crossing, V.</param>
/// <param name="Step">Source step at the crossing.</param>
/// <param name="ClearedUnixNs">Sample time the cell left the critical zones, or null while active.</param>
/// <param name="AcknowledgedBy">User who acknowledged, or null.</param>
/// <param name="AcknowledgedUnixNs">Wall-clock time of the acknowledgement, or null.</param>
/// <param name="Note">The operator's note with the acknowledgement, or null.</param>
/// <param name="Crossings">Crossings into the critical zones counted on this alarm: 1 when raised, one more each time
/// the cell went below the critical limit again while the alarm was still open (see <see cref="AlarmBook"/>).</param>
public sealed record AlarmRecord(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("zone")] string Zone,
    [property: JsonPropertyName("raised_unix_ns")] long RaisedUnixNs,
    [property: JsonPropertyName("c_li")] double CLi,
    [property: JsonPropertyName("voltage_V")] double VoltageV,
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("cleared_unix_ns")] long? ClearedUnixNs = null,
    [property: JsonPropertyName("acknowledged_by")] string? AcknowledgedBy = null,
    [property: JsonPropertyName("acknowledged_unix_ns")] long? AcknowledgedUnixNs = null,
    [property: JsonPropertyName("note")] string? Note = null,
    [property: JsonPropertyName("crossings")] int Crossings = 1)
{
    /// <summary>True while the cell is still critical or deep.</summary>
    [JsonIgnore] public bool Active => ClearedUnixNs is null;

    /// <summary>True once an operator acknowledged it.</summary>
    [JsonIgnore] public bool Acknowledged => AcknowledgedBy is not null;

    /// <summary>True when the alarm needs attention: still active, or cleared but not yet acknowledged.</summary>
    [JsonIgnore] public bool Open => Active || !Acknowledged;

    /// <summary>"active", "acknowledged" (active, acknowledged), "cleared" (not acknowledged) or "closed".</summary>
    [JsonIgnore]
    public string State => (Active, Acknowledged) switch
    {
        (true, false) => "active",
        (true, true) => "acknowledged",
        (false, false) => "cleared",
        _ => "closed",
    };
}
