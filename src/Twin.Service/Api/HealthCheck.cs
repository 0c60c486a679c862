using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Twin.Service.Api;

/// <summary>
/// A component's contribution to <c>/health</c> (bus, store, ingest, data, experiment, broker), as an ASP.NET Core
/// health check: the component's state text as the result's description, and whether it is healthy, degraded
/// (working with reduced guarantees, e.g. database down and data held in the spool) or unhealthy (not working).
/// </summary>
/// <param name="read">Returns the state text and the status; called on every <c>/health</c> request, so it must be cheap.</param>
public sealed class ComponentHealthCheck(Func<(string State, HealthStatus Status)> read) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (state, status) = read();
        return Task.FromResult(new HealthCheckResult(status, state));
    }
}
