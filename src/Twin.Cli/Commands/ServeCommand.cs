using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Twin.Dashboard;
using Twin.Service.Broker;
using Twin.Service.Hosting;
using Twin.Storage.Influx;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin serve --config experiment.yaml [--mqtt mqtt://host:1883 | --mqtt-listen ADDR:PORT|none] [--influx http://host:8086 --db twin]</c>:
/// runs the twin service. Without <c>--mqtt</c>/<c>--influx</c> it runs on the embedded default: its own MQTT broker on
/// 127.0.0.1:1883 (telemetry also posted to <c>/api/cells/{id}/telemetry</c>) and the local durable spool;
/// <c>--mqtt-listen none</c> leaves the broker out.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Experiment file (YAML): site, cells, materials, Q_Li, c_Li0, limits", Required = true };
        var mqtt = new Option<string?>("--mqtt") { Description = "MQTT broker URL, e.g. mqtt://user:pass@127.0.0.1:1883 or mqtts://host:8883?ca=ca.crt" };
        var influx = new Option<string?>("--influx") { Description = "InfluxDB URL, e.g. http://127.0.0.1:8086 (with --db) or .../api/v2/write?org=o&bucket=b (with --token)" };
        var db = new Option<string?>("--db") { Description = "InfluxDB database for /write (1.x, 2.x compatibility, 3.x, VictoriaMetrics)" };
        var token = new Option<string?>("--token") { Description = "InfluxDB token (or set TWIN_INFLUX_TOKEN)" };
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Spool and checkpoints", DefaultValueFactory = _ => new DirectoryInfo("twin-data") };
        var urls = new Option<string>("--urls") { Description = "REST API and dashboard address", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var clientId = new Option<string>("--client-id") { Description = "MQTT client id and status-topic name", DefaultValueFactory = _ => "twin-service" };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Serve only the REST API, not the live dashboard" };
        var mqttPassword = MqttPassword.CreateOption();
        var mqttListen = BrokerOption.Create();
        var trustedProxy = new Option<string[]>("--trusted-proxy")
        {
            Description = "Reverse proxy (IP address or CIDR network) whose X-Forwarded-For/-Proto headers are believed; repeat for several",
            DefaultValueFactory = _ => [],
        };
        var spoolMax = new Option<string?>("--spool-max") { Description = "Largest spool on disk, bytes with k/M/G suffixes (1024-based), at least 256k (default 1G); past it new samples are refused, not acknowledged" };
        var epics = EpicsOption.Create();
        var nexus = NexusOption.Path();
        var nexusEvery = NexusOption.Every();
        var cmd = new Command("serve", "Run the twin service: one twin per cell, state and alarms published, telemetry and twin outputs stored")
        {
            config, mqtt, mqttPassword, mqttListen, influx, db, token, dataDir, urls, clientId, noDashboard, trustedProxy, spoolMax, epics, nexus, nexusEvery,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var file = r.GetValue(config)!;
            if (!file.Exists) return CliErrors.Fail($"{file.FullName}: no such file; expected an experiment file (YAML)");
            ServeOptions options;
            try
            {
                string[] proxies = r.GetValue(trustedProxy) ?? [];
                HttpSecurity.TrustedProxies(proxies);
                options = new ServeOptions(file.FullName, r.GetValue(dataDir)!.FullName, r.GetValue(urls)!) { ClientId = r.GetValue(clientId)!, TrustedProxies = proxies, EpicsPrefix = r.GetValue(epics),
                    NexusPath = r.GetValue(nexus), NexusFlushInterval = NexusOption.Interval(r.GetValue(nexusEvery)) };
                if (r.GetValue(spoolMax) is { } max)
                {
                    long bytes = ByteSize.Parse(max, "--spool-max");
                    if (bytes < 256 * 1024) return CliErrors.Fail($"--spool-max {max}: expected at least 256k (the spool needs room for its segments)");
                    options = options with { SpoolMaxBytes = bytes };
                }
                if (!r.GetValue(noDashboard)) options = DashboardSetup.With(options);
                string? influxUrl = r.GetValue(influx);
                if (influxUrl is not null)
                {
                    string? t = r.GetValue(token) ?? Environment.GetEnvironmentVariable("TWIN_INFLUX_TOKEN");
                    string? database = r.GetValue(db);
                    options = options with
                    {
                        Influx = InfluxEndpoint.FromOptions(new InfluxOptions { Url = influxUrl, Database = database, Token = t }),
                    };
                }
                string? mqttUrl = r.GetValue(mqtt);
                var broker = BrokerOption.Resolve(r.GetValue(mqttListen), mqttUrl);
                string site = Twin.Service.Config.ExperimentFile.Load(file.FullName)[0].Site;
                if (mqttUrl is not null)
                    options = MqttServiceBus.Configure(options, MqttPassword.Resolve(mqttUrl, r.GetValue(mqttPassword)), site);
                else if (broker is not null)
                    options = EmbeddedBrokerSetup.Configure(options, broker, site);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException)
            {
                return CliErrors.Fail(e.Message);
            }
            try
            {
                await using var app = TwinServer.Build(options);
                await app.StartAsync(ct).ConfigureAwait(false);
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
                // Stopped on its own (e.g. the broker refused the credentials): say why, exit non-zero.
                return app.Services.GetRequiredService<IngestStartup>().Error is { } fault ? CliErrors.Fail(fault.Message) : 0;
            }
            catch (Exception e) when (e is FormatException or IOException)
            {
                return CliErrors.Fail(e.Message);
            }
        });
        return cmd;
    }
}
