using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Twin.Core.Safety;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Ingest;
using Twin.Service.Metrics;

namespace Twin.Service.Api;

/// <summary>
/// REST endpoints of the twin service: <c>GET /api/cells</c>, <c>GET /api/cells/{id}</c>,
/// <c>GET /api/cells/{id}/history[?since_unix_ns=]</c>, <c>POST /api/cells/{id}/telemetry</c> (puts a
/// telemetry payload on the bus, for setups without a broker), <c>GET /api/alarms</c> (every alarm, newest
/// first), <c>GET /health</c> and <c>GET /metrics</c>.
/// </summary>
public static class TwinApi
{
    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The route builder.</param>
    /// <param name="ingest">The ingest service holding the cells.</param>
    /// <param name="bus">The bus, for the telemetry POST.</param>
    /// <param name="metrics">Metrics.</param>
    /// <param name="checks">Components reporting health.</param>
    /// <param name="alarms">The alarm book (for <c>GET /api/alarms</c>), or null.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapTwinApi(this IEndpointRouteBuilder app, TwinIngestService ingest, IMessageBus bus, ServiceMetrics metrics, IReadOnlyList<HealthCheck> checks,
        AlarmBook? alarms = null)
    {
        if (alarms is not null) app.MapGet("/api/alarms", () => Results.Json(alarms.All().ToList(), AlarmJsonContext.Default.ListAlarmRecord));
        var json = ApiJsonContext.Default;
        app.MapGet("/api/cells", () => Results.Json(ingest.Cells.Values.Select(Summary).ToList(), json.ListCellSummary));
        app.MapGet("/api/cells/{id}", (string id) =>
        {
            var rt = ingest.Find(id);
            if (rt is null) return NotFound(id);
            var c = rt.Cell.Config;
            var detail = new CellDetail(Summary(rt),
                new CellLimits(c.QLiAh, c.CLi0, c.Limits.CautionCLi, c.Limits.CriticalCLi, c.Limits.DeepCLi, c.Cutoff.CLiMin, c.Cutoff.HardVoltageLimitV),
                ingest.AlarmOf(rt), rt.Twin.CurrentCycle,
                new SequenceInfo(rt.Sequence.LastSeq, rt.Sequence.Accepted, rt.Sequence.Duplicates, rt.Sequence.Gaps, rt.Sequence.Missing));
            return Results.Json(detail, json.CellDetail);
        });
        app.MapGet("/api/cells/{id}/history", (string id, long? since_unix_ns) =>
        {
            var rt = ingest.Find(id);
            if (rt is null) return NotFound(id);
            return Results.Json(new CellHistory(rt.Cell.Config.CellId, rt.History.Snapshot(since_unix_ns ?? 0), rt.Twin.Cycles, rt.Transitions), json.CellHistory);
        });
        app.MapPost("/api/cells/{id}/telemetry", async (string id, HttpRequest request, CancellationToken ct) =>
        {
            var rt = ingest.Find(id);
            if (rt is null) return NotFound(id);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct).ConfigureAwait(false);
            string topic = TwinTopics.Telemetry(rt.Cell.Site, rt.Cell.Config.CellId);
            try
            {
                var message = TwinPayloads.ParseTelemetry(body.ToArray(), topic);
                await bus.PublishAsync(new BusMessage(topic, body.ToArray(), QualityOfService.AtLeastOnce), ct).ConfigureAwait(false);
                return Results.Accepted($"/api/cells/{id}", new { accepted = message.Samples.Count });
            }
            catch (PayloadException e)
            {
                metrics.Reject();
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "invalid telemetry payload");
            }
        });
        app.MapGet("/health", () =>
        {
            var states = checks.Select(c => (c.Name, Result: c.Read())).ToList();
            var level = states.Count == 0 ? HealthLevel.Healthy : states.Max(s => s.Result.Level);
            var report = new HealthReport(level.ToString().ToLowerInvariant(), states.ToDictionary(s => s.Name, s => s.Result.State), metrics.Snapshot());
            return Results.Json(report, json.HealthReport, statusCode: level == HealthLevel.Unhealthy ? 503 : 200);
        });
        app.MapGet("/metrics", () => Results.Text(metrics.ToPrometheus(), "text/plain; version=0.0.4"));
        return app;
    }

    private static IResult NotFound(string id) =>
        Results.Problem($"no cell '{id}' in this experiment", statusCode: StatusCodes.Status404NotFound, title: "unknown cell");

    private static CellSummary Summary(CellRuntime rt)
    {
        var s = rt.LastState;
        return new CellSummary(rt.Cell.Site, rt.Cell.Config.CellId, rt.Cell.Config.Material.Name, rt.Twin.Zone.Name(), rt.Twin.CLi,
            s?.TimeToCriticalS, rt.LastTimeUnixNs, rt.Sequence.Accepted, s);
    }
}
