using System.CommandLine;
using Twin.Messaging.Contracts;
using Twin.Service.Security;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin token --name smu-1 [--cells coin-1,coin-2]</c>: makes a new API token for an instrument or another
/// program, prints it once, and prints the entry for the experiment file's <c>api.tokens</c> list (which keeps only
/// the token's SHA-256 hash). Without <c>--cells</c> the token may only read.
/// </summary>
internal static class TokenCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Token name, e.g. the instrument's (smu-1)", Required = true };
        var cells = new Option<string?>("--cells") { Description = "Comma-separated cells the token may post telemetry to (cell ids, or site/cell); none: read-only" };
        var cmd = new Command("token", "Make an API token for an instrument (prints the token once, and its entry for the experiment file's api.tokens)")
        {
            name, cells,
        };
        cmd.SetAction(r =>
        {
            string tokenName = r.GetValue(name)!;
            if (tokenName.Length == 0 || !tokenName.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.'))
                return CliErrors.Fail($"--name '{tokenName}': expected [A-Za-z0-9_.-]+");
            var list = (r.GetValue(cells) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string c in list)
            {
                var parts = c.Split('/');
                if (parts.Length > 2 || !parts.All(TwinTopics.IsId))
                    return CliErrors.Fail($"--cells: '{c}' is not a cell id or site/cell ([A-Za-z0-9_-]+)");
            }
            var (token, hash) = ApiTokens.Create();
            Console.Error.WriteLine("the token (shown only now; give it to the instrument, e.g. as TWIN_API_TOKEN):");
            Console.WriteLine(token);
            Console.Error.WriteLine("its entry for the experiment file's api.tokens list:");
            Console.WriteLine($"- {{ name: {tokenName}, cells: [{string.Join(", ", list)}], hash: \"{hash}\" }}");
            return 0;
        });
        return cmd;
    }
}
