using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Twin.Core.Estimation;
using Twin.Core.Safety;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Ingest;
using Twin.Service.Metrics;

namespace Twin.Service.Api;

/// <summary>
/// REST endpoints of the twin service: <c>GET /api/cells</c>, <c>GET /api/cells/{id}</c>,
/// <c>GET /api/cells/{id}/history[?since_unix_ns=]</c>, <c>POST /api/cells/{id}/telemetry</c> (feeds the cell's
/// twin directly and answers once the samples are durable, for setups without a broker), <c>GET /api/alarms</c>
/// (every alarm, newest first), <c>GET /health</c> and <c>GET /metrics</c>. The reads use the cells' immutable
/// snapshots (<see cref="CellRuntime.Snapshot"/>), never the live twins.
/// </summary>
public static class TwinApi
{
    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The route builder.</param>
    /// <param name="ingest">The ingest service holding the cells.</param>
    /// <param name="bus">The bus; not used by the endpoints any more (telemetry posts go to the ingest service directly).</param>
    /// <param name="metrics">Metrics.</param>
    /// <param name="alarms">The alarm book (for <c>GET /api/alarms</c>), or null.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapTwinApi(this IEndpointRouteBuilder app, TwinIngestService ingest, IMessageBus bus, ServiceMetrics metrics,
        AlarmBook? alarms = null)
    {
        _ = bus; // telemetry posts go straight to the ingest service (durable before 202), not onto the bus
        var budget = new InFlightBudget(InFlightBudget.DefaultBytes);
        metrics.Gauge("twin_http_telemetry_in_flight_bytes", "bytes of telemetry requests being received and stored (reserved by their declared length)", () => budget.UsedBytes);
        if (alarms is not null) app.MapGet("/api/alarms", () => Results.Json(alarms.All().ToList(), AlarmJsonContext.Default.ListAlarmRecord));
        var json = ApiJsonContext.Default;
        app.MapGet("/api/cells", () => Results.Json(ingest.Cells.Values.Select(rt => Summary(rt.Snapshot)).ToList(), json.ListCellSummary));
        app.MapGet("/api/cells/{id}", (string id) =>
        {
            var rt = ingest.Find(id);
            if (rt is null) return NotFound(id);
            var s = rt.Snapshot;
            var c = s.Cell.Config;
            var q = s.Sequence;
            var r = s.Rejected;
            var detail = new CellDetail(Summary(s),
                new CellLimits(c.QLiAh, c.CLi0, c.Limits.CautionCLi, c.Limits.CriticalCLi, c.Limits.DeepCLi, c.Cutoff.CLiMin, c.Cutoff.HardVoltageLimitV),
                ingest.AlarmOf(s), s.OpenCycle,
                new SequenceInfo(s.LastSeq, s.LastTimeUnixNs, q.Accepted, q.Duplicates, q.Gaps, q.Missing, q.Sessions, q.Resumed, r.SamplesTotal),
                new RejectionInfo(r.MessagesTotal, r.SamplesTotal, Named(r.Messages), Named(r.Samples),
                    r.Last is { } l ? new LastRejection(l.TimeUnixNs, l.Reason.Name(), l.Detail) : null))
            { Estimator = s.Estimator, Patterns = [.. s.Patterns.TakeLast(CellDetail.PatternsShown)] };
            return Results.Json(detail, json.CellDetail);
        });
        app.MapGet("/api/cells/{id}/history", (string id, long? since_unix_ns) =>
        {
            var rt = ingest.Find(id);
            if (rt is null) return NotFound(id);
            var s = rt.Snapshot;
            var cycles = s.Cycles.ToList();
            return Results.Json(new CellHistory(s.CellId, [.. rt.History.Snapshot(since_unix_ns ?? 0).Select(HistoryPointInfo.From)], cycles,
                [.. s.Transitions.Select(t => t.ToPayload())], [.. LithiumInventory.Of(cycles, rt.Cell.Config.QLiAh).Select(InventoryInfo.From)]), json.CellHistory);
        });
        app.MapPost("/api/cells/{id}/telemetry", (string id, HttpContext http, CancellationToken ct) =>
        {
            var rt = ingest.Find(id);
            return rt is null ? Task.FromResult(NotFound(id)) : PostTelemetryAsync(rt, http.Request, ingest, metrics, budget, ct);
        });
        app.MapTwinHealth(metrics);
        app.MapGet("/metrics", () => Results.Text(metrics.ToPrometheus(), "text/plain; version=0.0.4"));
        return app;
    }

    /// <summary>
    /// <c>POST /api/cells/{id}/telemetry</c>: 413 past <see cref="TelemetryBounds.MaxPayloadBytes"/>; 503 with
    /// Retry-After when the in-flight budget is spent or the store cannot take the samples; 400 for an invalid
    /// message; otherwise the samples go through the cell's sequence window and are stored with the cell's checkpoint
    /// before the answer — 202 with the stored, duplicate and rejected counts, or 422 when every sample was rejected.
    /// </summary>
    private static async Task<IResult> PostTelemetryAsync(CellRuntime rt, HttpRequest request, TwinIngestService ingest, ServiceMetrics metrics,
        InFlightBudget budget, CancellationToken ct)
    {
        const int max = TelemetryBounds.MaxPayloadBytes;
        if (request.ContentLength is long declared && declared > max) return await TooLargeAsync(rt, declared, ingest).ConfigureAwait(false);
        long reserved = budget.TryReserve(request.ContentLength ?? max);
        if (reserved == 0)
        {
            metrics.Busy();
            return Unavailable($"{budget.LimitBytes:N0} bytes of telemetry requests are in flight; try again shortly", TimeSpan.FromSeconds(1));
        }
        try
        {
            // A store that is full refuses before the body is read (a refused request costs no upload and no parsing).
            if (ingest.StoreRefusalNow() is { } refusal)
            {
                metrics.Unavailable();
                return Unavailable($"the store cannot take samples now: {refusal.Reason}", refusal.Lasting ? TwinIngestService.StoreRetryAfter : TimeSpan.FromSeconds(1));
            }
            var body = await ReadBodyAsync(request.Body, max, ct).ConfigureAwait(false);
            if (body is null) return await TooLargeAsync(rt, max + 1L, ingest).ConfigureAwait(false);
            var outcome = await ingest.IngestAsync(rt, body.Value, ct).ConfigureAwait(false);
            var reply = new TelemetryReply(outcome.Stored, outcome.Duplicates, outcome.Rejections.Count,
                [.. outcome.Rejections.Take(TelemetryReply.MaxListed).Select(r => new RejectedSample(r.Index, r.Seq, r.Reason.Name(), r.Detail))]);
            int status = outcome.Stored == 0 && outcome.Duplicates == 0 ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status202Accepted;
            return Results.Json(reply, ApiJsonContext.Default.TelemetryReply, statusCode: status);
        }
        catch (PayloadException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "invalid telemetry payload");
        }
        catch (StoreUnavailableException e)
        {
            metrics.Unavailable();
            return Unavailable(e.Message, e.RetryAfter);
        }
        finally
        {
            budget.Release(reserved);
        }
    }

    private static async Task<IResult> TooLargeAsync(CellRuntime rt, long bytes, TwinIngestService ingest)
    {
        string detail;
        try
        {
            detail = await ingest.RejectOversizedAsync(rt, bytes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            detail = $"payload too large ({bytes:N0} bytes); at most {TelemetryBounds.MaxPayloadBytes:N0} bytes expected ({e.Message})";
        }
        return Results.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "telemetry payload too large");
    }

    private static IResult Unavailable(string detail, TimeSpan retryAfter) => new RetryAfterResult(
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "telemetry not stored; try again"), retryAfter);

    /// <summary>Reads a body of at most <paramref name="max"/> bytes; null when it is longer.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(Stream body, int max, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        int n;
        while ((n = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > max) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>A result with a Retry-After header (RFC 9110 §10.2.3), in whole seconds.</summary>
    private sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static IReadOnlyDictionary<string, long> Named(IReadOnlyDictionary<RejectionReason, long> counts) =>
        counts.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.Name(), kv => kv.Value);

    private static IResult NotFound(string id) =>
        Results.Problem($"no cell '{id}' in this experiment", statusCode: StatusCodes.Status404NotFound, title: "unknown cell");

    private static CellSummary Summary(CellSnapshot s) =>
        new(s.Site, s.CellId, s.Cell.Config.Material.Name, s.Zone.Name(), s.CLi, s.State?.TimeToCriticalS, s.LastTimeUnixNs, s.Sequence.Accepted, s.State);
}
