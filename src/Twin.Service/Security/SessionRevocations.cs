using System.Text.Json.Serialization;
using Twin.Service.State;

namespace Twin.Service.Security;

/// <summary>
/// Sign-in sessions ended by signing out (<c>sessions-revoked.jsonl</c> in the data directory, one line per
/// sign-out, fsynced before the sign-out is answered). A copied session cookie is refused once its session is
/// listed here, also after a restart. A line is kept in memory only until the session would have expired
/// anyway. Thread-safe.
/// </summary>
public sealed class SessionRevocations : IDisposable
{
    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "sessions-revoked.jsonl";

    private readonly JsonLinesFile<RevokedSession> _file;
    private readonly Dictionary<string, long> _until = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <summary>Opens the list in a directory, reading the sessions revoked there before.</summary>
    /// <param name="directory">Data directory (created when missing).</param>
    /// <param name="time">Clock (for expiry); null for the system clock.</param>
    /// <exception cref="FormatException">The file holds an unreadable record (other than a torn last line).</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public SessionRevocations(string directory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        string path = Path.Combine(directory, FileName);
        long now = NowNs();
        foreach (var r in JsonLinesFile<RevokedSession>.ReadAll(path, RevokedSessionJsonContext.Default.RevokedSession))
            if (r.UntilUnixNs > now) _until[r.SessionId] = r.UntilUnixNs;
        _file = new JsonLinesFile<RevokedSession>(path, RevokedSessionJsonContext.Default.RevokedSession);
    }

    /// <summary>Revokes a session, durably.</summary>
    /// <param name="sessionId">The session id (<see cref="SessionStamp.SessionIdClaimType"/>).</param>
    /// <param name="until">When the session would expire on its own; the entry is dropped after that.</param>
    /// <exception cref="IOException">The revocation could not be made durable.</exception>
    public void Revoke(string sessionId, DateTimeOffset until)
    {
        long untilNs = (until.ToUnixTimeMilliseconds() + 1) * 1_000_000;
        lock (_gate)
        {
            _file.Append(new RevokedSession(sessionId, untilNs));
            _until[sessionId] = untilNs;
            long now = NowNs();
            foreach (var expired in _until.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList()) _until.Remove(expired);
        }
    }

    /// <summary>True when the session was signed out.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns>Whether it is revoked.</returns>
    public bool IsRevoked(string sessionId)
    {
        lock (_gate) return _until.ContainsKey(sessionId);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private long NowNs() => _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
}

/// <summary>One line of <see cref="SessionRevocations.FileName"/>.</summary>
/// <param name="SessionId">The revoked session.</param>
/// <param name="UntilUnixNs">When it would have expired, ns since the Unix epoch.</param>
public sealed record RevokedSession(
    [property: JsonPropertyName("sid")] string SessionId,
    [property: JsonPropertyName("until_unix_ns")] long UntilUnixNs);

/// <summary>Source-generated JSON for <see cref="RevokedSession"/>.</summary>
[JsonSerializable(typeof(RevokedSession))]
public sealed partial class RevokedSessionJsonContext : JsonSerializerContext;
