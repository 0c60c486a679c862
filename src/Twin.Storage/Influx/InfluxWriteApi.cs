namespace Twin.Storage.Influx;

/// <summary>Which HTTP write endpoint an <see cref="InfluxEndpoint"/> uses.</summary>
public enum InfluxWriteApi
{
    /// <summary>
    /// <c>POST /write?db=…[&amp;rp=…]&amp;precision=ns|u|ms|s</c>: InfluxDB 1.x, the 1.x compatibility API of 2.x and
    /// 3.x, VictoriaMetrics. Authentication by username/password (HTTP Basic) or token (<c>Authorization: Token …</c>).
    /// </summary>
    V1 = 1,

    /// <summary>
    /// <c>POST /api/v2/write?org=…&amp;bucket=…&amp;precision=ns|us|ms|s</c> with <c>Authorization: Token …</c>:
    /// InfluxDB 2.x, Cloud, and the v2 compatibility API of 3.x.
    /// </summary>
    V2 = 2,
}
