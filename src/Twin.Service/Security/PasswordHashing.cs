using Microsoft.AspNetCore.Identity;

namespace Twin.Service.Security;

/// <summary>
/// Password hashes for the configured users, made and checked with ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> (format version 3: PBKDF2 with HMAC-SHA512, random 128-bit salt,
/// 100,000 iterations, base64) — no password is ever stored.
/// </summary>
public static class PasswordHashing
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();
    private static readonly UserAccount Nobody = new("", TwinRoles.Viewer, "");

    /// <summary>Hashes a password.</summary>
    /// <param name="password">The password, at least 8 characters.</param>
    /// <returns>The hash to put in the experiment file.</returns>
    /// <exception cref="ArgumentException">The password is shorter than 8 characters.</exception>
    public static string Hash(string password)
    {
        if (password.Length < 8) throw new ArgumentException("a password needs at least 8 characters", nameof(password));
        return Hasher.HashPassword(Nobody, password);
    }

    /// <summary>Checks a password against a hash, in time independent of where they differ.</summary>
    /// <param name="hash">The stored hash.</param>
    /// <param name="password">The password given.</param>
    /// <returns>True when it matches.</returns>
    public static bool Verify(string hash, string password)
    {
        try
        {
            return Hasher.VerifyHashedPassword(Nobody, hash, password) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks a password against a user's hash, or against a hash of a random password when there is no such user, so
    /// that a sign-in takes as long for an unknown user name as for a wrong password (the answer time does not tell
    /// whether a user exists).
    /// </summary>
    /// <param name="hash">The user's stored hash, or null for an unknown user.</param>
    /// <param name="password">The password given.</param>
    /// <returns>True only for a known user and the right password.</returns>
    public static bool VerifyUser(string? hash, string password)
    {
        bool match = Verify(hash ?? Decoy.Value, password);
        return hash is not null && match;
    }

    private static readonly Lazy<string> Decoy = new(() => Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    /// <summary>True when the text decodes as a hash this class can check.</summary>
    /// <param name="hash">Candidate hash.</param>
    /// <returns>Whether it is well-formed (base64, version-3 header).</returns>
    public static bool IsWellFormed(string hash)
    {
        try
        {
            var bytes = Convert.FromBase64String(hash);
            return bytes.Length >= 13 + 16 + 32 && bytes[0] == 0x01;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
