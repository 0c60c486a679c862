using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Dashboard.Auth;
using Twin.Dashboard.Components;
using Twin.Dashboard.Endpoints;
using Twin.Dashboard.Live;
using Twin.Service.Api;
using Twin.Service.Security;

namespace Twin.Dashboard;

/// <summary>
/// Adds the live dashboard to the twin service's host: Razor components, the pages with live data interactive on
/// Blazor Server circuits (<c>/_blazor</c>, readers only), the framework script <c>/_framework/blazor.web.js</c> from
/// the application's static web assets, our own browser assets embedded in this assembly under <c>/assets/</c>,
/// cookie sign-in with the users and roles of the experiment file, and antiforgery on every form. Pass
/// <see cref="AddTo"/> and <see cref="MapIn"/> as the service's <c>ServeOptions.ConfigureServices</c> / <c>ConfigureApp</c>.
/// </summary>
public static class DashboardSetup
{
    /// <summary>Name of the login rate limit.</summary>
    public const string LoginRateLimit = "twin-login";

    /// <summary>Sign-in attempts allowed per client address and minute (ASP.NET Core's rate limiter); per user name,
    /// <see cref="SignInThrottle"/> limits failures.</summary>
    public const int LoginAttemptsPerMinute = 10;

    /// <summary>
    /// Render batches a circuit sends ahead of its browser's acknowledgements. A page that stops running (a paused or
    /// sleeping tab) then holds at most this many batches, and its circuit renders again — once, with the newest state —
    /// when it catches up; two keep a running page's updates flowing without waiting a round trip for each.
    /// </summary>
    public const int UnacknowledgedRenderBatches = 2;

    /// <summary>How long a sign-in lasts without activity (a beamtime shift).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    /// <summary>The service options with the dashboard added.</summary>
    /// <param name="options">How the twin service runs.</param>
    /// <returns>The same options, serving the dashboard on their URLs.</returns>
    public static Twin.Service.Hosting.ServeOptions With(Twin.Service.Hosting.ServeOptions options) =>
        options with { ConfigureServices = AddTo, ConfigureApp = MapIn };

    /// <summary>Registers the dashboard's services.</summary>
    /// <param name="builder">The service's host builder (the <see cref="AccessConfig"/> is already registered).</param>
    public static void AddTo(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // the framework script comes from the static web assets of the application (twin): from its build output's
        // manifest when run from there, from wwwroot after `dotnet publish`
        builder.WebHost.UseStaticWebAssets();
        services.AddRazorComponents().AddInteractiveServerComponents(o => o.MaxBufferedUnacknowledgedRenderBatches = UnacknowledgedRenderBatches);
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, CircuitSessionRevalidation>();
        services.AddSingleton<LiveBroadcaster>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveBroadcaster>());
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "twin.af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // The service's default scheme takes an API token when the request carries one, the sign-in cookie otherwise.
        services.AddAuthentication().AddCookie(o =>
        {
            o.Cookie.Name = "twin.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request is HTTPS, also behind a TLS-terminating proxy that serve --trusted-proxy believes
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = SessionLifetime;
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/denied";
            o.ReturnUrlParameter = "returnUrl";
            // every request: the user still configured with the same role and password, the session not signed out
            o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
            // form posts, the circuit's connection and the REST API get status codes, pages get the login page
            o.Events.OnRedirectToLogin = ctx => Answer(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Answer(ctx, StatusCodes.Status403Forbidden);
        });
        services.Configure<PolicySchemeOptions>(TwinAuthentication.DefaultScheme, o => o.ForwardDefaultSelector = http =>
            TwinAuthentication.HasBearer(http.Request) ? TwinAuthentication.TokenScheme : CookieAuthenticationDefaults.AuthenticationScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardPolicies.Operate, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().RequireRole(TwinRoles.Operator));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.AddSingleton(new SignInThrottle());
    }

    /// <summary>Adds the middleware and maps the pages, the circuits, the assets and the form posts.</summary>
    /// <param name="app">The service's application.</param>
    public static void MapIn(WebApplication app)
    {
        MapFrameworkScript(app);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(DashboardSetup).Assembly, "assets"),
            RequestPath = "/assets",
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        // authentication and authorization are the service's (HttpSecurity), in front of everything
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.Use(CircuitsForReadersAsync);
        app.MapLoginEndpoints();
        app.MapOperatorEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Name of the framework script the pages load.</summary>
    public const string FrameworkScript = "_framework/blazor.web.js";

    /// <summary>
    /// Serves the framework script through the application's static-assets manifest (<c>twin.staticwebassets.endpoints.json</c>
    /// next to the program, written by the build and by <c>dotnet publish</c>). Without it the pages still render, but
    /// only once: that is logged as an error naming the missing file.
    /// </summary>
    private static void MapFrameworkScript(WebApplication app)
    {
        string manifest = Path.Combine(AppContext.BaseDirectory, app.Environment.ApplicationName + ".staticwebassets.endpoints.json");
        if (File.Exists(manifest))
        {
            app.MapStaticAssets(manifest);
            return;
        }
        app.Logger.LogError("dashboard: {Manifest} is missing, so /{Script} is not served and pages will not update live; " +
            "run twin from its build or publish output", manifest, FrameworkScript);
    }

    /// <summary>The circuits' connection (<c>/_blazor</c>) is for readers only, as the pages are: 401 for anyone else.</summary>
    private static async Task CircuitsForReadersAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path.StartsWithSegments("/_blazor"))
        {
            var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await authorization.AuthorizeAsync(http.User, DashboardPolicies.Read).ConfigureAwait(false)).Succeeded)
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
        }
        await next(http).ConfigureAwait(false);
    }

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var r = ctx.Request;
        bool page = HttpMethods.IsGet(r.Method) && !r.Path.StartsWithSegments("/_blazor") && !ApiAccess.IsApiPath(r.Path);
        if (page)
        {
            ctx.Response.Redirect(ctx.RedirectUri);
            return Task.CompletedTask;
        }
        ctx.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized && ApiAccess.IsApiPath(r.Path)) ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"twin\"";
        return Task.CompletedTask;
    }
}
