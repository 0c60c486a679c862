using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Twin.Service.Metrics;

namespace Twin.Service.Api;

/// <summary>
/// <c>GET /health</c> over ASP.NET Core health checks (<see cref="HealthCheckService"/>, the checks registered with
/// <c>AddHealthChecks()</c>): the worst status of the checks (200 when healthy or degraded, 503 when unhealthy), each
/// check's state text, and a snapshot of every metric, as <see cref="HealthReport"/>. Mapped as a GET so that the REST
/// API's access rules (<see cref="ApiAccess"/>: <c>/health</c> is open to probes) apply to it like to any read.
/// </summary>
public static class HealthEndpoint
{
    /// <summary>Maps <c>GET /health</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <param name="metrics">Metrics included in the answer.</param>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapTwinHealth(this IEndpointRouteBuilder app, ServiceMetrics metrics) =>
        app.MapGet("/health", async (HealthCheckService health, CancellationToken ct) =>
        {
            var report = await health.CheckHealthAsync(ct).ConfigureAwait(false);
            var answer = new HealthReport(report.Status.ToString().ToLowerInvariant(),
                report.Entries.ToDictionary(e => e.Key, e => e.Value.Description ?? e.Value.Exception?.Message ?? ""), metrics.Snapshot());
            return Results.Json(answer, ApiJsonContext.Default.HealthReport,
                statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
}
