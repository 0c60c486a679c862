using System.Security.Cryptography;

namespace Twin.Messaging.Security;

/// <summary>
/// A secret HMAC-SHA256 key with its id and role. The id travels with every signature so that keys can be rotated
/// (a verifier holds the old and the new key while signers move over); the secret never leaves the process.
/// </summary>
public sealed class MessageKey
{
    /// <summary>Shortest secret accepted, bytes: 256 bits, the HMAC-SHA256 output length (RFC 2104 §3 recommends at least the hash output length).</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>Longest key id, characters.</summary>
    public const int MaximumIdLength = 64;

    private readonly byte[] _secret;

    /// <summary>Creates a key.</summary>
    /// <param name="id">Key id, <c>[A-Za-z0-9_.-]{1,64}</c>.</param>
    /// <param name="role">What a signature with this key proves.</param>
    /// <param name="secret">The secret, at least <see cref="MinimumSecretBytes"/> bytes (copied).</param>
    /// <exception cref="ArgumentException">Invalid id or a secret shorter than 32 bytes.</exception>
    public MessageKey(string id, SignerRole role, ReadOnlySpan<byte> secret)
    {
        if (!IsValidId(id)) throw new ArgumentException($"key id '{id}' must match [A-Za-z0-9_.-]{{1,{MaximumIdLength}}}", nameof(id));
        if (secret.Length < MinimumSecretBytes)
            throw new ArgumentException($"key '{id}': the secret has {secret.Length} bytes; at least {MinimumSecretBytes} are needed (make one with `twin keygen`)", nameof(secret));
        Id = id;
        Role = role;
        _secret = secret.ToArray();
    }

    /// <summary>Key id (sent with every signature).</summary>
    public string Id { get; }

    /// <summary>The role a signature with this key proves.</summary>
    public SignerRole Role { get; }

    /// <summary>The secret, for computing MACs inside this assembly.</summary>
    internal ReadOnlySpan<byte> Secret => _secret;

    /// <summary>Creates a fresh random secret of <see cref="MinimumSecretBytes"/> bytes (cryptographic RNG).</summary>
    /// <returns>The secret.</returns>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(MinimumSecretBytes);

    /// <summary>Whether <paramref name="id"/> is a valid key id.</summary>
    /// <param name="id">Candidate.</param>
    /// <returns>True when it matches <c>[A-Za-z0-9_.-]{1,64}</c>.</returns>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaximumIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>Id and role only; the secret is never printed.</summary>
    /// <returns>e.g. <c>twin-2025a (twin)</c>.</returns>
    public override string ToString() => $"{Id} ({Role.Name()})";
}
