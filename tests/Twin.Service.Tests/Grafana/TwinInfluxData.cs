using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Safety;
using Twin.Core.Samples;
using Twin.Data.Readers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Hosting;
using Twin.Storage.Influx;
using Twin.Testing.Influx;
using Twin.Testing;

namespace Twin.Service.Tests.Grafana;

/// <summary>
/// A real InfluxDB filled by the service itself: three cells on two sites charge through c_Li 0.40 in two
/// cycles of the LG M50 record (ending a minute ago), with diffraction pattern records every hour. The
/// service runs on its in-process bus, drains its spool to the InfluxDB and is stopped once all is stored.
/// </summary>
public sealed class TwinInfluxData : IAsyncLifetime
{
    public const string Instrument = "maccor";

    public static readonly (string Site, string Cell)[] Cells = [("lab", "cell-a"), ("lab", "cell-b"), ("id31", "cell-c")];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "twin-grafana-" + Guid.NewGuid().ToString("N")[..12]);

    public InfluxServer Influx { get; private set; } = null!;

    /// <summary>Time of the first and last sample stored, ns since the Unix epoch.</summary>
    public long FirstUnixNs { get; private set; } = long.MaxValue;

    public long LastUnixNs { get; private set; } = long.MinValue;

    public int SamplesPerCell { get; private set; }

    public int PatternsPerCell { get; private set; }

    /// <summary>Zone transitions of one cell as the twin computes them for the samples fed.</summary>
    public IReadOnlyList<(string From, string To)> TransitionsPerCell { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        Influx = await InfluxServer.LaunchAsync("twin");
        var (samples, transitions) = TwoCycles();
        SamplesPerCell = samples.Count;
        TransitionsPerCell = transitions;

        string config = Path.Combine(_dir, "experiment.yaml");
        File.WriteAllText(config, "cells:\n" + string.Concat(Cells.Select(c =>
            $"  - id: {c.Cell}\n    site: {c.Site}\n    material: NMC811\n    q_li_Ah: 8.732\n    c_li0: 0.80\n")) + TestApi.Section());
        var bus = new InProcessBus();
        var app = TwinServer.Build(new ServeOptions(config, Path.Combine(_dir, "data"), "http://127.0.0.1:0")
        {
            Bus = bus,
            Influx = InfluxEndpoint.V1(Influx.BaseUri, "twin"),
        }, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            using var http = TestApi.Client(app);
            long end = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100 - 60_000_000_000L;
            long duration = samples[^1].TimeUnixNs - samples[0].TimeUnixNs;
            for (int i = 0; i < Cells.Length; i++)
            {
                var (site, cell) = Cells[i];
                // Each cell starts a few minutes after the previous one; the last sample of the last cell is a minute ago.
                long shift = end - duration - (Cells.Length - 1 - i) * 300_000_000_000L - samples[0].TimeUnixNs;
                var wire = samples.Select(s => s with { TimeUnixNs = s.TimeUnixNs + shift }).ToList();
                FirstUnixNs = Math.Min(FirstUnixNs, wire[0].TimeUnixNs);
                LastUnixNs = Math.Max(LastUnixNs, wire[^1].TimeUnixNs);
                PatternsPerCell = await FeedAsync(bus, http, site, cell, wire);
            }
            await WaitUntilStoredAsync(http);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Influx is not null) await Influx.DisposeAsync();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
            // A temporary directory.
        }
    }

    /// <summary>Publishes the telemetry in batches of 100 and, after every hour of data, a 10 s pattern exposure in it.</summary>
    private static async Task<int> FeedAsync(InProcessBus bus, HttpClient http, string site, string cell, List<TelemetrySample> wire)
    {
        int patterns = 0;
        long nextPattern = wire[0].TimeUnixNs + 1_800_000_000_000L;
        foreach (var chunk in wire.Chunk(100))
        {
            await bus.PublishAsync(new BusMessage(TwinTopics.Telemetry(site, cell),
                TwinPayloads.Serialize(new TelemetryMessage { Instrument = Instrument, Samples = [.. chunk] })));
            if (chunk[^1].TimeUnixNs < nextPattern) continue;
            await WaitForSeqAsync(http, cell, chunk[^1].Seq);
            long mid = nextPattern;
            patterns++;
            var record = new PatternRecord
            {
                PatternId = $"{cell}-xrd-{patterns:0000}",
                Seq = patterns,
                StartUnixNs = mid - 5_000_000_000L,
                EndUnixNs = mid + 5_000_000_000L,
                ExposureS = 10,
                // Some detectors report the wavelength, others the photon energy (70 keV is 0.1771 Å).
                WavelengthA = patterns % 2 == 0 ? 0.1771 : null,
                EnergyKeV = patterns % 2 == 0 ? null : 70.0,
                TwoThetaMinDeg = 1,
                TwoThetaMaxDeg = 12,
                Detector = "pilatus",
                Uri = $"file:///data/{site}/{cell}/xrd-{patterns:0000}.xy",
            };
            await bus.PublishAsync(new BusMessage(TwinTopics.Pattern(site, cell), TwinPayloads.Serialize(record)));
            nextPattern += 3_600_000_000_000L;
        }
        return patterns;
    }

    private static Task WaitForSeqAsync(HttpClient http, string cell, long seq) =>
        Wait.UntilAsync(async () =>
        {
            using var detail = JsonDocument.Parse(await http.GetStringAsync($"/api/cells/{cell}"));
            // last_seq is absent until the first sample is applied.
            return detail.RootElement.GetProperty("sequence").TryGetProperty("last_seq", out var last)
                && last.ValueKind == JsonValueKind.Number && last.GetInt64() >= seq;
        }, $"cell {cell} to apply seq {seq}");

    /// <summary>Waits until InfluxDB holds every sample, transition and pattern and the spool has nothing pending.</summary>
    private async Task WaitUntilStoredAsync(HttpClient http)
    {
        long twinPoints = (long)SamplesPerCell * Cells.Length;
        long alarmPoints = (long)TransitionsPerCell.Count * Cells.Length;
        long patternPoints = (long)PatternsPerCell * Cells.Length;
        string state = "";
        await Wait.UntilAsync(async () =>
        {
            string metrics = await http.GetStringAsync("/metrics");
            var pending = Regex.Match(metrics, @"^twin_spool_pending_records (\d+)", RegexOptions.Multiline);
            long twin = await CountAsync("SELECT count(\"c_li\") FROM \"twin\"");
            long telemetry = await CountAsync("SELECT count(\"voltage_V\") FROM \"telemetry\"");
            long alarms = await CountAsync("SELECT count(\"c_li\") FROM \"alarm\"");
            long patterns = await CountAsync("SELECT count(\"exposure_s\") FROM \"pattern\"");
            state = $"pending {pending.Groups[1].Value}, twin {twin}/{twinPoints}, telemetry {telemetry}/{twinPoints}, alarm {alarms}/{alarmPoints}, pattern {patterns}/{patternPoints}";
            return pending.Success && pending.Groups[1].Value == "0" && twin == twinPoints && telemetry == twinPoints && alarms == alarmPoints && patterns == patternPoints;
        }, "the spool to drain to InfluxDB", TimeSpan.FromSeconds(120), () => state + "\n" + Influx.RecentOutput);
    }

    private async Task<long> CountAsync(string query)
    {
        var rows = await Influx.QueryRowsAsync(query);
        return rows.Count == 0 ? 0 : rows[0].GetInt64("count") ?? 0;
    }

    /// <summary>The LG M50 record up to the end of the twin's cycle in which c_Li fell below 0.40 for the second time,
    /// as wire samples (times from the record's start), with the zone transitions the twin computes for them.</summary>
    private static (List<TelemetrySample> Samples, List<(string From, string To)> Transitions) TwoCycles()
    {
        var twin = new CellTwin(CellConfig.WithDefaults("cell", MaterialCatalog.Default.Get("NMC811"), 8.732, 0.80));
        using var reader = CyclerFileReader.Open(Path.Combine(GrafanaDashboard.RepoRoot, "samples", "lg-m50-nmc811-maccor.txt"));
        var samples = new List<TelemetrySample>();
        var transitions = new List<(string, string)>();
        int criticalEntries = 0;
        int? lastCycle = null;
        long seq = 0;
        foreach (var s in reader)
        {
            var o = twin.Update(s);
            if (criticalEntries >= 2 && o.Cycle != lastCycle) break;
            lastCycle = o.Cycle;
            if (o.ZoneChanged)
            {
                transitions.Add((o.PreviousZone.Name(), o.Zone.Name()));
                if (o.Zone == Zone.Critical && o.PreviousZone < Zone.Critical) criticalEntries++;
            }
            samples.Add(new TelemetrySample
            {
                Seq = seq++,
                TimeUnixNs = (long)Math.Round(s.TimeS * 1e9),
                VoltageV = s.VoltageV,
                CurrentA = s.CurrentA,
                ChargeAh = s.HasChargeCounter ? s.ChargeCounterAh : null,
                CounterSegment = s.CounterSegment,
                Step = s.Step,
                Kind = s.Kind.Name(),
            });
        }
        Assert.True(criticalEntries >= 2, $"the record crosses c_Li 0.40 only {criticalEntries} time(s)");
        return (samples, transitions);
    }
}
