using System.Globalization;
using System.Security.Cryptography;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Security;

/// <summary>
/// Verifies signed bus messages (<see cref="MessageSignature"/>) against a <see cref="KeyRing"/>: the MAC must match
/// under the key named by <c>twin-kid</c>; the signing time must lie within the freshness window of this process's
/// clock; and, per key and topic, only a strictly newer timestamp than the last one accepted passes (replay
/// protection). One verifier per receiving component: its replay memory is its own. Thread-safe.
/// </summary>
public sealed class MessageVerifier
{
    private readonly KeyRing _keys;
    private readonly TimeProvider _time;
    private readonly long _maxAgeNs;
    private readonly Dictionary<(string KeyId, string Topic), long> _newest = [];
    private readonly Lock _gate = new();

    /// <summary>Creates a verifier.</summary>
    /// <param name="keys">Keys accepted.</param>
    /// <param name="maxAge">Freshness window: a signature older or further in the future than this is refused (covers clock skew between machines).</param>
    /// <param name="time">Clock (default: system).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is not positive.</exception>
    public MessageVerifier(KeyRing keys, TimeSpan maxAge, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (maxAge <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "the freshness window must be positive");
        _keys = keys;
        MaxAge = maxAge;
        _maxAgeNs = maxAge.Ticks * 100;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The freshness window.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>
    /// Verifies signature, role, freshness and novelty; on success records the timestamp as the newest for its key and topic.
    /// </summary>
    /// <param name="message">The received message.</param>
    /// <param name="allowed">Roles that may send this message; null for any role the ring holds.</param>
    /// <returns>The outcome; <see cref="VerifyResult.Key"/> names the key that verified it.</returns>
    public VerifyResult Verify(BusMessage message, IReadOnlyCollection<SignerRole>? allowed = null)
    {
        var r = VerifySignature(message, allowed);
        if (!r.Accepted) return r;
        long now = MessageSigner.UnixNs(_time);
        long age = now - r.TimestampNs;
        if (age > _maxAgeNs)
            return r with { Reason = RefusalReason.Stale, Detail = $"signed {Seconds(age)} s ago, more than the freshness window of {MaxAge.TotalSeconds:0.###} s" };
        if (-age > _maxAgeNs)
            return r with { Reason = RefusalReason.FromTheFuture, Detail = $"signed {Seconds(-age)} s in the future, more than the freshness window of {MaxAge.TotalSeconds:0.###} s (check the clocks)" };
        var slot = (r.Key!.Id, message.Topic);
        lock (_gate)
        {
            if (_newest.TryGetValue(slot, out long newest) && r.TimestampNs <= newest)
                return r with { Reason = RefusalReason.Replayed, Detail = $"not newer than the last message accepted from key '{r.Key.Id}' on this topic (a replay)" };
            _newest[slot] = r.TimestampNs;
        }
        return r;
    }

    /// <summary>
    /// Verifies the signature and the role only (no freshness, no replay memory): for messages with rules of their own,
    /// such as a status last will that was signed when the connection was made.
    /// </summary>
    /// <param name="message">The received message.</param>
    /// <param name="allowed">Roles that may send this message; null for any role the ring holds.</param>
    /// <returns>The outcome.</returns>
    public VerifyResult VerifySignature(BusMessage message, IReadOnlyCollection<SignerRole>? allowed = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        string? kid = null, ts = null, sid = null, sig = null;
        int found = 0;
        foreach (var p in message.UserProperties)
        {
            ref string? slot = ref kid;
            switch (p.Key)
            {
                case MessageSignature.KeyIdProperty: slot = ref kid; break;
                case MessageSignature.TimestampProperty: slot = ref ts; break;
                case MessageSignature.SessionProperty: slot = ref sid; break;
                case MessageSignature.SignatureProperty: slot = ref sig; break;
                default: continue;
            }
            found++;
            if (slot is not null) return Refuse(RefusalReason.Malformed, $"user property '{p.Key}' appears more than once");
            slot = p.Value;
        }
        if (found == 0) return Refuse(RefusalReason.Unsigned, $"no signature (user properties {MessageSignature.KeyIdProperty}, {MessageSignature.SignatureProperty} missing)");
        if (kid is null || ts is null || sid is null || sig is null)
            return Refuse(RefusalReason.Malformed, $"incomplete signature: expected {MessageSignature.KeyIdProperty}, {MessageSignature.TimestampProperty}, {MessageSignature.SessionProperty} and {MessageSignature.SignatureProperty}");
        if (!long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp) || timestamp <= 0)
            return Refuse(RefusalReason.Malformed, $"{MessageSignature.TimestampProperty} '{Clip(ts)}' is not a positive integer (ns since the Unix epoch)");
        Span<byte> given = stackalloc byte[MessageSignature.MacBytes];
        if (!Convert.TryFromBase64String(sig, given, out int n) || n != MessageSignature.MacBytes)
            return Refuse(RefusalReason.Malformed, $"{MessageSignature.SignatureProperty} is not a base64 HMAC-SHA256");
        var key = _keys.Find(kid);
        if (key is null) return Refuse(RefusalReason.UnknownKey, $"signed with key '{Clip(kid)}', which this process does not hold");
        Span<byte> expected = stackalloc byte[MessageSignature.MacBytes];
        MessageSignature.Compute(key, timestamp, sid, message, expected);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
            return new VerifyResult(RefusalReason.BadSignature, null, timestamp, sid, $"signature does not match key '{key.Id}' (the message was altered or signed with another secret)");
        var ok = new VerifyResult(RefusalReason.None, key, timestamp, sid, "");
        if (allowed is not null && !allowed.Contains(key.Role))
            return ok with { Reason = RefusalReason.WrongRole, Detail = $"signed by key '{key.Id}' of role {key.Role.Name()}; this message needs {string.Join(" or ", allowed.Select(r => r.Name()))}" };
        return ok;
    }

    private static VerifyResult Refuse(RefusalReason reason, string detail) => new(reason, null, 0, "", detail);

    private static string Seconds(long ns) => (ns / 1e9).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
