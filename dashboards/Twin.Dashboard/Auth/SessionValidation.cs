using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Twin.Service.Security;

namespace Twin.Dashboard.Auth;

/// <summary>
/// Checks a sign-in session on every request (the cookie's <c>OnValidatePrincipal</c>): the user must still be in
/// the experiment file with the same role and password hash (<see cref="SessionStamp"/>), and the session must not
/// have been signed out (<see cref="SessionRevocations"/>). Otherwise the request counts as not signed in and the
/// cookie is deleted.
/// </summary>
public static class SessionValidation
{
    /// <summary>Validates the principal of a request.</summary>
    /// <param name="context">The cookie handler's context.</param>
    /// <returns>A task.</returns>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var principal = context.Principal;
        string? name = principal?.Identity?.Name;
        var user = name is null ? null : services.GetRequiredService<AccessConfig>().Find(name);
        string? stamp = principal?.FindFirst(SessionStamp.ClaimType)?.Value;
        string? sid = principal?.FindFirst(SessionStamp.SessionIdClaimType)?.Value;
        if (user is not null && stamp == SessionStamp.Of(user) && principal!.IsInRole(user.Role)
            && sid is not null && !services.GetRequiredService<SessionRevocations>().IsRevoked(sid))
            return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
    }
}
