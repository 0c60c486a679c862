using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Twin.Service.Security;

/// <summary>Names of the service's authentication schemes and claims.</summary>
public static class TwinAuthentication
{
    /// <summary>The default scheme: an API token when the request carries <c>Authorization: Bearer …</c>, otherwise
    /// the dashboard's sign-in cookie (when the dashboard is served) or nothing.</summary>
    public const string DefaultScheme = "twin";

    /// <summary>The API-token scheme (<see cref="ApiTokenHandler"/>).</summary>
    public const string TokenScheme = "twin-token";

    /// <summary>Role of every API token (never a dashboard role: a token cannot change settings or acknowledge alarms).</summary>
    public const string InstrumentRole = "instrument";

    /// <summary>True when the request carries a bearer token.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Whether the Authorization header uses the Bearer scheme (RFC 6750 §2.1).</returns>
    public static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Authenticates <c>Authorization: Bearer twin_…</c> (RFC 6750) against the experiment file's token hashes. The
/// principal is named after the token and has the <see cref="TwinAuthentication.InstrumentRole"/> role; which cells
/// it may write is checked by <see cref="CellWriteHandler"/>. A challenge answers 401 with
/// <c>WWW-Authenticate: Bearer</c>.
/// </summary>
/// <param name="options">Scheme options.</param>
/// <param name="logger">Logger factory.</param>
/// <param name="encoder">URL encoder.</param>
/// <param name="access">The configured tokens.</param>
public sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessConfig access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TwinAuthentication.HasBearer(Request)) return Task.FromResult(AuthenticateResult.NoResult());
        string presented = Request.Headers.Authorization.ToString()[7..].Trim();
        var token = access.FindToken(presented);
        if (token is null) return Task.FromResult(AuthenticateResult.Fail("the bearer token is not one of this experiment's API tokens"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, token.Name), new Claim(ClaimTypes.Role, TwinAuthentication.InstrumentRole)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = TwinAuthentication.HasBearer(Request) ? "Bearer realm=\"twin\", error=\"invalid_token\"" : "Bearer realm=\"twin\"";
        return Task.CompletedTask;
    }
}
