using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Twin.Dashboard.Auth;

namespace Twin.Dashboard.Live;

/// <summary>
/// The SignalR hub at <c>/hub</c>. A page joins what it shows with <see cref="WatchOverview"/>,
/// <see cref="WatchCell"/> or <see cref="WatchAlarms"/>, whose reply is its first <see cref="LiveUpdate"/>; from then on it receives
/// <c>update</c> messages (<see cref="LiveUpdate"/>, at most one per <see cref="LiveBroadcaster.PushInterval"/>),
/// and answers each one, the join reply included, with <see cref="Ack"/>. Until it does, newer changes are merged
/// and held for it alone.
/// </summary>
[Authorize(Policy = DashboardPolicies.Read)]
public sealed class DashboardHub(LiveBroadcaster live) : Hub
{
    /// <summary>Joins the overview.</summary>
    /// <returns>Every cell's card now (sequence number 1).</returns>
    public LiveUpdate WatchOverview() => live.JoinOverview(Context.ConnectionId);

    /// <summary>Joins a cell page.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <param name="sinceMs">Time of the newest timeline point the page has, Unix ms (0: none).</param>
    /// <returns>The card, the points and patterns after <paramref name="sinceMs"/> and the open cycle (sequence number 1).</returns>
    /// <exception cref="HubException">No such cell.</exception>
    public LiveUpdate WatchCell(string key, double sinceMs) =>
        live.JoinCell(Context.ConnectionId, key, sinceMs) ?? throw new HubException($"no cell '{key}' in this experiment");

    /// <summary>Joins from any other page (alarms, settings, audit): only alarm counts are sent.</summary>
    /// <returns>The alarm counts now (sequence number 1).</returns>
    public LiveUpdate WatchAlarms() => live.JoinOther(Context.ConnectionId);

    /// <summary>Acknowledges an update: the page has applied it and takes the next.</summary>
    /// <param name="seq">The update's sequence number.</param>
    public void Ack(long seq) => live.Acknowledge(Context.ConnectionId, seq);

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        live.Leave(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
