using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using Twin.Dashboard.Auth;
using Twin.Dashboard.Live;

namespace Twin.Dashboard.Components.Shared;

/// <summary>
/// Base of the dashboard's live pages (interactive server components). Rendered once on the server for the first
/// paint; on the circuit it calls <see cref="Start"/> (subscribe to what the page shows) and re-renders when
/// <see cref="RequestRender"/> is called — at most one render waits at a time, and the circuit renders only as fast
/// as the browser acknowledges render batches, so a page that stops running skips to the newest state. Each render
/// writes <see cref="Rev"/> into the page (the browser counts updates by it). When the page's session ends (see
/// <see cref="CircuitSessionRevalidation"/>) and the user may no longer read, the page stops and goes to sign-in.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private int _renderQueued;
    private bool _started;

    /// <summary>The live feed.</summary>
    [Inject] protected LiveBroadcaster Live { get; set; } = default!;

    /// <summary>The circuit's user.</summary>
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private IJSRuntime Js { get; set; } = default!;

    [Inject] private ILogger<LivePage> Log { get; set; } = default!;

    /// <summary>The page's user (on the circuit: the user who opened it, until the session ends).</summary>
    protected ClaimsPrincipal User { get; private set; } = new(new ClaimsIdentity());

    /// <summary>True for a signed-in operator (shows the operator's forms; the form posts check the role themselves).</summary>
    protected bool IsOperator => UserInfo.IsOperator(User);

    /// <summary>Renders of this page on its circuit (written as <c>data-rev</c> on the page's root element).</summary>
    protected long Rev { get; private set; }

    /// <summary>True on the circuit, false while prerendering.</summary>
    protected bool OnCircuit => RendererInfo.IsInteractive;

    /// <summary>Whether this is the page's main component, which tells the browser when the page is live and sends it to
    /// sign-in when the session ends (a live component inside the layout only stops).</summary>
    protected virtual bool IsMainOfPage => true;

    /// <summary>Runs once after the first render on the circuit, before the browser is told the page is live (a chart
    /// starts here).</summary>
    /// <returns>A task.</returns>
    protected virtual Task OnLiveAsync() => Task.CompletedTask;

    /// <summary>Subscribes to what the page shows (called once, on the circuit).</summary>
    protected abstract void Start();

    /// <summary>Ends the subscriptions (called once: at dispose, or when the user may no longer read).</summary>
    protected abstract void Stop();

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        User = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!OnCircuit) return;
        Authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        _started = true;
        Start();
    }

    /// <inheritdoc />
    protected override bool ShouldRender()
    {
        Rev++;
        return true;
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // on a circuit, this runs once the browser has applied the render batch: the page now shows its live state
        if (!firstRender || !OnCircuit) return;
        await OnLiveAsync();
        if (IsMainOfPage) await CallBrowserAsync("twinDashboard.joined");
    }

    /// <summary>Asks the circuit to render this page (from any thread); a render already waiting covers it.</summary>
    protected void RequestRender()
    {
        if (Interlocked.Exchange(ref _renderQueued, 1) == 1) return;
        Post(() =>
        {
            Volatile.Write(ref _renderQueued, 0);
            StateHasChanged();
            return Task.CompletedTask;
        });
    }

    /// <summary>Runs work on the circuit's dispatcher; a failure (the circuit is gone) is logged, never thrown.</summary>
    /// <param name="work">The work.</param>
    protected void Post(Func<Task> work) => _ = PostAsync(work);

    /// <summary>Calls a browser function, ignoring a browser that has gone (its circuit ends with it).</summary>
    /// <param name="identifier">The function, e.g. <c>twinDashboard.joined</c>.</param>
    /// <returns>A task.</returns>
    protected async Task CallBrowserAsync(string identifier)
    {
        try
        {
            await Js.InvokeVoidAsync(identifier);
        }
        catch (JSDisconnectedException)
        {
        }
    }

    private async Task PostAsync(Func<Task> work)
    {
        try
        {
            await InvokeAsync(work);
        }
        catch (Exception e) when (e is ObjectDisposedException or JSDisconnectedException or TaskCanceledException)
        {
            Log.LogDebug("live page update skipped: {Error}", e.Message);
        }
        catch (Exception e)
        {
            Log.LogWarning(e, "live page update failed");
        }
    }

    private void OnAuthenticationChanged(Task<AuthenticationState> state) => Post(async () =>
    {
        User = (await state).User;
        if ((await Authorization.AuthorizeAsync(User, DashboardPolicies.Read)).Succeeded)
        {
            StateHasChanged();
            return;
        }
        StopOnce();
        if (IsMainOfPage) Navigation.NavigateTo("/login?returnUrl=" + Uri.EscapeDataString("/" + Navigation.ToBaseRelativePath(Navigation.Uri)), forceLoad: true);
    });

    private void StopOnce()
    {
        if (!_started) return;
        _started = false;
        Stop();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Authentication.AuthenticationStateChanged -= OnAuthenticationChanged;
        StopOnce();
        GC.SuppressFinalize(this);
    }
}
