using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Spectre.Console;
using Twin.Cli.Publish;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Data.Readers.Follow;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin publish FILE --cell ID [--site S] [--speed N|max] [--follow [--idle-exit S] [--state F]] [--mqtt URL [--mqtt-password-file F] | --url http://twin-service --token T]</c>:
/// plays a cycler file onto the telemetry topic as a live instrument would, or follows it while the cycler writes it.
/// </summary>
internal static class PublishCommand
{
    /// <summary>Environment variable holding the API token for <c>--url</c>.</summary>
    public const string ApiTokenVariable = "TWIN_API_TOKEN";

    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Cycler export (any format twin replay reads), or with --follow a folder the cycler writes its exports into" };
        var cell = new Option<string>("--cell") { Description = "Cell id", Required = true };
        var site = new Option<string>("--site") { Description = "Site id", DefaultValueFactory = _ => "lab" };
        var speed = new Option<string>("--speed") { Description = "Real time × N, or 'max' for as fast as possible", DefaultValueFactory = _ => "1" };
        var mqtt = new Option<string>("--mqtt") { Description = "MQTT broker URL", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };
        var url = new Option<string?>("--url") { Description = "Post to a twin service's HTTP ingest instead of MQTT (embedded default), e.g. http://127.0.0.1:5080" };
        var mqttPassword = MqttPassword.CreateOption();
        var apiToken = new Option<string?>("--token") { Description = $"API token for --url (or set {ApiTokenVariable}); made by `twin token`" };
        var batch = new Option<int>("--batch") { Description = "Samples per message", DefaultValueFactory = _ => 1 };
        var start = new Option<string>("--start") { Description = "Wire time of the file's first sample: 'file' (its recorded start, else now), 'now', or an ISO 8601 UTC time", DefaultValueFactory = _ => "file" };
        var firstSeq = new Option<long>("--first-seq") { Description = "Sequence number of the first sample", DefaultValueFactory = _ => 0 };
        var format = new Option<string?>("--format") { Description = $"Override format detection: {string.Join(", ", CyclerFormatNames.Accepted)}" };
        var lenient = new Option<bool>("--lenient") { Description = "Skip malformed rows" };
        var follow = new Option<bool>("--follow") { Description = "Follow the file as the cycler writes it: publish each row once its line is complete, until stopped (Ctrl-C) or --idle-exit; a restart resumes after the last acknowledged sample" };
        var idleExit = new Option<double?>("--idle-exit") { Description = "With --follow: stop after the file did not grow for this many seconds" };
        var state = new Option<string?>("--state") { Description = "With --follow: where progress is kept for a restart (default $XDG_STATE_HOME/twin/publish/SITE_CELL.json)" };
        var cmd = new Command("publish", "Play a cycler file onto MQTT (or a twin service's HTTP ingest) as a live instrument would, or follow it as it grows")
        {
            file, cell, site, speed, mqtt, mqttPassword, url, apiToken, batch, start, firstSeq, format, lenient, follow, idleExit, state,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var f = r.GetValue(file)!;
            bool folder = Directory.Exists(f.FullName);
            if (folder && !r.GetValue(follow)) return CliErrors.Fail($"{f.FullName} is a folder: a folder is published with --follow (its files one after the other)");
            if (!f.Exists && !folder) return CliErrors.Fail($"{f.FullName}: no such file; expected a cycler export");
            string cellId = r.GetValue(cell)!, siteId = r.GetValue(site)!;
            if (!TwinTopics.IsId(cellId) || !TwinTopics.IsId(siteId)) return CliErrors.Fail($"--cell '{cellId}' and --site '{siteId}' must match [A-Za-z0-9_-]+");
            string sp = r.GetValue(speed)!;
            double speedFactor;
            if (sp == "max") speedFactor = 0;
            else if (!double.TryParse(sp, NumberStyles.Float, CultureInfo.InvariantCulture, out speedFactor) || !(speedFactor > 0))
                return CliErrors.Fail($"--speed '{sp}': expected a positive number or 'max'");
            int batchSize = r.GetValue(batch);
            if (batchSize is < 1 or > TwinPayloads.MaxSamplesPerMessage) return CliErrors.Fail($"--batch {batchSize}: expected 1 to {TwinPayloads.MaxSamplesPerMessage}");
            ReaderOptions readerOptions;
            long startNs;
            try
            {
                string? fmt = r.GetValue(format);
                readerOptions = new ReaderOptions { Format = fmt is null ? null : CyclerFormatNames.Parse(fmt), Lenient = r.GetValue(lenient) };
                startNs = folder ? 0 : StartTime(r.GetValue(start)!, f.FullName, readerOptions);
            }
            catch (Exception e) when (e is FormatException or CyclerDataException)
            {
                return CliErrors.Fail(e.Message);
            }
            FollowOptions? followOptions = null;
            string? statePath = r.GetValue(state);
            if (r.GetValue(follow))
            {
                double? idle = r.GetValue(idleExit);
                if (idle is { } i && !(i > 0 && double.IsFinite(i))) return CliErrors.Fail($"--idle-exit {i}: expected a positive number of seconds");
                followOptions = new FollowOptions { IdleExit = idle is { } s ? TimeSpan.FromSeconds(s) : null };
                statePath ??= PublishState.DefaultPath(siteId, cellId);
            }
            else if (r.GetValue(idleExit) is not null)
            {
                return CliErrors.Fail("--idle-exit applies to --follow only");
            }
            var request = new PublishRequest(f.FullName, siteId, cellId, speedFactor, batchSize, startNs, r.GetValue(firstSeq), readerOptions, followOptions, statePath);
            string? http = r.GetValue(url);
            try
            {
                string startMode = r.GetValue(start)!;
                Func<string, long>? startFor = folder ? path => StartTime(startMode, path, readerOptions) : null;
                (long samples, long messages) = http is null
                    ? await ViaMqttAsync(request, MqttPassword.Resolve(r.GetValue(mqtt)!, r.GetValue(mqttPassword)), startFor, ct).ConfigureAwait(false)
                    : await ViaHttpAsync(request, http, r.GetValue(apiToken) ?? Environment.GetEnvironmentVariable(ApiTokenVariable), startFor, ct).ConfigureAwait(false);
                AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture, $"published {samples:N0} samples in {messages:N0} messages to {TwinTopics.Telemetry(siteId, cellId)}"));
                return 0;
            }
            catch (Exception e) when (e is CyclerDataException or MqttException or HttpRequestException or ArgumentException or FormatException or IOException)
            {
                return CliErrors.Fail(e.Message);
            }
        });
        return cmd;
    }

    /// <summary>Publishes the file, or with <paramref name="startFor"/> the folder's files one after the other.</summary>
    private static Task<(long, long)> RunAsync(PublishRequest request, Func<BusMessage, CancellationToken, ValueTask> send, int window,
        Func<string, long>? startFor, CancellationToken ct) => startFor is null
        ? FilePublisher.RunAsync(request, send, window, null, ct, Say)
        : FolderPublisher.RunAsync(request.File, request, startFor, send, window, Say, ct);

    private static async Task<(long, long)> ViaMqttAsync(PublishRequest request, MqttClientOptions options, Func<string, long>? startFor, CancellationToken ct)
    {
        await using var client = new MqttClient(options with
        {
            ClientId = $"twin-publish-{request.Cell}",
            CleanStart = false,
            SessionExpiryInterval = 3_600,
        });
        await client.ConnectAsync(ct).ConfigureAwait(false);
        return await RunAsync(request, client.PublishAsync, 256, startFor, ct).ConfigureAwait(false);
    }

    private static async Task<(long, long)> ViaHttpAsync(PublishRequest request, string baseUrl, string? token, Func<string, long>? startFor, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        if (token is { Length: > 0 }) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        string path = $"/api/cells/{request.Cell}/telemetry";
        // 503: nothing of the request was stored (spool or disk full, too much in flight); the same request is sent
        // again after the service's Retry-After, without end — a sample it stored meanwhile counts as a duplicate.
        var unavailable = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>().HandleResult(r => r.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result?.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)),
                OnRetry = async args =>
                {
                    string why = args.Outcome.Result is { } r ? await r.Content.ReadAsStringAsync(args.Context.CancellationToken).ConfigureAwait(false) : "";
                    await Console.Error.WriteLineAsync($"{baseUrl}{path}: 503, retrying in {args.RetryDelay.TotalSeconds:0} s: {why}").ConfigureAwait(false);
                },
            })
            .Build();
        return await RunAsync(request, async (m, c) =>
        {
            byte[] body = m.Payload.ToArray();
            using var response = await unavailable.ExecuteAsync(async token =>
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                return await http.PostAsync(path, content, token).ConfigureAwait(false);
            }, c).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string hint = response.StatusCode switch
                {
                    System.Net.HttpStatusCode.Unauthorized => token is { Length: > 0 } ? "the service does not know this API token" : $"the service needs an API token (--token or {ApiTokenVariable})",
                    System.Net.HttpStatusCode.Forbidden => $"the API token may not post to cell '{request.Cell}'",
                    _ => await response.Content.ReadAsStringAsync(c).ConfigureAwait(false),
                };
                throw new HttpRequestException($"{baseUrl}{path}: {(int)response.StatusCode}: {hint}");
            }
        }, 1, startFor, ct).ConfigureAwait(false);
    }

    private static void Say(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));

    private static long StartTime(string start, string file, ReaderOptions options)
    {
        var now = UnixTime.NowNs();
        if (start == "now") return now;
        if (start == "file")
        {
            using var reader = CyclerFileReader.Open(file, options);
            return reader.Diagnostics.StartTime is { } t ? UnixTime.ToUnixNs(t) : now;
        }
        if (DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return UnixTime.ToUnixNs(at);
        throw new FormatException($"--start '{start}': expected 'file', 'now' or an ISO 8601 time such as 2024-05-01T12:00:00Z");
    }
}
