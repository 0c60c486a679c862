using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Twin.Core.Samples;
using Twin.Dashboard.Components;
using Twin.Service.Security;
using Twin.Service.Settings;

namespace Twin.Dashboard.Auth;

/// <summary>
/// <c>POST /login</c> (form fields <c>user</c>, <c>password</c>, <c>returnUrl</c>; antiforgery-checked; at most
/// <see cref="DashboardSetup.LoginAttemptsPerMinute"/> attempts per client address and minute, and per user name as
/// <see cref="SignInThrottle"/> says) and <c>POST /logout</c>. Both are audited; a failed sign-in never says whether
/// the user exists, and what was typed as a user name is recorded only when it is a user's name.
/// </summary>
public static class LoginEndpoints
{
    /// <summary>Key of <see cref="LoginFailure"/> in <see cref="HttpContext.Items"/> when the sign-in page is shown again.</summary>
    public const string FailureKey = "twin.login.failure";

    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/login", async ([FromForm] LoginForm form, HttpContext http, AccessConfig access, AuditLog audit, SignInThrottle throttle) =>
        {
            string returnUrl = LocalRedirect.OrRoot(form.ReturnUrl);
            string typed = (form.User ?? "").Trim();
            string remote = http.Connection.RemoteIpAddress?.ToString() ?? "";
            var user = access.Find(typed);
            if (throttle.IsRefused(typed, remote))
            {
                audit.Write(new AuditEntry(UnixTime.NowNs(), user?.Name ?? "", "", "login-refused", "",
                    $"too many failed sign-ins for {Described(user, typed)} from this address", remote));
                return Again(http, new LoginFailure(typed, returnUrl, Throttled: true), StatusCodes.Status429TooManyRequests);
            }
            if (!PasswordHashing.VerifyUser(user?.PasswordHash, form.Password ?? ""))
            {
                throttle.Failed(typed, remote);
                audit.Write(new AuditEntry(UnixTime.NowNs(), user?.Name ?? "", "", "login-failed", "",
                    user is null ? Described(user, typed) : "wrong password", remote));
                // 200 with the form again (a 401 would need a WWW-Authenticate scheme, which a form sign-in has not)
                return Again(http, new LoginFailure(typed, returnUrl, Throttled: false), StatusCodes.Status200OK);
            }
            throttle.Succeeded(typed, remote);
            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, user!.Name), new Claim(ClaimTypes.Role, user.Role),
                    new Claim(SessionStamp.ClaimType, SessionStamp.Of(user)), new Claim(SessionStamp.SessionIdClaimType, SessionStamp.NewSessionId()),
                ],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
            audit.Write(new AuditEntry(UnixTime.NowNs(), user.Name, user.Role, "login", "", "", remote));
            return Results.Redirect(returnUrl);
        }).RequireRateLimiting(DashboardSetup.LoginRateLimit);

        app.MapPost("/logout", async ([FromForm] LogoutForm _, HttpContext http, AuditLog audit, SessionRevocations sessions) =>
        {
            var who = UserInfo.Actor(http);
            if (UserInfo.Name(http.User) is not null)
            {
                // a copy of this session's cookie stops working too, also after a restart; the entry is needed only
                // until the cookie would have expired (its last renewal was at most one session lifetime ago)
                if (http.User.FindFirst(SessionStamp.SessionIdClaimType)?.Value is { } sid)
                    sessions.Revoke(sid, DateTimeOffset.UtcNow + DashboardSetup.SessionLifetime);
                audit.Write(new AuditEntry(UnixTime.NowNs(), who.User, who.Role, "logout", "", "", who.Remote));
            }
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        });
        return app;
    }

    /// <summary>How the audit describes a sign-in name: a user's name as it is, any other input only by its length
    /// (a password typed into the user-name field must not reach the audit log, which viewers read).</summary>
    private static string Described(UserAccount? user, string typed) =>
        user is not null ? user.Name : $"an unknown user name ({typed.Length} characters)";

    /// <summary>The sign-in page again, rendered in answer to the post: the name typed is filled in without ever
    /// appearing in a URL (browser history, proxy logs).</summary>
    private static RazorComponentResult<App> Again(HttpContext http, LoginFailure failure, int status)
    {
        http.Items[FailureKey] = failure;
        return new RazorComponentResult<App> { StatusCode = status };
    }

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

/// <summary>A refused sign-in, shown on the sign-in page.</summary>
/// <param name="User">The user name typed (filled in again).</param>
/// <param name="ReturnUrl">Where to go after signing in (already checked to be local).</param>
/// <param name="Throttled">True when the attempt was refused for too many failures, without checking the password.</param>
public sealed record LoginFailure(string User, string ReturnUrl, bool Throttled);
