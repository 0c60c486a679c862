namespace Twin.Service.Security;

/// <summary>
/// A per-instrument API token from the experiment file's <c>api.tokens</c> list. Only the token's hash is kept;
/// the token itself is shown once by <c>twin token</c> and then held by the instrument alone.
/// </summary>
/// <param name="Name">Token name, <c>[A-Za-z0-9_.-]+</c>, unique, and different from every dashboard user name (the audit
/// and the logs name the token by it).</param>
/// <param name="Cells">Cells the token may post telemetry to, each <c>cell</c> (that id in every site) or
/// <c>site/cell</c>. Empty: a read-only token (e.g. for a Prometheus scraper).</param>
/// <param name="Hash">The token's hash as <see cref="ApiTokens.Hash"/> makes it: <c>sha256:</c> and 64 hex digits.</param>
public sealed record ApiToken(string Name, IReadOnlyList<string> Cells, string Hash)
{
    /// <summary>True when the token may write to the cell.</summary>
    /// <param name="site">The cell's site id.</param>
    /// <param name="cell">The cell id.</param>
    /// <returns>Whether the cell is one of <see cref="Cells"/>.</returns>
    public bool Covers(string site, string cell) => Cells.Any(c => c == cell || c == site + "/" + cell);
}
