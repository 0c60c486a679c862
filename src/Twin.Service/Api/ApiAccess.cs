using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Twin.Service.Security;

namespace Twin.Service.Api;

/// <summary>
/// Who may call which REST endpoint, applied to every endpoint of a route group by rule (so an endpoint added later
/// is covered without being listed):
/// <list type="bullet">
/// <item><c>GET /health</c>: open (probes; it shows only aggregate states and counters);</item>
/// <item>every other GET (<c>/api/…</c>, <c>/metrics</c>): <see cref="TwinPolicies.Read"/> — a signed-in user, an API
/// token, or anyone with anonymous read;</item>
/// <item><c>POST /api/cells/{id}/corrections</c> (<see cref="CorrectionApi"/>): <see cref="TwinPolicies.Operate"/> — a
/// signed-in operator — and a JSON body;</item>
/// <item>every other method: <see cref="TwinPolicies.WriteCell"/> — an API token listing the route's cell — and a
/// JSON body (<c>Content-Type: application/json</c>, else 415), which no cross-origin HTML form can send.</item>
/// </list>
/// </summary>
public static class ApiAccess
{
    /// <summary>Paths of the REST API (their challenges answer 401, never a redirect to the sign-in page).</summary>
    /// <param name="path">Request path.</param>
    /// <returns>True for <c>/api/…</c>, <c>/metrics</c> and <c>/health</c>.</returns>
    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    /// <summary>Applies the rules to every endpoint mapped in the group.</summary>
    /// <param name="group">The group (map the REST API into it).</param>
    /// <returns>The group.</returns>
    public static RouteGroupBuilder WithTwinApiAccess(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Add(b =>
        {
            if (b is not RouteEndpointBuilder route) return;
            string path = "/" + (route.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = route.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            bool reads = methods.Count > 0 && methods.All(m => m is "GET" or "HEAD");
            if (reads && path == "/health")
            {
                route.Metadata.Add(new AllowAnonymousAttribute());
            }
            else if (reads)
            {
                route.Metadata.Add(new AuthorizeAttribute(TwinPolicies.Read));
            }
            else
            {
                route.Metadata.Add(new AuthorizeAttribute(path == CorrectionApi.Route ? TwinPolicies.Operate : TwinPolicies.WriteCell));
                route.FilterFactories.Add((_, next) => invocation => invocation.HttpContext.Request.HasJsonContentType()
                    ? next(invocation)
                    : ValueTask.FromResult<object?>(Results.Problem($"expected Content-Type: application/json, got '{invocation.HttpContext.Request.ContentType}'",
                        statusCode: StatusCodes.Status415UnsupportedMediaType, title: "unsupported media type")));
            }
        });
        return group;
    }
}
