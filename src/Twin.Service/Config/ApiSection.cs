using Twin.Service.Security;

namespace Twin.Service.Config;

/// <summary>
/// The experiment file's <c>api:</c> section: the API tokens of instruments and other programs.
/// <code>
/// api:
///   tokens:
///     - { name: smu-1, cells: [coin-1, coin-2], hash: "sha256:…" }   # from `twin token --name smu-1 --cells coin-1,coin-2`
///     - { name: prometheus, cells: [], hash: "sha256:…" }             # read-only
/// </code>
/// </summary>
internal sealed class ApiSectionDto
{
    public List<TokenDto>? Tokens { get; set; }

    internal sealed class TokenDto
    {
        public string? Name { get; set; }
        public List<string>? Cells { get; set; }
        public string? Hash { get; set; }
    }
}

/// <summary>Validates the <c>api:</c> section against the experiment's cells and users.</summary>
internal static class ApiSection
{
    /// <summary>The tokens of the section.</summary>
    /// <param name="dto">The section, or null when absent.</param>
    /// <param name="cells">The experiment's cells (every token cell must be one of them).</param>
    /// <param name="users">The dashboard users (token names must differ from theirs).</param>
    /// <param name="origin">File name for messages.</param>
    /// <returns>The tokens, in file order.</returns>
    /// <exception cref="FormatException">A token is invalid; the message names the file, the token and the field.</exception>
    public static IReadOnlyList<ApiToken> Tokens(ApiSectionDto? dto, IReadOnlyList<ExperimentCell> cells, IReadOnlyList<UserAccount> users, string origin)
    {
        var tokens = new List<ApiToken>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var known = new HashSet<string>(cells.SelectMany(c => new[] { c.Config.CellId, c.Site + "/" + c.Config.CellId }), StringComparer.Ordinal);
        for (int i = 0; i < (dto?.Tokens?.Count ?? 0); i++)
        {
            var t = dto!.Tokens![i];
            string where = $"{origin}: api token {i + 1}" + (t.Name is null ? "" : $" '{t.Name}'");
            if (t.Name is null || t.Name.Length == 0 || !t.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.'))
                throw new FormatException($"{where}: 'name' is required and must match [A-Za-z0-9_.-]+");
            if (!names.Add(t.Name)) throw new FormatException($"{where}: the name appears twice");
            if (users.Any(u => u.Name == t.Name)) throw new FormatException($"{where}: the name is also a dashboard user's; give the token a name of its own");
            if (!ApiTokens.IsWellFormed(t.Hash))
                throw new FormatException($"{where}: 'hash' must be a hash made by `twin token` (sha256: and 64 hex digits; never the token itself)");
            if (!hashes.Add(t.Hash!)) throw new FormatException($"{where}: the same hash as an earlier token");
            var tokenCells = t.Cells ?? [];
            foreach (string c in tokenCells)
                if (!known.Contains(c)) throw new FormatException($"{where}: cell '{c}' is not a cell of this experiment (give its id, or site/id)");
            tokens.Add(new ApiToken(t.Name, [.. tokenCells], t.Hash!));
        }
        return tokens;
    }
}
