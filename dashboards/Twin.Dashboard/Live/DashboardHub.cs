using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Twin.Dashboard.Auth;

namespace Twin.Dashboard.Live;

/// <summary>
/// The SignalR hub at <c>/hub</c>. A page joins what it shows: <see cref="WatchOverview"/> receives
/// <c>cells</c> (a list of <see cref="CellCard"/> that changed), <see cref="WatchCell"/> receives <c>cell</c>
/// (<see cref="CellDelta"/>); every connection receives <c>alarms</c> (<see cref="AlarmCounts"/>) when an alarm
/// changes. Pushes are coalesced every <see cref="LiveBroadcaster.PushInterval"/>.
/// </summary>
[Authorize(Policy = DashboardPolicies.Read)]
public sealed class DashboardHub(LiveBroadcaster live) : Hub
{
    /// <summary>Group of the overview pages.</summary>
    public const string OverviewGroup = "overview";

    /// <summary>Group name of a cell page.</summary>
    /// <param name="key">"site/cell".</param>
    /// <returns>The group name.</returns>
    public static string CellGroup(string key) => "cell:" + key;

    /// <summary>Joins the overview; returns every cell's card now.</summary>
    /// <returns>All cards.</returns>
    public async Task<List<CellCard>> WatchOverview()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, OverviewGroup).ConfigureAwait(false);
        return live.AllCards();
    }

    /// <summary>Joins a cell page; returns the cell's card now.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The card.</returns>
    /// <exception cref="HubException">No such cell.</exception>
    public async Task<CellCard> WatchCell(string key)
    {
        var card = live.Card(key) ?? throw new HubException($"no cell '{key}' in this experiment");
        await Groups.AddToGroupAsync(Context.ConnectionId, CellGroup(card.Key)).ConfigureAwait(false);
        return card;
    }
}
