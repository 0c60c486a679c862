using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Twin.Testing.Victoria;

/// <summary>
/// A real single-node VictoriaMetrics (<c>victoria-metrics</c> from the Debian package of that name) for tests: its data
/// in a temporary directory, HTTP on a free port of 127.0.0.1 (which also takes the InfluxDB line protocol on
/// <c>/write</c> and <c>/api/v2/write</c>), no self-scraping, no other listener, a retention of 100 years so that
/// points with fixed historic timestamps are kept, and no deduplication: a sample written twice is stored twice, so a
/// test sees duplicates. Can be stopped (SIGTERM), killed (SIGKILL) and started again on the same port and data.
/// Disposing stops it and deletes the directory. A missing binary is an error, never a skip.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    /// <summary>What to do when the binary is missing.</summary>
    public const string InstallHint = "run scripts/test.sh, which installs victoria-metrics";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private readonly ServerProcess _process = new("victoria-metrics");
    private int _disposed;

    private VictoriaMetricsServer(string root, int httpPort)
    {
        RootDirectory = root;
        HttpPort = httpPort;
    }

    /// <summary>Path of the binary: <c>TWIN_VICTORIA_METRICS</c> or <c>/usr/bin/victoria-metrics</c>.</summary>
    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("TWIN_VICTORIA_METRICS") is { Length: > 0 } p ? p : "/usr/bin/victoria-metrics";

    /// <summary>Temporary directory of this instance; the storage is in its <c>data</c> subdirectory.</summary>
    public string RootDirectory { get; }

    /// <summary>HTTP port on 127.0.0.1.</summary>
    public int HttpPort { get; private set; }

    /// <summary><c>http://127.0.0.1:{HttpPort}/</c>.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process.IsRunning;

    /// <summary>Last lines the server printed (warnings and errors; for failure messages).</summary>
    public string RecentOutput => _process.RecentOutput;

    /// <summary>Starts a new server on a free port with an empty data directory.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <exception cref="InvalidOperationException">The binary is missing (see <see cref="InstallHint"/>) or the server does not come up.</exception>
    public static async Task<VictoriaMetricsServer> LaunchAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"victoria-metrics not found at {BinaryPath}: {InstallHint}");
        }
        string root = Path.Combine(Path.GetTempPath(), "twin-victoria-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var server = new VictoriaMetricsServer(root, ServerProcess.FreePort());
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartAsync(cancellationToken).ConfigureAwait(false);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3 && server.RecentOutput.Contains("address already in use", StringComparison.Ordinal))
                {
                    server.HttpPort = ServerProcess.FreePort();
                }
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>(Re)starts the server on the same port and data and waits for <c>/health</c> to answer <c>OK</c>.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <exception cref="InvalidOperationException">Already running, or the process exits on start (its output is in the message).</exception>
    /// <exception cref="TimeoutException">It does not answer in time (its output is in the message).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(BinaryPath);
        foreach (string arg in Arguments())
        {
            psi.ArgumentList.Add(arg);
        }
        await _process.StartAsync(psi, async ct =>
        {
            using var health = await _http.GetAsync(new Uri(BaseUri, "health"), ct).ConfigureAwait(false);
            return health.StatusCode == HttpStatusCode.OK;
        }, $"victoria-metrics to answer /health on port {HttpPort}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server with SIGTERM (it writes what it buffers to disk) and waits for it to exit (SIGKILL after <paramref name="timeout"/>, default 30 s).</summary>
    /// <param name="timeout">Grace period.</param>
    public Task StopAsync(TimeSpan? timeout = null) => _process.StopAsync(timeout);

    /// <summary>Kills the server at once (SIGKILL), as a crash would: what it had not yet written to disk is lost.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Makes everything ingested so far searchable (<c>/internal/force_flush</c>) instead of waiting for the periodic flush.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="InvalidOperationException">The server answered an error.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri(BaseUri, "internal/force_flush"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException($"force_flush failed with {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>
    /// The raw samples of every series matching a series selector (<c>/api/v1/export</c>, all time), e.g.
    /// <c>{__name__=~"telemetry_.*",db="twin"}</c>. Call <see cref="FlushAsync"/> first for data just written.
    /// </summary>
    /// <param name="match">Series selector.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The series in the server's order, each with its samples in time order.</returns>
    /// <exception cref="InvalidOperationException">The server answered an error.</exception>
    public async Task<IReadOnlyList<VictoriaSeries>> ExportAsync(string match, CancellationToken cancellationToken = default)
    {
        using var form = new FormUrlEncodedContent([new("match[]", match)]);
        using var response = await _http.PostAsync(new Uri(BaseUri, "api/v1/export"), form, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"export of {match} failed with {(int)response.StatusCode}: {body}");
        }
        var series = new List<VictoriaSeries>();
        foreach (string line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var labels = doc.RootElement.GetProperty("metric").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var values = doc.RootElement.GetProperty("values").EnumerateArray().Select(ParseValue).ToList();
            var timestamps = doc.RootElement.GetProperty("timestamps").EnumerateArray().Select(t => t.GetInt64()).ToList();
            series.Add(new VictoriaSeries(labels, values, timestamps));
        }
        return series;
    }

    /// <summary>Evaluates an instant PromQL/MetricsQL query (<c>/api/v1/query</c>, result cache bypassed) and returns the vector.</summary>
    /// <param name="query">The query, e.g. <c>sum(count_over_time({__name__=~"m_.*"}[1h]))</c>.</param>
    /// <param name="time">Evaluation time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Each element's labels and value.</returns>
    /// <exception cref="InvalidOperationException">The server answered an error or not a vector.</exception>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string query, DateTimeOffset time,
        CancellationToken cancellationToken = default)
    {
        using var form = new FormUrlEncodedContent([
            new("query", query),
            new("time", (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)),
            new("nocache", "1"),
        ]);
        using var response = await _http.PostAsync(new Uri(BaseUri, "api/v1/query"), form, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"query '{query}' failed with {(int)response.StatusCode}: {body}");
        }
        using var doc = JsonDocument.Parse(body);
        var data = doc.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
        {
            throw new InvalidOperationException($"query '{query}' gave no vector: {body}");
        }
        return data.GetProperty("result").EnumerateArray()
            .Select(r => ((IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
                ParseValue(r.GetProperty("value")[1])))
            .ToList();
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            try
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary directory.
            }
        }
    }

    private IEnumerable<string> Arguments() =>
    [
        $"-httpListenAddr=127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}",
        $"-storageDataPath={Path.Combine(RootDirectory, "data")}",
        "-retentionPeriod=100y",   // tests write fixed timestamps of past years; the default (1 month) would drop them
        "-selfScrapeInterval=0",   // no own metrics in the storage
        "-search.disableCache",    // a query polled until data shows is never answered from an earlier result
        "-loggerLevel=WARN",
    ];

    // A sample value: a JSON number, or a string ("NaN", "Inf", or a number in /api/v1/query answers).
    private static double ParseValue(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? double.Parse(value.GetString()!.Replace("Inf", "Infinity", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture)
        : value.GetDouble();

}

/// <summary>One series of a VictoriaMetrics export.</summary>
/// <param name="Labels">All labels, the metric name as <c>__name__</c> (for line protocol <c>{measurement}_{field}</c>, tags and <c>db</c>).</param>
/// <param name="Values">Sample values (booleans as 1/0).</param>
/// <param name="TimestampsMs">Sample timestamps in ms since the epoch, same order as <paramref name="Values"/>.</param>
public sealed record VictoriaSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<double> Values, IReadOnlyList<long> TimestampsMs)
{
    /// <summary>The metric name (<c>__name__</c>).</summary>
    public string Name => Labels.TryGetValue("__name__", out var n) ? n : "";

    /// <summary>A label's value, or null.</summary>
    /// <param name="label">Label name.</param>
    public string? Label(string label) => Labels.TryGetValue(label, out var v) ? v : null;
}
