namespace Twin.Service.Security;

/// <summary>
/// Who may use the service over HTTP (the experiment file's <c>dashboard:</c> and <c>api:</c> sections):
/// <code>
/// dashboard:
///   anonymous_read: false        # true lets anyone see (never change) the pages and read the REST API
///   users:
///     - { name: alice, role: operator, password_hash: "AQAAAAIAAYagAAAAE…" }   # from `twin passwd`
///     - { name: beamline, role: viewer, password_hash: "AQAAAAIAAYagAAAAE…" }
/// api:
///   tokens:
///     - { name: smu-1, cells: [coin-1, coin-2], hash: "sha256:…" }            # from `twin token`
/// </code>
/// </summary>
/// <param name="Users">The accounts, unique by name.</param>
/// <param name="AnonymousRead">True: pages, live data and the REST API's reads are open without a credential (off by default).</param>
public sealed record AccessConfig(IReadOnlyList<UserAccount> Users, bool AnonymousRead = false)
{
    /// <summary>No users, no tokens, anonymous read off: nobody can sign in until users are configured.</summary>
    public static AccessConfig None { get; } = new([], false);

    /// <summary>API tokens of instruments and other programs (stored as hashes), unique by name and hash.</summary>
    public IReadOnlyList<ApiToken> Tokens { get; init; } = [];

    /// <summary>Finds a user by name (case-sensitive).</summary>
    /// <param name="name">Login name.</param>
    /// <returns>The account, or null.</returns>
    public UserAccount? Find(string name) => Users.FirstOrDefault(u => u.Name == name);

    /// <summary>Finds the token a caller presented.</summary>
    /// <param name="token">The token as presented (e.g. from <c>Authorization: Bearer …</c>).</param>
    /// <returns>The configured token, or null when none has that hash.</returns>
    public ApiToken? FindToken(string token)
    {
        // The comparison runs on hashes: timing can at most reveal how much of a SHA-256 digest matched, which
        // says nothing about the token that would produce it.
        string hash = ApiTokens.Hash(token);
        return Tokens.FirstOrDefault(t => t.Hash == hash);
    }
}
