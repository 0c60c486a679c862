using System.Collections.Concurrent;

namespace Twin.Service.Epics;

/// <summary>
/// Where a request for a diffraction pattern (a write to <c>{prefix}{cell}:PATTERN_REQ</c>) goes: the driver of a cell
/// registers itself when it runs in the same process as the twin (<c>twin drive</c>, <c>twin demo</c>); a cell
/// without one refuses the request with the reason.
/// </summary>
public sealed class PatternRequests
{
    private readonly ConcurrentDictionary<string, Func<string, string?>> _drivers = new(StringComparer.Ordinal);

    /// <summary>Registers a cell's driver.</summary>
    /// <param name="cellId">Cell id.</param>
    /// <param name="request">Asks for a pattern with a reason (who asked); returns null when accepted, else why not.</param>
    public void Register(string cellId, Func<string, string?> request) => _drivers[cellId] = request;

    /// <summary>Removes a cell's driver (its run ended).</summary>
    /// <param name="cellId">Cell id.</param>
    public void Unregister(string cellId) => _drivers.TryRemove(cellId, out _);

    /// <summary>Asks a cell's driver for a pattern.</summary>
    /// <param name="cellId">Cell id.</param>
    /// <param name="reason">Who asked, for the driver's event.</param>
    /// <returns>Null when accepted, else why not.</returns>
    public string? Request(string cellId, string reason) =>
        _drivers.TryGetValue(cellId, out var request) ? request(reason)
            : $"no diffractometer trigger is driven for cell {cellId} in this process (patterns are requested from twin drive or twin demo with a 'patterns:' trigger)";
}
