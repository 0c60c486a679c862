using System.Globalization;
using System.Security.Cryptography;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Security;

/// <summary>
/// Signs bus messages with one key (see <see cref="MessageSignature"/> for what is covered). Every signature gets a
/// timestamp that is strictly greater than the previous one of this signer (the wall clock in ns, pushed forward by
/// 1 ns when it did not advance), so a verifier can refuse anything not newer than what it accepted. Thread-safe.
/// </summary>
public sealed class MessageSigner
{
    private readonly TimeProvider _time;
    private long _lastNs;

    /// <summary>Creates a signer with a fresh random session id.</summary>
    /// <param name="key">The signing key.</param>
    /// <param name="time">Clock for the timestamps (default: system).</param>
    public MessageSigner(MessageKey key, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        _time = time ?? TimeProvider.System;
        SessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>The key that signs.</summary>
    public MessageKey Key { get; }

    /// <summary>Random id of this signer instance (16 hex digits), carried as <c>twin-sid</c>; a restarted signer has a new one.</summary>
    public string SessionId { get; }

    /// <summary>Returns the message with its signature properties set (existing <c>twin-…</c> signature properties are replaced).</summary>
    /// <param name="message">The message to sign.</param>
    /// <returns>A copy carrying <c>twin-kid</c>, <c>twin-ts</c>, <c>twin-sid</c> and <c>twin-sig</c> after its other user properties.</returns>
    public BusMessage Sign(BusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        long ts = NextTimestamp();
        Span<byte> mac = stackalloc byte[MessageSignature.MacBytes];
        MessageSignature.Compute(Key, ts, SessionId, message, mac);
        var props = new List<KeyValuePair<string, string>>(message.UserProperties.Count + 4);
        foreach (var p in message.UserProperties)
            if (!MessageSignature.IsSignatureProperty(p.Key)) props.Add(p);
        props.Add(new(MessageSignature.KeyIdProperty, Key.Id));
        props.Add(new(MessageSignature.TimestampProperty, ts.ToString(CultureInfo.InvariantCulture)));
        props.Add(new(MessageSignature.SessionProperty, SessionId));
        props.Add(new(MessageSignature.SignatureProperty, Convert.ToBase64String(mac)));
        return message with { UserProperties = props };
    }

    private long NextTimestamp()
    {
        long now = UnixNs(_time);
        while (true)
        {
            long last = Volatile.Read(ref _lastNs);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastNs, next, last) == last) return next;
        }
    }

    /// <summary>The clock's time in ns since the Unix epoch.</summary>
    internal static long UnixNs(TimeProvider time) => (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}
