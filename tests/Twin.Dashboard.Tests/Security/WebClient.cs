using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Twin.Dashboard.Tests.Security;

/// <summary>
/// A scripted browser without a browser: plain HTTP from a chosen loopback source address (127.0.0.2, 127.0.0.3, …
/// are distinct client addresses to the service), its own cookie jar (cookies can be copied to another client, as a
/// thief would), no automatic redirects, and the antiforgery token read from the page that holds a form.
/// </summary>
internal sealed partial class WebClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client.</summary>
    /// <param name="baseUrl">The service.</param>
    /// <param name="source">Source address of its connections (default 127.0.0.1).</param>
    public WebClient(string baseUrl, string source = "127.0.0.1")
    {
        var local = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Cookies held, by name.</summary>
    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>Headers sent with every request (e.g. what a reverse proxy adds).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>Set-Cookie</c> headers of the last response.</summary>
    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    /// <summary>GETs a path.</summary>
    /// <param name="path">Path.</param>
    /// <returns>The response.</returns>
    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>GETs a page and returns its HTML.</summary>
    /// <param name="path">Path.</param>
    /// <returns>The HTML.</returns>
    /// <exception cref="InvalidOperationException">The page did not answer 200.</exception>
    public async Task<string> PageAsync(string path)
    {
        using var r = await GetAsync(path);
        string html = await r.Content.ReadAsStringAsync();
        if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path}: {(int)r.StatusCode} {r.Headers.Location}");
        return html;
    }

    /// <summary>Posts a form with the antiforgery token of the page that shows it.</summary>
    /// <param name="formPage">The page holding the form (its token is valid for this client's cookies and user).</param>
    /// <param name="action">Where the form posts.</param>
    /// <param name="fields">Form fields.</param>
    /// <returns>The response.</returns>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, params (string Name, string Value)[] fields) =>
        await PostFormWithTokenAsync(action, await AntiforgeryTokenAsync(formPage), fields);

    /// <summary>Posts a form with a given antiforgery token (e.g. one read earlier, as a thief of the session would have).</summary>
    /// <param name="action">Where the form posts.</param>
    /// <param name="token">The antiforgery token.</param>
    /// <param name="fields">Form fields.</param>
    /// <returns>The response.</returns>
    public Task<HttpResponseMessage> PostFormWithTokenAsync(string action, string token, params (string Name, string Value)[] fields)
    {
        var all = fields.Append(("__RequestVerificationToken", token)).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2));
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(all) });
    }

    /// <summary>POSTs a JSON body (a REST call with this client's cookies).</summary>
    /// <param name="path">Path.</param>
    /// <param name="json">The body.</param>
    /// <returns>The response.</returns>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") });

    /// <summary>The antiforgery token of the form on a page.</summary>
    /// <param name="formPage">The page.</param>
    /// <returns>The token.</returns>
    /// <exception cref="InvalidOperationException">The page does not answer 200 or holds no form token.</exception>
    public async Task<string> AntiforgeryTokenAsync(string formPage)
    {
        var token = AntiforgeryField().Match(await PageAsync(formPage));
        if (!token.Success) throw new InvalidOperationException($"{formPage} holds no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    /// <summary>Signs in through the sign-in form.</summary>
    /// <param name="user">User name.</param>
    /// <param name="password">Password.</param>
    /// <param name="returnUrl">Where to go afterwards.</param>
    /// <returns>The response (302 to <paramref name="returnUrl"/> on success).</returns>
    public Task<HttpResponseMessage> SignInAsync(string user, string password, string returnUrl = "/") =>
        PostFormAsync("/login", "/login", ("user", user), ("password", password), ("returnUrl", returnUrl));

    /// <summary>Signs out with the form on the overview.</summary>
    /// <returns>The response.</returns>
    public Task<HttpResponseMessage> SignOutAsync() => PostFormAsync("/", "/logout");

    /// <summary>A new client from another address holding a copy of this client's cookies.</summary>
    /// <param name="source">Its source address.</param>
    /// <returns>The client.</returns>
    public WebClient CopyTo(string source) => WithCookies(_http.BaseAddress!.ToString(), source, Cookies);

    /// <summary>A new client holding the given cookies.</summary>
    /// <param name="baseUrl">The service.</param>
    /// <param name="source">Its source address.</param>
    /// <param name="cookies">The cookies.</param>
    /// <returns>The client.</returns>
    public static WebClient WithCookies(string baseUrl, string source, IReadOnlyDictionary<string, string> cookies)
    {
        var client = new WebClient(baseUrl, source);
        foreach (var (k, v) in cookies) client.Cookies[k] = v;
        return client;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        foreach (var (k, v) in Headers) request.Headers.TryAddWithoutValidation(k, v);
        var response = await _http.SendAsync(request);
        LastSetCookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? [.. set] : [];
        foreach (string c in LastSetCookies)
        {
            string pair = c.Split(';')[0];
            int eq = pair.IndexOf('=');
            string name = pair[..eq].Trim(), value = pair[(eq + 1)..].Trim();
            bool deleted = value.Length == 0 || c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
            if (deleted) Cookies.Remove(name);
            else Cookies[name] = value;
        }
        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>Assertions on answers.</summary>
internal static class Answers
{
    /// <summary>The path of a redirect's Location (absolute or relative), or null.</summary>
    /// <param name="r">The response.</param>
    /// <returns>The Location as sent.</returns>
    public static string? Location(HttpResponseMessage r) => r.Headers.Location?.OriginalString;

    /// <summary>A bearer client for reading the REST API.</summary>
    /// <param name="baseUrl">The service.</param>
    /// <param name="token">The token.</param>
    /// <returns>The client.</returns>
    public static HttpClient Api(string baseUrl, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
