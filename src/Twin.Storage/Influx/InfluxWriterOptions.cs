namespace Twin.Storage.Influx;

/// <summary>HTTP, compression, retry and circuit-breaker settings of an <see cref="InfluxWriter"/>.</summary>
public sealed record InfluxWriterOptions
{
    /// <summary>Time allowed for one request, from sending to the end of the response (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>TCP connect timeout of the <see cref="SocketsHttpHandler"/> (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Compress bodies with gzip (<c>Content-Encoding: gzip</c>, accepted by InfluxDB 1.x/2.x/3.x). Default true.</summary>
    public bool Gzip { get; init; } = true;

    /// <summary>Bodies smaller than this (bytes) are sent uncompressed (default 1024).</summary>
    public int GzipMinimumBytes { get; init; } = 1024;

    /// <summary>First retry delay of the exponential backoff (with jitter) after a 5xx or network error (default 0.5 s).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest backoff delay (default 30 s).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest <c>Retry-After</c> honoured on 429/503; longer values are cut to this (default 5 min).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay between attempts while the server answers 401, 403, 404 or another configuration error (default 30 s).</summary>
    public TimeSpan ConfigurationErrorRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failure ratio (5xx, 429, network, timeout) within <see cref="CircuitSamplingDuration"/> that opens the circuit (default 0.5).</summary>
    public double CircuitFailureRatio { get; init; } = 0.5;

    /// <summary>Minimum attempts within the sampling window before the circuit can open (default 5).</summary>
    public int CircuitMinimumThroughput { get; init; } = 5;

    /// <summary>Sampling window of the circuit breaker (default 30 s).</summary>
    public TimeSpan CircuitSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit holds requests back before a trial request (default 10 s).</summary>
    public TimeSpan CircuitBreakDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock of request timeouts, retry delays, <c>Retry-After</c> dates and the circuit breaker (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Bytes of an error answer read for its reason (default 64 KiB); the rest is not read. InfluxDB echoes a line it
    /// cannot parse in its 400 answer, so the body can be as large as the request.
    /// </summary>
    public int MaxErrorBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Maximum characters of a server error text kept in results and logs (default 2000).</summary>
    public int MaxReasonLength { get; init; } = 2000;

    /// <summary>The <c>User-Agent</c> header.</summary>
    public string UserAgent { get; init; } = "twin-storage/1.0";
}
