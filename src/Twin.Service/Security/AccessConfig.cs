namespace Twin.Service.Security;

/// <summary>
/// Who may use the dashboard (the experiment file's <c>dashboard:</c> section):
/// <code>
/// dashboard:
///   anonymous_read: false        # true lets anyone see (never change) the pages
///   users:
///     - { name: alice, role: operator, password_hash: "AQAAAAIAAYagAAAAE…" }   # from `twin passwd`
///     - { name: beamline, role: viewer, password_hash: "AQAAAAIAAYagAAAAE…" }
/// </code>
/// </summary>
/// <param name="Users">The accounts, unique by name.</param>
/// <param name="AnonymousRead">True: pages and live data are readable without a login (off by default).</param>
public sealed record AccessConfig(IReadOnlyList<UserAccount> Users, bool AnonymousRead = false)
{
    /// <summary>No users, anonymous read off: nobody can sign in until users are configured.</summary>
    public static AccessConfig None { get; } = new([], false);

    /// <summary>Finds a user by name (case-sensitive).</summary>
    /// <param name="name">Login name.</param>
    /// <returns>The account, or null.</returns>
    public UserAccount? Find(string name) => Users.FirstOrDefault(u => u.Name == name);
}
