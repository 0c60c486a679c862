using System.Security.Cryptography;
using System.Text;

namespace Twin.Service.Security;

/// <summary>
/// Makes and checks API tokens. A token is <c>twin_</c> followed by 256 random bits from the operating system's
/// cryptographic generator (<see cref="RandomNumberGenerator"/>), base64url-encoded (43 characters). The experiment
/// file keeps only its SHA-256 hash. A fast hash is enough here, unlike for passwords: a slow, salted hash
/// (PBKDF2) exists to make guessing a human-chosen password from its hash expensive, but a 256-bit random
/// token cannot be guessed at any hashing speed (2^255 tries on average), and SHA-256 is preimage-resistant,
/// so a leaked experiment file reveals no usable token. It also keeps checking a token cheap on every request
/// of an instrument posting at 10 Hz.
/// </summary>
public static class ApiTokens
{
    /// <summary>Prefix of every token (lets secret scanners and people recognise one).</summary>
    public const string Prefix = "twin_";

    /// <summary>Prefix of every hash in the experiment file.</summary>
    public const string HashPrefix = "sha256:";

    /// <summary>Random bytes in a token (256 bits).</summary>
    public const int RandomBytes = 32;

    /// <summary>Makes a new token.</summary>
    /// <returns>The token (to give to the instrument, shown once) and its hash (for the experiment file).</returns>
    public static (string Token, string Hash) Create()
    {
        string token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(RandomBytes));
        return (token, Hash(token));
    }

    /// <summary>The hash of a token as the experiment file keeps it.</summary>
    /// <param name="token">The token as presented.</param>
    /// <returns><c>sha256:</c> and 64 lowercase hex digits.</returns>
    public static string Hash(string token) =>
        HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when the text has the form of a hash made by <see cref="Hash"/>.</summary>
    /// <param name="hash">Candidate hash.</param>
    /// <returns>Whether it is <c>sha256:</c> and 64 hex digits.</returns>
    public static bool IsWellFormed(string? hash) =>
        hash is { Length: 7 + 64 } && hash.StartsWith(HashPrefix, StringComparison.Ordinal) && hash.AsSpan(7).ContainsAnyExcept("0123456789abcdef") == false;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
