using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twin.Messaging.Contracts;
using Twin.Service.Alarms;
using Twin.Service.Ingest;

namespace Twin.Dashboard.Live;

/// <summary>
/// Turns the twin service's updates into SignalR pushes. Each applied batch marks its cell changed and adds
/// its samples to the cell's <see cref="CellTimeline"/>; every <see cref="PushInterval"/> the changed cells go
/// out in one <c>cells</c> message to the overview group and one <c>cell</c> message per watched cell, so a
/// browser gets at most one message per page and interval however many samples arrived (64 cells at 10 Hz
/// are 640 samples/s; an overview receives 20 messages/s).
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
    private readonly ConcurrentQueue<Feed> _changed = new();
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
        foreach (var (key, rt) in ingest.Cells) _feeds[key] = new Feed(rt);
        ingest.Applied += OnApplied;
        ingest.PatternStored += OnPattern;
        alarms.Changed += OnAlarm;
    }

    /// <summary>Every cell's card now, in experiment order.</summary>
    /// <returns>The cards.</returns>
    public List<CellCard> AllCards() => [.. _feeds.Values.Select(CardOf)];

    /// <summary>A cell's card now.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The card, or null for an unknown cell.</returns>
    public CellCard? Card(string key) => FeedOf(key) is { } f ? CardOf(f) : null;

    /// <summary>Everything a cell page starts with.</summary>
    /// <param name="key">"site/cell" or a cell id.</param>
    /// <returns>The snapshot, or null for an unknown cell.</returns>
    public CellSnapshot? Snapshot(string key)
    {
        var f = FeedOf(key);
        if (f is null) return null;
        return new CellSnapshot(CardOf(f), f.Timeline.Snapshot(), [.. f.Runtime.Patterns.Select(CellCards.Mark)], CellCards.Model(f.Runtime));
    }

    /// <summary>Alarm counts now.</summary>
    /// <returns>Active-unacknowledged and open alarms.</returns>
    public AlarmCounts Counts()
    {
        var all = _alarms.All();
        return new AlarmCounts(all.Count(a => a.Active && !a.Acknowledged), all.Count(a => a.Open));
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
                    await PushAsync(stoppingToken).ConfigureAwait(false);
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

    private async Task PushAsync(CancellationToken ct)
    {
        var cards = new List<CellCard>();
        var deltas = new List<(string Group, CellDelta Delta)>();
        while (_changed.TryDequeue(out var f))
        {
            var (points, patterns) = f.TakePending();
            var card = CardOf(f);
            cards.Add(card);
            var open = f.Runtime.Twin.CurrentCycle;
            deltas.Add((DashboardHub.CellGroup(card.Key), new CellDelta(card, points, patterns, CellCards.Row(open))));
        }
        if (cards.Count > 0)
        {
            var sends = new List<Task>(deltas.Count + 1) { _hub.Clients.Group(DashboardHub.OverviewGroup).SendAsync("cells", cards, ct) };
            foreach (var (group, delta) in deltas) sends.Add(_hub.Clients.Group(group).SendAsync("cell", delta, ct));
            await Task.WhenAll(sends).ConfigureAwait(false);
        }
        if (Interlocked.Exchange(ref _alarmsChanged, 0) == 1)
            await _hub.Clients.All.SendAsync("alarms", Counts(), ct).ConfigureAwait(false);
    }

    private void OnApplied(CellRuntime rt, IngestBatch batch)
    {
        if (!_feeds.TryGetValue(Key(rt), out var f)) return;
        f.Append(batch);
        if (f.MarkChanged()) _changed.Enqueue(f);
    }

    private void OnPattern(CellRuntime rt, PatternRecord p)
    {
        if (!_feeds.TryGetValue(Key(rt), out var f)) return;
        f.AddPattern(CellCards.Mark(p));
        if (f.MarkChanged()) _changed.Enqueue(f);
    }

    private void OnAlarm(AlarmRecord r)
    {
        Interlocked.Exchange(ref _alarmsChanged, 1);
        if (_feeds.TryGetValue(r.Site + "/" + r.Cell, out var f) && f.MarkChanged()) _changed.Enqueue(f);
    }

    private CellCard CardOf(Feed f)
    {
        var c = f.Runtime.Cell;
        return CellCards.Card(f.Runtime, _alarms.OpenFor(c.Site, c.Config.CellId), f.Kind);
    }

    private Feed? FeedOf(string key) =>
        _feeds.GetValueOrDefault(key) ?? _feeds.Values.FirstOrDefault(f => f.Runtime.Cell.Config.CellId == key);

    private static string Key(CellRuntime rt) => rt.Cell.Site + "/" + rt.Cell.Config.CellId;

    /// <summary>One cell's live feed: its timeline and what has not been pushed yet.</summary>
    private sealed class Feed(CellRuntime rt)
    {
        private readonly Lock _gate = new();
        private List<TimelinePoint> _points = [];
        private List<PatternMark> _patterns = [];
        private int _queued;

        public CellRuntime Runtime { get; } = rt;
        public CellTimeline Timeline { get; } = new();
        public string? Kind { get; private set; }

        public void Append(IngestBatch batch)
        {
            lock (_gate)
            {
                foreach (var s in batch.Samples)
                {
                    var p = CellCards.Point(s);
                    if (Timeline.Add(p)) _points.Add(p);
                }
                if (batch.Samples.Count > 0) Kind = batch.Samples[^1].Sample.Kind;
            }
        }

        public void AddPattern(PatternMark p)
        {
            lock (_gate) _patterns.Add(p);
        }

        /// <summary>True when the feed was not queued yet (the caller queues it).</summary>
        public bool MarkChanged() => Interlocked.Exchange(ref _queued, 1) == 0;

        public (List<TimelinePoint> Points, List<PatternMark> Patterns) TakePending()
        {
            Interlocked.Exchange(ref _queued, 0);
            lock (_gate)
            {
                var taken = (_points, _patterns);
                _points = [];
                _patterns = [];
                return taken;
            }
        }
    }
}
