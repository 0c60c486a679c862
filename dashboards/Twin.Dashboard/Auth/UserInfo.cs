using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Twin.Service.Operations;
using Twin.Service.Security;

namespace Twin.Dashboard.Auth;

/// <summary>Reads the signed-in user from a request.</summary>
public static class UserInfo
{
    /// <summary>The user's name, or null when nobody is signed in (an API token is not a user).</summary>
    /// <param name="user">The request's principal.</param>
    /// <returns>The name, or null.</returns>
    public static string? Name(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: CookieAuthenticationDefaults.AuthenticationScheme } id ? id.Name : null;

    /// <summary>True for a signed-in operator.</summary>
    /// <param name="user">The request's principal.</param>
    /// <returns>Whether the user may change settings and acknowledge alarms.</returns>
    public static bool IsOperator(ClaimsPrincipal user) => Name(user) is not null && user.IsInRole(TwinRoles.Operator);

    /// <summary>The actor for the audit log and the role check of an operation: the role is the one the experiment
    /// file gives the user now (the session was validated against it on this request), never one carried by the cookie.</summary>
    /// <param name="http">The request.</param>
    /// <returns>Name, role (viewer when not signed in or no longer configured) and client address.</returns>
    public static Actor Actor(HttpContext http)
    {
        string? name = Name(http.User);
        var account = name is null ? null : http.RequestServices.GetRequiredService<AccessConfig>().Find(name);
        return new Actor(name ?? "anonymous", account?.Role ?? TwinRoles.Viewer, http.Connection.RemoteIpAddress?.ToString());
    }
}
