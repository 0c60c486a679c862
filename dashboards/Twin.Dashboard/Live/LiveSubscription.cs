namespace Twin.Dashboard.Live;

/// <summary>
/// One page's subscription to the live feed (<see cref="LiveBroadcaster"/>): what the page shows decides what it is
/// offered each push interval. The page's handler must not block (it stores the news and asks its circuit to
/// render); a handler that throws is logged and stays subscribed. Dispose to unsubscribe.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveBroadcaster _owner;
    private readonly Action<LivePush> _onPush;

    internal LiveSubscription(LiveBroadcaster owner, ViewerPage page, string? cellKey, Action<LivePush> onPush)
    {
        if (page == ViewerPage.Cell && cellKey is null) throw new ArgumentException("a cell page needs the cell's key", nameof(cellKey));
        _owner = owner;
        Page = page;
        CellKey = page == ViewerPage.Cell ? cellKey : null;
        _onPush = onPush;
    }

    /// <summary>What the page shows.</summary>
    public ViewerPage Page { get; }

    /// <summary>"site/cell" of the watched cell; null on other pages.</summary>
    public string? CellKey { get; }

    /// <summary>Hands one push to the page.</summary>
    /// <param name="push">The push.</param>
    internal void Deliver(LivePush push) => _onPush(push);

    /// <summary>Ends the subscription.</summary>
    public void Dispose() => _owner.Unsubscribe(this);
}

/// <summary>What a page shows, and so what it is offered.</summary>
public enum ViewerPage
{
    /// <summary>Every cell's card.</summary>
    Overview,

    /// <summary>One cell: its card, timeline, patterns and open cycle.</summary>
    Cell,

    /// <summary>Any other page: alarm counts only.</summary>
    Other,
}
