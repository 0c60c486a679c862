using Twin.Core.Cells;
using Twin.Core.Safety;

namespace Twin.Service.Ingest;

/// <summary>One point of a cell's recent history.</summary>
/// <param name="TimeUnixNs">Sample time, ns since the Unix epoch.</param>
/// <param name="CLi">c_Li.</param>
/// <param name="VoltageV">Voltage, V.</param>
/// <param name="CurrentA">Current, A.</param>
/// <param name="Zone">Zone.</param>
/// <param name="DIlA">d_IL, Å.</param>
/// <param name="DTmA">d_TM, Å.</param>
/// <param name="CLiSigma">σ of c_Li.</param>
/// <param name="CLiCounted">c_Li from charge counting alone.</param>
public readonly record struct HistoryPoint(long TimeUnixNs, double CLi, double VoltageV, double CurrentA, Zone Zone, double DIlA, double DTmA,
    double CLiSigma = 0, double CLiCounted = double.NaN);

/// <summary>A fixed-size ring of a cell's most recent twin outputs (the full history is in InfluxDB).</summary>
public sealed class RecentHistory
{
    private readonly HistoryPoint[] _ring;
    private long _count;

    /// <summary>Creates the ring.</summary>
    /// <param name="capacity">Points kept, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">Capacity below 1.</exception>
    public RecentHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new HistoryPoint[capacity];
    }

    /// <summary>Adds an output.</summary>
    /// <param name="timeUnixNs">Sample time.</param>
    /// <param name="o">The output.</param>
    public void Add(long timeUnixNs, in TwinOutput o)
    {
        lock (_ring)
        {
            _ring[_count % _ring.Length] = new HistoryPoint(timeUnixNs, o.CLi, o.VoltageV, o.CurrentA, o.Zone, o.DIlA, o.DTmA, o.CLiSigma, o.CLiCounted);
            _count++;
        }
    }

    /// <summary>The points, oldest first, optionally only those at or after a time.</summary>
    /// <param name="sinceUnixNs">Earliest time wanted, or 0 for all.</param>
    /// <returns>A copy.</returns>
    public HistoryPoint[] Snapshot(long sinceUnixNs = 0)
    {
        lock (_ring)
        {
            int n = (int)Math.Min(_count, _ring.Length);
            var all = new HistoryPoint[n];
            for (int i = 0; i < n; i++) all[i] = _ring[(_count - n + i) % _ring.Length];
            return sinceUnixNs <= 0 ? all : [.. all.Where(p => p.TimeUnixNs >= sinceUnixNs)];
        }
    }
}
