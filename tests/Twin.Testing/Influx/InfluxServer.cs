using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Twin.Testing.Influx;

/// <summary>
/// A real InfluxDB 1.x (<c>influxd</c> from the Debian package <c>influxdb</c>) for tests: its own config file,
/// data/meta/wal directories in a temporary directory, HTTP and RPC bound to 127.0.0.1 on free ports, reporting
/// and every other service (UDP, Graphite, collectd, OpenTSDB, monitor, continuous queries) disabled.
/// Can be stopped (SIGTERM), killed (SIGKILL) and started again on the same ports and data for fault tests.
/// Disposing stops it and deletes the directory. Missing <c>influxd</c> is an error, never a skip.
/// </summary>
public sealed class InfluxServer : IAsyncDisposable
{
    /// <summary>What to do when influxd is missing.</summary>
    public const string InstallHint = "run scripts/test.sh, which installs influxdb";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly ServerProcess _process = new("influxd");
    private int _disposed;

    private InfluxServer(string root, int httpPort, int rpcPort)
    {
        RootDirectory = root;
        HttpPort = httpPort;
        RpcPort = rpcPort;
    }

    /// <summary>Path of influxd: <c>TWIN_INFLUXD</c> or <c>/usr/bin/influxd</c>.</summary>
    public static string InfluxdPath => Environment.GetEnvironmentVariable("TWIN_INFLUXD") is { Length: > 0 } p ? p : "/usr/bin/influxd";

    /// <summary>Temporary directory holding config, data, meta and wal.</summary>
    public string RootDirectory { get; }

    /// <summary>HTTP port on 127.0.0.1.</summary>
    public int HttpPort { get; private set; }

    /// <summary>RPC (backup/restore) port on 127.0.0.1.</summary>
    public int RpcPort { get; private set; }

    /// <summary><c>http://127.0.0.1:{HttpPort}/</c>.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>The database created by <see cref="LaunchAsync"/>, or null.</summary>
    public string? Database { get; private set; }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process.IsRunning;

    /// <summary>Last lines influxd printed (for failure messages).</summary>
    public string RecentOutput => _process.RecentOutput;

    /// <summary>Starts a new server on free ports and creates <paramref name="database"/> (unless null).</summary>
    /// <param name="database">Database to create, or null.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <exception cref="InvalidOperationException">influxd is missing (see <see cref="InstallHint"/>) or does not come up.</exception>
    public static async Task<InfluxServer> LaunchAsync(string? database = "twin", CancellationToken cancellationToken = default)
    {
        if (!File.Exists(InfluxdPath))
        {
            throw new InvalidOperationException($"influxd not found at {InfluxdPath}: {InstallHint}");
        }
        string root = Path.Combine(Path.GetTempPath(), "twin-influx-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var server = new InfluxServer(root, ServerProcess.FreePort(), ServerProcess.FreePort());
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartAsync(cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (InvalidOperationException) when (attempt < 3 && server.RecentOutput.Contains("address already in use", StringComparison.Ordinal))
                {
                    server.HttpPort = ServerProcess.FreePort();
                    server.RpcPort = ServerProcess.FreePort();
                }
            }
            if (database is not null)
            {
                await server.CreateDatabaseAsync(database, cancellationToken).ConfigureAwait(false);
                server.Database = database;
            }
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>(Re)starts influxd on the same ports and data and waits for <c>/ping</c> to answer 204.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <exception cref="InvalidOperationException">Already running, or influxd exits or does not answer within 60 s.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        string config = WriteConfig();
        var psi = new ProcessStartInfo(InfluxdPath);
        psi.ArgumentList.Add("-config");
        psi.ArgumentList.Add(config);
        psi.Environment["INFLUXDB_REPORTING_DISABLED"] = "true";
        await _process.StartAsync(psi, async ct =>
        {
            using var ping = await _http.GetAsync(new Uri(BaseUri, "ping"), ct).ConfigureAwait(false);
            return ping.StatusCode == HttpStatusCode.NoContent;
        }, "influxd to answer /ping", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops influxd with SIGTERM and waits for it to exit (SIGKILL after <paramref name="timeout"/>, default 30 s).</summary>
    /// <param name="timeout">Grace period.</param>
    public Task StopAsync(TimeSpan? timeout = null) => _process.StopAsync(timeout);

    /// <summary>Kills influxd at once (SIGKILL), as a crash would.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Creates a database (<c>CREATE DATABASE</c>, a no-op when it exists).</summary>
    /// <param name="name">Database name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        await QueryAsync($"CREATE DATABASE {QuoteIdentifier(name)}", null, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs InfluxQL through <c>POST /query</c> with <c>epoch=ns</c> and returns the series of all statements.</summary>
    /// <param name="influxQL">Statement(s).</param>
    /// <param name="database">Database (default: <see cref="Database"/>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="InvalidOperationException">The server answered an error.</exception>
    public async Task<IReadOnlyList<InfluxSeries>> QueryAsync(string influxQL, string? database = null, CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>> { new("q", influxQL), new("epoch", "ns") };
        if ((database ?? Database) is { } db)
        {
            form.Add(new("db", db));
        }
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(BaseUri, "query"), content, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"query '{influxQL}' failed with {(int)response.StatusCode}: {body}");
        }
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.TryGetProperty("error", out var topError))
        {
            throw new InvalidOperationException($"query '{influxQL}' failed: {topError.GetString()}");
        }
        var series = new List<InfluxSeries>();
        foreach (var result in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"query '{influxQL}' failed: {error.GetString()}");
            }
            if (!result.TryGetProperty("series", out var list))
            {
                continue;
            }
            foreach (var s in list.EnumerateArray())
            {
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                if (s.TryGetProperty("tags", out var t))
                {
                    foreach (var p in t.EnumerateObject())
                    {
                        tags[p.Name] = p.Value.GetString() ?? "";
                    }
                }
                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
                var values = new List<IReadOnlyList<JsonElement>>();
                if (s.TryGetProperty("values", out var rows))
                {
                    foreach (var row in rows.EnumerateArray())
                    {
                        values.Add(row.EnumerateArray().Select(v => v.Clone()).ToList());
                    }
                }
                series.Add(new InfluxSeries(s.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "", tags, columns, values));
            }
        }
        return series;
    }

    /// <summary>Runs a query and returns all rows of all series.</summary>
    /// <param name="influxQL">Statement.</param>
    /// <param name="database">Database (default: <see cref="Database"/>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<InfluxRow>> QueryRowsAsync(string influxQL, string? database = null, CancellationToken cancellationToken = default) =>
        (await QueryAsync(influxQL, database, cancellationToken).ConfigureAwait(false)).SelectMany(s => s.Rows()).ToList();

    /// <summary>Double-quotes an InfluxQL identifier (escaping <c>\</c> and <c>"</c>).</summary>
    /// <param name="identifier">Name.</param>
    public static string QuoteIdentifier(string identifier) =>
        "\"" + identifier.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

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

    private string WriteConfig()
    {
        string D(string name) => Path.Combine(RootDirectory, name).Replace("\\", "\\\\", StringComparison.Ordinal);
        string config = string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{RpcPort}"

            [meta]
              dir = "{D("meta")}"
              retention-autocreate = true
              logging-enabled = false

            [data]
              dir = "{D("data")}"
              wal-dir = "{D("wal")}"
              wal-fsync-delay = "0s"
              index-version = "inmem"
              query-log-enabled = false
              trace-logging-enabled = false

            [coordinator]
              write-timeout = "10s"

            [retention]
              enabled = false

            [shard-precreation]
              enabled = false

            [monitor]
              store-enabled = false

            [subscriber]
              enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{HttpPort}"
              auth-enabled = false
              log-enabled = false
              write-tracing = false
              pprof-enabled = false
              https-enabled = false
              unix-socket-enabled = false
              max-row-limit = 0
              max-body-size = 25000000

            [logging]
              level = "warn"
              suppress-logo = true

            [[graphite]]
              enabled = false

            [[collectd]]
              enabled = false

            [[opentsdb]]
              enabled = false

            [[udp]]
              enabled = false

            [continuous_queries]
              enabled = false
            """);
        string path = Path.Combine(RootDirectory, "influxdb.conf");
        File.WriteAllText(path, config, new UTF8Encoding(false));
        return path;
    }
}
