using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace Twin.Dashboard.Auth;

/// <summary>
/// The user of an open dashboard page (a Blazor circuit) is the one who opened it; this re-checks that user's
/// session every <see cref="Interval"/> (<see cref="SessionValidation.IsCurrent"/>): after a sign-out, a removal from the
/// experiment file, a change of role or password, the page's user becomes anonymous, and the live pages
/// (<c>LivePage</c>) stop and send the browser to the sign-in page unless anonymous read is on. Operator actions are
/// form posts, checked on their own request, so they never depend on this interval.
/// </summary>
/// <param name="services">The circuit's services.</param>
/// <param name="logs">Loggers.</param>
public sealed class CircuitSessionRevalidation(IServiceProvider services, ILoggerFactory logs) : RevalidatingServerAuthenticationStateProvider(logs)
{
    /// <summary>How often an open page's session is checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override TimeSpan RevalidationInterval => Interval;

    /// <inheritdoc />
    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        Task.FromResult(UserInfo.Name(state.User) is null || SessionValidation.IsCurrent(state.User, services));
}
