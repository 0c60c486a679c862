using Microsoft.AspNetCore.Authorization;
using Twin.Service.Security;

namespace Twin.Dashboard.Auth;

/// <summary>The requirement of <see cref="DashboardPolicies.Read"/>.</summary>
public sealed class ReadRequirement : IAuthorizationRequirement;

/// <summary>Grants read access to signed-in users, and to everyone when the experiment file turns anonymous read on.</summary>
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
