namespace Twin.Storage.Influx;

/// <summary>
/// Connection settings as they come from configuration (all optional; explicit properties override what
/// <see cref="Url"/> carries). Turned into an <see cref="InfluxEndpoint"/> by <see cref="InfluxEndpoint.FromOptions"/>.
/// </summary>
public sealed class InfluxOptions
{
    /// <summary>
    /// Server URL, e.g. <c>http://127.0.0.1:8086</c>, <c>http://host:8086/write?db=twin&amp;rp=autogen</c>,
    /// <c>http://user:pass@host:8086?db=twin</c> or <c>https://host/api/v2/write?org=lab&amp;bucket=twin</c>.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Database for <c>/write</c> (1.x API).</summary>
    public string? Database { get; set; }

    /// <summary>Retention policy for <c>/write</c>; null for the database's default.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>Username for <c>/write</c> (sent as HTTP Basic authentication).</summary>
    public string? Username { get; set; }

    /// <summary>Password for <c>/write</c>.</summary>
    public string? Password { get; set; }

    /// <summary>API token (<c>Authorization: Token …</c>), required for <c>/api/v2/write</c>.</summary>
    public string? Token { get; set; }

    /// <summary>Organization for <c>/api/v2/write</c> (InfluxDB 2.x needs it; 3.x ignores it).</summary>
    public string? Organization { get; set; }

    /// <summary>Bucket for <c>/api/v2/write</c>; setting it selects the v2 API.</summary>
    public string? Bucket { get; set; }
}
