using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Twin.Service.Ingest;

namespace Twin.Service.Security;

/// <summary>Authorization policies of the service's HTTP endpoints.</summary>
public static class TwinPolicies
{
    /// <summary>Reading pages, live data and the REST API: a signed-in user, an API token, or anyone when the experiment
    /// file sets <c>dashboard.anonymous_read: true</c>.</summary>
    public const string Read = "twin-read";

    /// <summary>Changing a cell's data over the REST API (telemetry): an API token that lists the route's cell.</summary>
    public const string WriteCell = "twin-write-cell";

    /// <summary>Operator actions over the REST API (corrections of a cell's lithium content): a signed-in user in the
    /// <see cref="TwinRoles.Operator"/> role. The same name as the dashboard's operator policy, which narrows it to its
    /// sign-in cookie.</summary>
    public const string Operate = "twin-operate";
}

/// <summary>The requirement of <see cref="TwinPolicies.Read"/>.</summary>
public sealed class ReadRequirement : IAuthorizationRequirement;

/// <summary>Grants read access to any authenticated caller, and to everyone when anonymous read is on.</summary>
/// <param name="access">The configured access.</param>
public sealed class ReadAccessHandler(AccessConfig access) : AuthorizationHandler<ReadRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ReadRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true || access.AnonymousRead) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>The requirement of <see cref="TwinPolicies.WriteCell"/>: the route value <c>id</c> names a cell the token lists.</summary>
public sealed class CellWriteRequirement : IAuthorizationRequirement;

/// <summary>
/// Grants <see cref="CellWriteRequirement"/> when the caller is an API token whose <c>cells</c> include the cell the
/// route's <c>{id}</c> resolves to (as the endpoint itself resolves it). An unknown cell is refused too.
/// </summary>
/// <param name="access">The configured tokens.</param>
/// <param name="ingest">The running cells.</param>
public sealed class CellWriteHandler(AccessConfig access, TwinIngestService ingest) : AuthorizationHandler<CellWriteRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CellWriteRequirement requirement)
    {
        if (context.User.Identity is not { IsAuthenticated: true, AuthenticationType: TwinAuthentication.TokenScheme } identity) return Task.CompletedTask;
        var token = access.Tokens.FirstOrDefault(t => t.Name == identity.Name);
        var http = context.Resource as HttpContext;
        if (token is not null && http?.GetRouteValue("id") is string id && ingest.Find(id) is { } cell && token.Covers(cell.Cell.Site, cell.Cell.Config.CellId))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
