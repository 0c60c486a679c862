using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Security;

/// <summary>
/// The signature of a bus message, carried in MQTT 5 user properties (MQTT 5.0 §3.3.2.3.7) so that the JSON payload
/// contracts stay as they are: <c>twin-kid</c> (key id), <c>twin-ts</c> (signing time, ns since the Unix epoch, strictly
/// increasing per signer: it is also the replay counter), <c>twin-sid</c> (the signer's session id, random per process)
/// and <c>twin-sig</c> (base64 HMAC-SHA256, RFC 2104 / FIPS 198-1).
/// </summary>
/// <remarks>
/// The MAC covers, each as a 4-byte big-endian length followed by the bytes: the scheme name
/// <c>twin-hmac-sha256-v1</c>, the key id, the timestamp (decimal ASCII), the session id, the topic, the response topic
/// (empty when absent), the correlation data and the payload. The retain flag is not covered (a broker changes it on
/// delivery); a retained message replayed later is refused by the verifier's freshness and replay rules instead.
/// </remarks>
public static class MessageSignature
{
    /// <summary>User property: key id.</summary>
    public const string KeyIdProperty = "twin-kid";

    /// <summary>User property: signing time, ns since the Unix epoch (decimal), strictly increasing per signer.</summary>
    public const string TimestampProperty = "twin-ts";

    /// <summary>User property: the signer's session id (16 hex digits, random per signer instance).</summary>
    public const string SessionProperty = "twin-sid";

    /// <summary>User property: the HMAC-SHA256, base64 (44 characters).</summary>
    public const string SignatureProperty = "twin-sig";

    /// <summary>Name of the scheme, the first field under the MAC (a later scheme gets a new name).</summary>
    public const string Scheme = "twin-hmac-sha256-v1";

    /// <summary>Bytes of an HMAC-SHA256.</summary>
    public const int MacBytes = 32;

    /// <summary>Whether a user property name belongs to the signature.</summary>
    /// <param name="name">Property name.</param>
    /// <returns>True for the four <c>twin-…</c> names above.</returns>
    public static bool IsSignatureProperty(string name) =>
        name is KeyIdProperty or TimestampProperty or SessionProperty or SignatureProperty;

    /// <summary>Computes the MAC of a message under a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="timestampNs">Signing time, ns since the Unix epoch.</param>
    /// <param name="sessionId">Signer session id.</param>
    /// <param name="message">The message (its signature properties are not covered).</param>
    /// <param name="mac">Receives the 32-byte MAC.</param>
    internal static void Compute(MessageKey key, long timestampNs, string sessionId, BusMessage message, Span<byte> mac)
    {
        using var h = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Secret);
        AppendText(h, Scheme);
        AppendText(h, key.Id);
        Span<byte> ts = stackalloc byte[20];
        timestampNs.TryFormat(ts, out int n, provider: CultureInfo.InvariantCulture);
        AppendBytes(h, ts[..n]);
        AppendText(h, sessionId);
        AppendText(h, message.Topic);
        AppendText(h, message.ResponseTopic ?? "");
        AppendBytes(h, message.CorrelationData.Span);
        AppendBytes(h, message.Payload.Span);
        h.GetHashAndReset(mac);
    }

    private static void AppendText(IncrementalHash h, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > 256 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[256] : rented;
        try
        {
            int n = Encoding.UTF8.GetBytes(text, buffer);
            AppendBytes(h, buffer[..n]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void AppendBytes(IncrementalHash h, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        h.AppendData(length);
        h.AppendData(bytes);
    }
}
