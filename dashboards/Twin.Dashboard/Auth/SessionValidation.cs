using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Twin.Service.Security;

namespace Twin.Dashboard.Auth;

/// <summary>
/// Checks a sign-in session: the user must still be in the experiment file with the same role and password hash
/// (<see cref="SessionStamp"/>), and the session must not have been signed out (<see cref="SessionRevocations"/>).
/// Run on every request (the cookie's <c>OnValidatePrincipal</c>: otherwise the request counts as not signed in and
/// the cookie is deleted) and periodically on every open dashboard page (<see cref="CircuitSessionRevalidation"/>).
/// </summary>
public static class SessionValidation
{
    /// <summary>Validates the principal of a request.</summary>
    /// <param name="context">The cookie handler's context.</param>
    /// <returns>A task.</returns>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        if (context.Principal is { } principal && IsCurrent(principal, services)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
    }

    /// <summary>Whether a signed-in user's session still holds.</summary>
    /// <param name="principal">The session's principal (from the sign-in cookie).</param>
    /// <param name="services">Services with <see cref="AccessConfig"/> and <see cref="SessionRevocations"/>.</param>
    /// <returns>True when the user is configured with the same role and password, and the session is not signed out.</returns>
    public static bool IsCurrent(ClaimsPrincipal principal, IServiceProvider services)
    {
        string? name = principal.Identity?.Name;
        var user = name is null ? null : services.GetRequiredService<AccessConfig>().Find(name);
        string? stamp = principal.FindFirst(SessionStamp.ClaimType)?.Value;
        string? sid = principal.FindFirst(SessionStamp.SessionIdClaimType)?.Value;
        return user is not null && stamp == SessionStamp.Of(user) && principal.IsInRole(user.Role)
            && sid is not null && !services.GetRequiredService<SessionRevocations>().IsRevoked(sid);
    }
}
