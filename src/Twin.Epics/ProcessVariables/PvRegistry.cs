using System.Collections.Concurrent;

namespace Twin.Epics.ProcessVariables;

/// <summary>The PVs a server answers for, by name (exact, case-sensitive as in EPICS). Thread-safe.</summary>
public sealed class PvRegistry
{
    private readonly ConcurrentDictionary<string, ProcessVariable> _pvs = new(StringComparer.Ordinal);

    /// <summary>Adds a PV.</summary>
    /// <param name="pv">The PV.</param>
    /// <returns>The PV.</returns>
    /// <exception cref="ArgumentException">A PV of that name exists.</exception>
    public ProcessVariable Add(ProcessVariable pv)
    {
        if (!_pvs.TryAdd(pv.Name, pv)) throw new ArgumentException($"PV '{pv.Name}' is defined twice", nameof(pv));
        return pv;
    }

    /// <summary>Finds a PV.</summary>
    /// <param name="name">Full name.</param>
    /// <returns>The PV, or null.</returns>
    public ProcessVariable? Find(string name) => _pvs.TryGetValue(name, out var pv) ? pv : null;

    /// <summary>Every PV, in name order.</summary>
    public IReadOnlyList<ProcessVariable> All => [.. _pvs.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>PVs registered.</summary>
    public int Count => _pvs.Count;
}
