using Twin.Storage.LineProtocol;

namespace Twin.Storage;

/// <summary>
/// Where the twin service puts its points. Implemented by <see cref="Spool.PointSpool"/>: a write completes only
/// when the points are durably on local disk (fsync'd), from where they are sent to InfluxDB in order.
/// </summary>
public interface IPointSink
{
    /// <summary>
    /// Accepts points. Completes when they are durably accepted (for the spool: appended and fsync'd), so a
    /// completed write survives a process kill or power loss. All points of one call are accepted or none.
    /// </summary>
    /// <param name="points">The points, in the order they are to be written.</param>
    /// <param name="cancellationToken">Cancels waiting; points already handed to the disk may still be accepted.</param>
    /// <exception cref="ArgumentException">A point cannot be encoded (e.g. an unsigned field where not allowed); nothing is accepted.</exception>
    /// <exception cref="Spool.SpoolRefusedException">No room: the sink's disk bound is reached (<see cref="Spool.SpoolFullException"/>) or
    /// its file system is full (<see cref="Spool.SpoolDiskFullException"/>); nothing is accepted, the same write may succeed later.</exception>
    /// <exception cref="ObjectDisposedException">The sink was disposed.</exception>
    ValueTask WriteAsync(IReadOnlyList<LinePoint> points, CancellationToken cancellationToken = default);
}
