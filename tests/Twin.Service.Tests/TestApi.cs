using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Twin.Service.Security;

namespace Twin.Service.Tests;

/// <summary>An API token for the tests that talk to the service's REST API, and the experiment-file section that grants it.</summary>
internal static class TestApi
{
    /// <summary>Name of the test instrument's token.</summary>
    public const string TokenName = "test-instrument";

    /// <summary>The token and its hash (made once per test run, as <c>twin token</c> makes them).</summary>
    public static readonly (string Token, string Hash) Instrument = ApiTokens.Create();

    /// <summary>The experiment file's <c>api:</c> section with the test token, allowed to post to the given cells.</summary>
    /// <param name="cells">Cell ids (none: read-only).</param>
    /// <returns>YAML, ending in a newline.</returns>
    public static string Section(params string[] cells) =>
        $"api:\n  tokens:\n    - {{ name: {TokenName}, cells: [{string.Join(", ", cells)}], hash: \"{Instrument.Hash}\" }}\n";

    /// <summary>A client for the running service that sends the test token with every request.</summary>
    /// <param name="app">The started service.</param>
    /// <returns>The client.</returns>
    public static HttpClient Client(WebApplication app) => Client(new Uri(app.Urls.First()), Instrument.Token);

    /// <summary>A client with a bearer token.</summary>
    /// <param name="baseAddress">The service.</param>
    /// <param name="token">The token, or null for none.</param>
    /// <returns>The client.</returns>
    public static HttpClient Client(Uri baseAddress, string? token)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
