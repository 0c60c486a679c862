using System.Security.Cryptography;
using System.Text;

namespace Twin.Service.Security;

/// <summary>
/// The security stamp of a dashboard user: a digest of the user's entry in the experiment file (name, role,
/// password hash). A sign-in session carries the stamp it was issued with and is valid only while the stamp is
/// unchanged, so removing the user, changing the role or setting a new password hash ends every session of
/// that user at the next request.
/// </summary>
public static class SessionStamp
{
    /// <summary>Claim type of the stamp in a session.</summary>
    public const string ClaimType = "twin:stamp";

    /// <summary>Claim type of the session id (for sign-out revocation, <see cref="SessionRevocations"/>).</summary>
    public const string SessionIdClaimType = "twin:sid";

    /// <summary>The stamp of a user as configured now.</summary>
    /// <param name="user">The account.</param>
    /// <returns>The first 128 bits of SHA-256 over name, role and password hash, base64.</returns>
    public static string Of(UserAccount user) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(user.Name + "\n" + user.Role + "\n" + user.PasswordHash)), 0, 16);

    /// <summary>A new random session id (128 bits, hex).</summary>
    /// <returns>The id.</returns>
    public static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
