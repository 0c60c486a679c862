using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Twin.Service.Security;

namespace Twin.Service.Hosting;

/// <summary>
/// Authentication and authorization of the service's HTTP endpoints: API tokens (<see cref="ApiTokenHandler"/>), the
/// policies <see cref="TwinPolicies.Read"/> and <see cref="TwinPolicies.WriteCell"/>, the durable list of signed-out
/// sessions, and forwarded headers from trusted proxies only. The dashboard adds its sign-in cookie on top.
/// </summary>
public static class HttpSecurity
{
    /// <summary>Registers the services.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="access">Users and tokens of the experiment file.</param>
    /// <param name="options">How the service runs (data directory, trusted proxies).</param>
    /// <exception cref="ArgumentException">A trusted proxy is not an IP address or CIDR network.</exception>
    public static void AddTo(WebApplicationBuilder builder, AccessConfig access, ServeOptions options)
    {
        var services = builder.Services;
        services.AddAuthentication(TwinAuthentication.DefaultScheme)
            .AddPolicyScheme(TwinAuthentication.DefaultScheme, "API token or sign-in session", o => o.ForwardDefault = TwinAuthentication.TokenScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(TwinAuthentication.TokenScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(TwinPolicies.Read, p => p.AddRequirements(new ReadRequirement()))
            .AddPolicy(TwinPolicies.WriteCell, p => p.AddAuthenticationSchemes(TwinAuthentication.TokenScheme).RequireAuthenticatedUser()
                .AddRequirements(new CellWriteRequirement()))
            .AddPolicy(TwinPolicies.Operate, p => p.RequireAuthenticatedUser().RequireRole(TwinRoles.Operator));
        services.AddSingleton<IAuthorizationHandler, ReadAccessHandler>();
        services.AddSingleton<IAuthorizationHandler, CellWriteHandler>();
        services.AddSingleton(_ => new SessionRevocations(options.DataDir));

        var proxies = TrustedProxies(options.TrustedProxies);
        if (proxies.Count > 0)
        {
            services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                // the defaults trust loopback; only what was configured is trusted here
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                foreach (var n in proxies) o.KnownIPNetworks.Add(n);
            });
        }
    }

    /// <summary>Adds the middleware: forwarded headers (only with trusted proxies), authentication, authorization.</summary>
    /// <param name="app">The application.</param>
    /// <param name="options">How the service runs.</param>
    public static void UseIn(WebApplication app, ServeOptions options)
    {
        if (options.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
    }

    /// <summary>Parses trusted proxies.</summary>
    /// <param name="proxies">IP addresses (<c>10.0.0.5</c>, <c>::1</c>) or CIDR networks (<c>10.0.0.0/24</c>).</param>
    /// <returns>The networks (an address is a /32 or /128 network).</returns>
    /// <exception cref="ArgumentException">An entry is neither; the message names it.</exception>
    public static IReadOnlyList<IPNetwork> TrustedProxies(IReadOnlyList<string> proxies)
    {
        var list = new List<IPNetwork>();
        foreach (string p in proxies)
        {
            if (IPAddress.TryParse(p, out var address)) list.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else if (IPNetwork.TryParse(p, out var network)) list.Add(network);
            else throw new ArgumentException($"--trusted-proxy '{p}': expected an IP address (10.0.0.5) or a CIDR network (10.0.0.0/24)");
        }
        return list;
    }
}
