using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Twin.Service.Operations;
using Twin.Service.Security;

namespace Twin.Dashboard.Auth;

/// <summary>Reads the signed-in user from a request.</summary>
public static class UserInfo
{
    /// <summary>The user's name, or null when not signed in.</summary>
    /// <param name="user">The request's principal.</param>
    /// <returns>The name, or null.</returns>
    public static string? Name(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;

    /// <summary>True for a signed-in operator.</summary>
    /// <param name="user">The request's principal.</param>
    /// <returns>Whether the user may change settings and acknowledge alarms.</returns>
    public static bool IsOperator(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsInRole(TwinRoles.Operator);

    /// <summary>The actor for the audit log.</summary>
    /// <param name="http">The request.</param>
    /// <returns>Name, role (viewer when none) and client address.</returns>
    public static Actor Actor(HttpContext http) => new(
        Name(http.User) ?? "anonymous",
        IsOperator(http.User) ? TwinRoles.Operator : TwinRoles.Viewer,
        http.Connection.RemoteIpAddress?.ToString());
}
