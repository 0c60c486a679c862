using Twin.Service.Config;
using Twin.Service.Security;

namespace Twin.Service.Tests.Security;

/// <summary>The experiment file's <c>api.tokens</c> and the tokens themselves.</summary>
public sealed class ApiTokenConfigTests
{
    private const string Cells = "site: id31\ncells:\n  - { id: coin-1, material: NMC811, q_li_Ah: 1, c_li0: 0.9 }\n  - { id: coin-2, material: NMC811, q_li_Ah: 1, c_li0: 0.9 }\n";

    [Fact]
    public void A_token_is_256_random_bits_and_only_its_hash_is_kept()
    {
        var (token, hash) = ApiTokens.Create();
        Assert.StartsWith(ApiTokens.Prefix, token);
        Assert.Equal(32, Convert.FromBase64String(token[ApiTokens.Prefix.Length..].Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.True(ApiTokens.IsWellFormed(hash));
        Assert.DoesNotContain(token[ApiTokens.Prefix.Length..], hash);
        Assert.Equal(hash, ApiTokens.Hash(token));
        Assert.NotEqual(token, ApiTokens.Create().Token);

        var e = ExperimentFile.ParseExperiment(Cells + $"api:\n  tokens:\n    - {{ name: smu-1, cells: [coin-1, id31/coin-2], hash: \"{hash}\" }}\n", "exp.yaml");
        var t = Assert.Single(e.Access.Tokens);
        Assert.Equal(("smu-1", 2), (t.Name, t.Cells.Count));
        Assert.Same(t, e.Access.FindToken(token));
        Assert.Null(e.Access.FindToken(token + "x"));
        Assert.Null(e.Access.FindToken(hash));
        Assert.True(t.Covers("id31", "coin-1") && t.Covers("id31", "coin-2") && !t.Covers("other", "coin-2"));
    }

    [Theory]
    [InlineData("- { name: smu-1, cells: [coin-3], hash: \"HASH\" }", "api token 1 'smu-1': cell 'coin-3' is not a cell of this experiment")]
    [InlineData("- { name: smu-1, cells: [coin-1], hash: \"twin_abc\" }", "api token 1 'smu-1': 'hash' must be a hash made by `twin token`")]
    [InlineData("- { name: smu-1, cells: [coin-1] }", "'hash' must be a hash made by `twin token`")]
    [InlineData("- { name: 'a b', cells: [coin-1], hash: \"HASH\" }", "'name' is required and must match")]
    [InlineData("- { name: olga, cells: [coin-1], hash: \"HASH\" }", "the name is also a dashboard user's")]
    [InlineData("- { name: smu-1, cells: [coin-1], hash: \"HASH\" }\n    - { name: smu-1, cells: [coin-2], hash: \"OTHER\" }", "api token 2 'smu-1': the name appears twice")]
    [InlineData("- { name: smu-1, cells: [coin-1], hash: \"HASH\" }\n    - { name: smu-2, cells: [coin-2], hash: \"HASH\" }", "the same hash as an earlier token")]
    [InlineData("- { name: smu-1, cells: [coin-1], hash: \"HASH\", token: x }", "Property 'token' not found")]
    public void Bad_tokens_name_the_file_the_token_and_the_field(string entry, string expected)
    {
        string yaml = Cells + "dashboard:\n  users:\n    - { name: olga, role: operator, password_hash: \"" + PasswordHashing.Hash("secret-password") + "\" }\n"
            + "api:\n  tokens:\n    " + entry.Replace("HASH", ApiTokens.Create().Hash).Replace("OTHER", ApiTokens.Create().Hash) + "\n";
        var e = Assert.Throws<FormatException>(() => ExperimentFile.ParseExperiment(yaml, "exp.yaml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("exp.yaml", e.Message);
    }
}
