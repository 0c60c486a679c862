using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Twin.Core.Samples;
using Twin.Service.Security;
using Twin.Service.Settings;

namespace Twin.Dashboard.Auth;

/// <summary>
/// <c>POST /login</c> (form fields <c>user</c>, <c>password</c>, <c>returnUrl</c>; antiforgery-checked; at most
/// <see cref="DashboardSetup.LoginAttemptsPerMinute"/> attempts per client address and minute) and
/// <c>POST /logout</c>. Both are audited; a failed login never says whether the user exists.
/// </summary>
public static class LoginEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/login", async ([FromForm] LoginForm form, HttpContext http, AccessConfig access, AuditLog audit) =>
        {
            string returnUrl = LocalOrRoot(form.ReturnUrl);
            var user = form.User is null ? null : access.Find(form.User.Trim());
            string remote = http.Connection.RemoteIpAddress?.ToString() ?? "";
            if (user is null || form.Password is null || !PasswordHashing.Verify(user.PasswordHash, form.Password))
            {
                audit.Write(new AuditEntry(UnixTime.NowNs(), Clip(form.User) ?? "", "", "login-failed", "", "wrong user name or password", remote));
                // the form comes back with the user name filled in, so only the password is typed again
                string again = Clip(form.User)?.Trim() is { Length: > 0 } name ? $"&user={Uri.EscapeDataString(name)}" : "";
                return Results.Redirect($"/login?error=1{again}&returnUrl={Uri.EscapeDataString(returnUrl)}");
            }
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
            audit.Write(new AuditEntry(UnixTime.NowNs(), user.Name, user.Role, "login", "", "", remote));
            return Results.Redirect(returnUrl);
        }).RequireRateLimiting(DashboardSetup.LoginRateLimit);

        app.MapPost("/logout", async ([FromForm] LogoutForm _, HttpContext http, AuditLog audit) =>
        {
            var who = UserInfo.Actor(http);
            if (UserInfo.Name(http.User) is not null)
                audit.Write(new AuditEntry(UnixTime.NowNs(), who.User, who.Role, "logout", "", "", who.Remote));
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        });
        return app;
    }

    /// <summary>Only local paths are followed after a login (no open redirect).</summary>
    private static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    private static string? Clip(string? s) => s is null ? null : s.Length > 64 ? s[..64] : s;

    /// <summary>The login form.</summary>
    public sealed class LoginForm
    {
        /// <summary>User name.</summary>
        public string? User { get; set; }

        /// <summary>Password.</summary>
        public string? Password { get; set; }

        /// <summary>Local path to go to afterwards.</summary>
        public string? ReturnUrl { get; set; }
    }

    /// <summary>The logout form (only its antiforgery token matters).</summary>
    public sealed class LogoutForm
    {
        /// <summary>Unused.</summary>
        public string? Reason { get; set; }
    }
}
