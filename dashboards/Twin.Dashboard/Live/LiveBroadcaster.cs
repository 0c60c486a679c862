using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Core.Samples;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Ingest;
using IngestSnapshot = Twin.Service.Ingest.CellSnapshot;

namespace Twin.Dashboard.Live;

/// <summary>
/// Turns the twin service's updates into SignalR pushes. Each applied batch marks its cell changed and adds
/// its samples to the cell's <see cref="CellTimeline"/>; every <see cref="PushInterval"/> the changed cells are
/// merged into every connected page's pending update, and each page that has acknowledged its previous update is
/// sent one <c>update</c> message (<see cref="LiveUpdate"/>): the changed cards for an overview, the watched cell's
/// news for a cell page. A browser thus gets at most one message per interval however many samples arrived (64
/// cells at 10 Hz are 640 samples/s; an overview receives 20 messages/s), and a slow or stalled browser skips to the
/// newest values without holding back any other page.
/// </summary>
public sealed class LiveBroadcaster : BackgroundService
{
    /// <summary>Time between pushes.</summary>
    public static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(50);

    private readonly TwinIngestService _ingest;
    private readonly AlarmBook _alarms;
    private readonly IHubContext<DashboardHub> _hub;
    private readonly ILogger<LiveBroadcaster> _log;
    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<CellFeed> _changed = new();
    private readonly ConcurrentDictionary<string, Viewer> _viewers = new(StringComparer.Ordinal);
    private int _alarmsChanged;

    /// <summary>Creates the broadcaster and starts listening to the service's updates.</summary>
    /// <param name="ingest">The running cells.</param>
    /// <param name="alarms">The alarm book.</param>
    /// <param name="hub">The hub to push through.</param>
    /// <param name="log">Logger.</param>
    public LiveBroadcaster(TwinIngestService ingest, AlarmBook alarms, IHubContext<DashboardHub> hub, ILogger<LiveBroadcaster> log)
    {
        _ingest = ingest;
        _alarms = alarms;
        _hub = hub;
        _log = log;
        // the cells share one budget of timeline points (see CellTimeline): memory follows the cell count, not a fixed 4,000 each
        int capacity = CellTimeline.CapacityFor(Math.Max(1, ingest.Cells.Count));
        foreach (var (key, rt) in ingest.Cells) _feeds[key] = new Feed(rt, new CellFeed(key, capacity));
        ingest.Applied += OnApplied;
        ingest.PatternStored += OnPattern;
        alarms.Changed += OnAlarm;
    }

    /// <summary>Every cell's card now, in experiment order.</summary>
    /// <returns>The cards.</returns>
    public List<CellCard> AllCards() => [.. _feeds.Values.Select(CardOf)];

    /// <summary>Everything a cell page starts with.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The snapshot, or null for an unknown cell.</returns>
    public CellSnapshot? Snapshot(string key)
    {
        var f = FeedOf(key);
        if (f is null) return null;
        var (points, patterns) = TimelineOf(f);
        return new CellSnapshot(CardOf(f), points, patterns, CellCards.Model(f.Runtime));
    }

    /// <summary>Alarm counts now.</summary>
    /// <returns>Active-unacknowledged and open alarms.</returns>
    public AlarmCounts Counts()
    {
        var all = _alarms.All();
        return new AlarmCounts(all.Count(a => a.Active && !a.Acknowledged), all.Count(a => a.Open));
    }

    /// <summary>
    /// Registers a connection as an overview page and gives it every cell's card. Nothing more is sent to it
    /// until it acknowledges this reply (<see cref="Viewer.JoinSeq"/>); changes from now on wait for it.
    /// </summary>
    /// <param name="connectionId">SignalR connection id.</param>
    /// <returns>The join reply.</returns>
    public LiveUpdate JoinOverview(string connectionId)
    {
        _viewers[connectionId] = new Viewer(connectionId, ViewerPage.Overview);
        return new LiveUpdate(Viewer.JoinSeq, AllCards(), null, null);
    }

    /// <summary>
    /// Registers a connection as a cell page and gives it the card, the timeline points and patterns after
    /// <paramref name="sinceMs"/> (what the page missed since it was rendered) and the open cycle's row.
    /// </summary>
    /// <param name="connectionId">SignalR connection id.</param>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <param name="sinceMs">Time of the newest point the page has, Unix ms (0: none).</param>
    /// <returns>The join reply, or null for an unknown cell.</returns>
    public LiveUpdate? JoinCell(string connectionId, string key, double sinceMs)
    {
        var f = FeedOf(key);
        if (f is null) return null;
        var card = CardOf(f);
        _viewers[connectionId] = new Viewer(connectionId, ViewerPage.Cell, card.Key);
        var (points, patterns) = TimelineOf(f);
        var delta = new CellDelta(card, [.. points.Where(p => p.T > sinceMs)], [.. patterns.Where(p => p.TimeMs > sinceMs)],
            CellCards.Row(f.Runtime.Twin.CurrentCycle));
        return new LiveUpdate(Viewer.JoinSeq, null, delta, null);
    }

    /// <summary>Registers a connection as a page that shows neither the overview nor a cell: it is sent alarm counts.</summary>
    /// <param name="connectionId">SignalR connection id.</param>
    /// <returns>The join reply with the alarm counts now.</returns>
    public LiveUpdate JoinOther(string connectionId)
    {
        _viewers[connectionId] = new Viewer(connectionId, ViewerPage.Other);
        return new LiveUpdate(Viewer.JoinSeq, null, null, Counts());
    }

    /// <summary>A page acknowledged an update; what is pending for it goes out now.</summary>
    /// <param name="connectionId">SignalR connection id.</param>
    /// <param name="seq">The update's sequence number.</param>
    public void Acknowledge(string connectionId, long seq)
    {
        if (_viewers.TryGetValue(connectionId, out var v) && v.Acknowledge(seq)) Deliver(v);
    }

    /// <summary>Forgets a connection (it closed).</summary>
    /// <param name="connectionId">SignalR connection id.</param>
    public void Leave(string connectionId) => _viewers.TryRemove(connectionId, out _);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Push(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogError(e, "dashboard push failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _ingest.Applied -= OnApplied;
        _ingest.PatternStored -= OnPattern;
        _alarms.Changed -= OnAlarm;
        base.Dispose();
    }

    private void Push(CancellationToken ct)
    {
        // Take every changed cell's pending points first, then look at who watches: a page that joined before a point
        // was taken is then sure to be offered it (a page joining later has it in its join snapshot).
        var taken = CellFeed.TakeAll(() => _changed.TryDequeue(out var f) ? f : null);
        // Cards and cell deltas are built only for what some page shows: with nobody watching, a push only clears the
        // pending points (1,000 cells at 10 Hz cost no card when no browser is open).
        bool overview = false;
        HashSet<string>? watched = null;
        foreach (var v in _viewers.Values)
        {
            if (v.Page == ViewerPage.Overview) overview = true;
            else if (v.CellKey is { } key) (watched ??= new(StringComparer.Ordinal)).Add(key);
        }
        var cards = new List<CellCard>();
        var deltas = new Dictionary<string, CellDelta>(StringComparer.Ordinal);
        foreach (var (live, change) in taken)
        {
            bool cellPage = watched is not null && watched.Contains(live.Key);
            if (!overview && !cellPage) continue;
            var f = _feeds[live.Key];
            var card = CardOf(f);
            if (overview) cards.Add(card);
            // a thinned timeline goes out whole (Reset): every page then holds exactly the points the service keeps
            if (cellPage) deltas[card.Key] = new CellDelta(card, change.Points, change.Patterns, CellCards.Row(f.Runtime.Twin.CurrentCycle)) { Reset = change.Thinned };
        }
        var counts = Interlocked.Exchange(ref _alarmsChanged, 0) == 1 ? Counts() : null;
        foreach (var v in _viewers.Values)
        {
            ct.ThrowIfCancellationRequested();
            if (cards.Count > 0 || deltas.Count > 0 || counts is not null) v.Offer(cards, deltas, counts);
            Deliver(v);
        }
    }

    /// <summary>Sends a page its pending update unless one is in flight; never waits for the browser.</summary>
    private void Deliver(Viewer v)
    {
        var update = v.TakeIfIdle(key => FeedOf(key) is { } f ? TimelineOf(f) : ([], []));
        if (update is null) return;
        _ = SendAsync(v, update);
    }

    private async Task SendAsync(Viewer v, LiveUpdate update)
    {
        try
        {
            await _hub.Clients.Client(v.ConnectionId).SendAsync("update", update).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogDebug("dashboard update to {Connection} failed: {Error}", v.ConnectionId, e.Message);
            v.SendFailed(update.Seq);
        }
    }

    private static (TimelinePoint[] Points, PatternMark[] Patterns) TimelineOf(Feed f) =>
        (f.Live.Timeline.Snapshot(), [.. f.Runtime.Patterns.Select(CellCards.Mark)]);

    private void OnApplied(IngestSnapshot cell, IngestBatch batch)
    {
        if (!_feeds.TryGetValue(cell.Key, out var f)) return;
        f.Live.Append(batch.Samples.Select(CellCards.Point), batch.Samples.Count > 0 ? batch.Samples[^1].Sample.Kind.Name() : null);
        if (f.Live.MarkChanged()) _changed.Enqueue(f.Live);
    }

    private void OnPattern(IngestSnapshot cell, PatternRecord p)
    {
        if (!_feeds.TryGetValue(cell.Key, out var f)) return;
        f.Live.AddPattern(CellCards.Mark(p));
        if (f.Live.MarkChanged()) _changed.Enqueue(f.Live);
    }

    private void OnAlarm(AlarmRecord r)
    {
        Interlocked.Exchange(ref _alarmsChanged, 1);
        if (_feeds.TryGetValue(r.Site + "/" + r.Cell, out var f) && f.Live.MarkChanged()) _changed.Enqueue(f.Live);
    }

    private CellCard CardOf(Feed f)
    {
        var c = f.Runtime.Cell;
        return CellCards.Card(f.Runtime, _alarms.OpenFor(c.Site, c.Config.CellId), f.Live.Kind);
    }

    private Feed? FeedOf(string key) =>
        _feeds.GetValueOrDefault(key) ?? _feeds.Values.FirstOrDefault(f => f.Runtime.Cell.Config.CellId == key);

    /// <summary>A cell: its runtime and its feed.</summary>
    private sealed record Feed(CellRuntime Runtime, CellFeed Live)
    {
        public string Key => Live.Key;
    }
}
