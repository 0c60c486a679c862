namespace Twin.Service.Api;

/// <summary>A component's contribution to <c>/health</c>.</summary>
/// <param name="Name">Component, e.g. "bus", "store".</param>
/// <param name="Read">Returns the component's state text and whether it is healthy, degraded or down.</param>
public sealed record HealthCheck(string Name, Func<(string State, HealthLevel Level)> Read);

/// <summary>Health of one component.</summary>
public enum HealthLevel
{
    /// <summary>Working.</summary>
    Healthy,
    /// <summary>Working with reduced guarantees (e.g. database down, data held in the spool).</summary>
    Degraded,
    /// <summary>Not working.</summary>
    Unhealthy,
}
