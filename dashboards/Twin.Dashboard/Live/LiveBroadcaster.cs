using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Core.Samples;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Ingest;
using IngestSnapshot = Twin.Service.Ingest.CellSnapshot;

namespace Twin.Dashboard.Live;

/// <summary>
/// The dashboard's live feed. Each applied batch marks its cell changed and adds its samples to the cell's
/// <see cref="CellTimeline"/>; every <see cref="PushInterval"/> the changed cells are offered to every subscribed page
/// (<see cref="LiveSubscription"/>, one per page component on a Blazor circuit): the changed cards to an overview, the
/// watched cell's news to a cell page, alarm counts to every page when they changed. A page gets at most one push per
/// interval however many samples arrived (64 cells at 10 Hz are 640 samples/s; an overview gets 20 pushes/s). A push
/// never waits for a browser: the page stores the news and asks its circuit to render, and the circuit renders only
/// as fast as its browser acknowledges render batches, so a slow or stalled browser skips to the newest values
/// without holding back any other page.
/// </summary>
public sealed class LiveBroadcaster : BackgroundService
{
    /// <summary>Time between pushes.</summary>
    public static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(50);

    private readonly TwinIngestService _ingest;
    private readonly AlarmBook _alarms;
    private readonly ILogger<LiveBroadcaster> _log;
    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<CellFeed> _changed = new();
    private readonly ConcurrentDictionary<LiveSubscription, byte> _subscribers = new(ReferenceEqualityComparer.Instance);
    private int _alarmsChanged;

    /// <summary>Creates the feed and starts listening to the service's updates.</summary>
    /// <param name="ingest">The running cells.</param>
    /// <param name="alarms">The alarm book.</param>
    /// <param name="log">Logger.</param>
    public LiveBroadcaster(TwinIngestService ingest, AlarmBook alarms, ILogger<LiveBroadcaster> log)
    {
        _ingest = ingest;
        _alarms = alarms;
        _log = log;
        // the cells share one budget of timeline points (see CellTimeline): memory follows the cell count, not a fixed 4,000 each
        int capacity = CellTimeline.CapacityFor(Math.Max(1, ingest.Cells.Count));
        foreach (var (key, rt) in ingest.Cells) _feeds[key] = new Feed(rt, new CellFeed(key, capacity));
        ingest.Applied += OnApplied;
        ingest.PatternStored += OnPattern;
        alarms.Changed += OnAlarm;
    }

    /// <summary>Pages subscribed now.</summary>
    public int Subscribers => _subscribers.Count;

    /// <summary>Every cell's card now, in experiment order.</summary>
    /// <returns>The cards.</returns>
    public List<CellCard> AllCards() => [.. _feeds.Values.Select(CardOf)];

    /// <summary>A cell's card now.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The card, or null for an unknown cell.</returns>
    public CellCard? Card(string key) => FeedOf(key) is { } f ? CardOf(f) : null;

    /// <summary>Everything a cell page's charts start with.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The snapshot, or null for an unknown cell.</returns>
    public CellSnapshot? Snapshot(string key)
    {
        var f = FeedOf(key);
        if (f is null) return null;
        var (points, patterns) = TimelineOf(f);
        return new CellSnapshot(CardOf(f), points, patterns, CellCards.Model(f.Runtime));
    }

    /// <summary>A cell's whole timeline and pattern marks now.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The points (oldest first) and marks; empty for an unknown cell.</returns>
    public (TimelinePoint[] Points, PatternMark[] Patterns) Timeline(string key) => FeedOf(key) is { } f ? TimelineOf(f) : ([], []);

    /// <summary>Alarm counts now.</summary>
    /// <returns>Active-unacknowledged and open alarms.</returns>
    public AlarmCounts Counts()
    {
        var all = _alarms.All();
        return new AlarmCounts(all.Count(a => a.Active && !a.Acknowledged), all.Count(a => a.Open));
    }

    /// <summary>Subscribes an overview page: it is offered the changed cards and alarm counts.</summary>
    /// <param name="onPush">Takes each push; must not block.</param>
    /// <returns>The subscription (dispose it when the page goes).</returns>
    public LiveSubscription SubscribeOverview(Action<LivePush> onPush) => Add(new LiveSubscription(this, ViewerPage.Overview, null, onPush));

    /// <summary>
    /// Subscribes a cell page: it is offered the cell's card, new timeline points and patterns, the open cycle's row,
    /// and alarm counts. Points taken from the feed before this call are in <see cref="Snapshot"/> or <see cref="Timeline"/>
    /// read after it, so a page that subscribes first and reads its start second misses none.
    /// </summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <param name="onPush">Takes each push; must not block.</param>
    /// <returns>The subscription, or null for an unknown cell.</returns>
    public LiveSubscription? SubscribeCell(string key, Action<LivePush> onPush) =>
        FeedOf(key) is { } f ? Add(new LiveSubscription(this, ViewerPage.Cell, f.Key, onPush)) : null;

    /// <summary>Subscribes a page that shows neither the overview nor a cell: it is offered alarm counts.</summary>
    /// <param name="onPush">Takes each push; must not block.</param>
    /// <returns>The subscription.</returns>
    public LiveSubscription SubscribeAlarmCounts(Action<LivePush> onPush) => Add(new LiveSubscription(this, ViewerPage.Other, null, onPush));

    internal void Unsubscribe(LiveSubscription s) => _subscribers.TryRemove(s, out _);

    private LiveSubscription Add(LiveSubscription s)
    {
        _subscribers[s] = 0;
        return s;
    }

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

    /// <summary>One push: takes every changed cell's news and offers it to the pages that show it.</summary>
    internal void Push(CancellationToken ct)
    {
        // Take every changed cell's pending points first, then look at who watches: a page that subscribed before a point
        // was taken is then sure to be offered it (a page subscribing later reads it in its snapshot).
        var taken = CellFeed.TakeAll(() => _changed.TryDequeue(out var f) ? f : null);
        // Cards and cell deltas are built only for what some page shows: with nobody watching, a push only clears the
        // pending points (1,000 cells at 10 Hz cost no card when no browser is open).
        bool overview = false;
        HashSet<string>? watched = null;
        foreach (var s in _subscribers.Keys)
        {
            if (s.Page == ViewerPage.Overview) overview = true;
            else if (s.CellKey is { } key) (watched ??= new(StringComparer.Ordinal)).Add(key);
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
        foreach (var s in _subscribers.Keys)
        {
            ct.ThrowIfCancellationRequested();
            var push = s.Page switch
            {
                ViewerPage.Overview when cards.Count > 0 || counts is not null => new LivePush(cards.Count > 0 ? cards : null, null, counts),
                ViewerPage.Cell when deltas.TryGetValue(s.CellKey!, out var d) => new LivePush(null, d, counts),
                _ when counts is not null => new LivePush(null, null, counts),
                _ => null,
            };
            if (push is null) continue;
            try
            {
                s.Deliver(push);
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "a dashboard page's live handler failed");
            }
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
