namespace Twin.Service.Security;

/// <summary>
/// Limits password guessing per user name without locking the real user out. Failed sign-ins are counted per
/// user name and client address over a sliding <see cref="Window"/>:
/// <list type="bullet">
/// <item>an address with <see cref="FailuresPerAddress"/> failures for a name is refused for that name;</item>
/// <item>a name with <see cref="FailuresPerName"/> failures from all addresses together is refused from every
/// address that has failed for it — an address without a failure for that name is still let through, so the real
/// user at a workstation of their own signs in while an attacker elsewhere holds the name at the limit;</item>
/// <item>a successful sign-in clears the failures of that name from that address.</item>
/// </list>
/// Unknown names are counted like known ones (the answer never tells whether a user exists). The per-address
/// limit on all attempts is ASP.NET Core's rate limiter, in front of this. Thread-safe; in memory only.
/// </summary>
/// <param name="time">Clock; null for the system clock.</param>
public sealed class SignInThrottle(TimeProvider? time = null)
{
    /// <summary>How long a failure counts.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Failures for one name from one address that close that address for the name.</summary>
    public const int FailuresPerAddress = 5;

    /// <summary>Failures for one name from all addresses that close every address which has failed for it.</summary>
    public const int FailuresPerName = 10;

    /// <summary>Longest name kept (longer input is cut; it is never a valid user name).</summary>
    public const int MaxNameLength = 64;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, Dictionary<string, Queue<long>>> _failures = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _calls;

    /// <summary>True when an attempt for the name from the address must be refused without checking the password.</summary>
    /// <param name="name">The user name typed.</param>
    /// <param name="address">The client address.</param>
    /// <returns>Whether the attempt is refused.</returns>
    public bool IsRefused(string name, string address)
    {
        lock (_gate)
        {
            var byAddress = Prune(Clip(name));
            if (byAddress is null || !byAddress.TryGetValue(address, out var mine)) return false;
            return mine.Count >= FailuresPerAddress || byAddress.Values.Sum(q => q.Count) >= FailuresPerName;
        }
    }

    /// <summary>Counts a failed sign-in.</summary>
    /// <param name="name">The user name typed.</param>
    /// <param name="address">The client address.</param>
    public void Failed(string name, string address)
    {
        lock (_gate)
        {
            string key = Clip(name);
            if (!_failures.TryGetValue(key, out var byAddress)) _failures[key] = byAddress = new(StringComparer.Ordinal);
            if (!byAddress.TryGetValue(address, out var q)) byAddress[address] = q = new Queue<long>();
            q.Enqueue(_time.GetTimestamp());
            if (++_calls % 256 == 0) foreach (string n in _failures.Keys.ToList()) Prune(n);
        }
    }

    /// <summary>Clears the failures of a name from an address after a successful sign-in.</summary>
    /// <param name="name">The user name.</param>
    /// <param name="address">The client address.</param>
    public void Succeeded(string name, string address)
    {
        lock (_gate)
        {
            string key = Clip(name);
            if (_failures.TryGetValue(key, out var byAddress) && byAddress.Remove(address) && byAddress.Count == 0) _failures.Remove(key);
        }
    }

    private Dictionary<string, Queue<long>>? Prune(string name)
    {
        if (!_failures.TryGetValue(name, out var byAddress)) return null;
        long now = _time.GetTimestamp();
        foreach (var (address, q) in byAddress.ToList())
        {
            while (q.Count > 0 && _time.GetElapsedTime(q.Peek(), now) >= Window) q.Dequeue();
            if (q.Count == 0) byAddress.Remove(address);
        }
        if (byAddress.Count > 0) return byAddress;
        _failures.Remove(name);
        return null;
    }

    private static string Clip(string name) => name.Length > MaxNameLength ? name[..MaxNameLength] : name;
}
