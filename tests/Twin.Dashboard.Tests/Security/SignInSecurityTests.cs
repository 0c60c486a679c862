using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Twin.Service.Security;
using Twin.Testing;
using Twin.Testing.Mosquitto;

namespace Twin.Dashboard.Tests.Security;

/// <summary>
/// Sign-in sessions and the sign-in form against a real <c>twin serve</c> process (dashboard on, embedded bus) over
/// real HTTP from distinct loopback addresses, and in headless Chromium where the browser's own behaviour matters
/// (redirects, cross-origin form posts). Each test runs its own service with its own data directory.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInSecurityTests
{
    private const string Site = "id31";
    private const string Cell = "coin-1";
    private const string SettingsPage = $"/cells/{Site}/{Cell}/settings";
    private static readonly (string Token, string Hash) Reader = ApiTokens.Create();
    private static readonly User Olga = new("olga", TwinRoles.Operator, "olga-secret-4411");
    private static readonly User Victor = new("victor", TwinRoles.Viewer, "victor-secret-9072");
    private static readonly User Ivan = new("ivan", TwinRoles.Operator, "ivan-secret-3308");

    private sealed record User(string Name, string Role, string Password)
    {
        public string Hash { get; init; } = PasswordHashing.Hash(Password);

        public string Yaml => $"    - {{ name: {Name}, role: {Role}, password_hash: \"{Hash}\" }}\n";
    }

    private static string Experiment(params User[] users) =>
        $"site: {Site}\ncells:\n  - {{ id: {Cell}, material: NMC811, q_li_Ah: 0.00962, c_li0: 0.908 }}\n" +
        "dashboard:\n  anonymous_read: false\n  users:\n" + string.Concat(users.Select(u => u.Yaml)) +
        $"api:\n  tokens:\n    - {{ name: reader, cells: [], hash: \"{Reader.Hash}\" }}\n";

    private static async Task<double> CLiMinAsync(TwinServe serve)
    {
        using var api = Answers.Api(serve.BaseUrl, Reader.Token);
        var detail = await api.GetFromJsonAsync<JsonElement>("/api/cells/" + Cell);
        return detail.GetProperty("limits").GetProperty("c_li_min").GetDouble();
    }

    private static List<JsonElement> Audit(TwinServe serve) =>
        [.. serve.AuditFile.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static void AssertSignedIn(HttpResponseMessage r, string user, string expectedLocation = "/") =>
        Assert.True(r.StatusCode == HttpStatusCode.Redirect && Answers.Location(r) == expectedLocation,
            $"sign-in of {user}: {(int)r.StatusCode} to '{Answers.Location(r)}', expected 302 to '{expectedLocation}'");

    /// <summary>A refused sign-in: the form again (200, no redirect), with the error.</summary>
    private static async Task AssertRefusedAsync(Task<HttpResponseMessage> attempt)
    {
        var r = await attempt;
        string html = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK && r.Headers.Location is null && html.Contains("id=\"login-error\"", StringComparison.Ordinal),
            $"a wrong password: {(int)r.StatusCode} to '{Answers.Location(r)}', expected the sign-in form again with an error");
    }

    /// <summary>Signs in with the sign-in form in a new page of the context.</summary>
    private static async Task<IPage> SignInInBrowserAsync(IBrowserContext context, User user, string loginPath)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(loginPath);
        await page.FillAsync("input[name=user]", user.Name);
        await page.FillAsync("input[name=password]", user.Password);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync($"nav.top .user >> text={user.Name}");
        return page;
    }

    [Fact]
    public async Task Only_a_signed_in_operator_corrects_c_li_over_the_rest_api_and_the_correction_is_audited()
    {
        await using var serve = await TwinServe.StartAsync("correct", Experiment(Olga, Victor));
        const string Path = $"/api/cells/{Cell}/corrections";
        using var victor = new WebClient(serve.BaseUrl);
        AssertSignedIn(await victor.SignInAsync(Victor.Name, Victor.Password), Victor.Name);
        Assert.Equal(HttpStatusCode.Forbidden, (await victor.PostJsonAsync(Path, """{"c_li0": 0.85}""")).StatusCode);
        using var reader = Answers.Api(serve.BaseUrl, Reader.Token);
        var asToken = await reader.PostAsync(Path, new StringContent("""{"c_li0": 0.85}""", System.Text.Encoding.UTF8, "application/json"));
        // the operator policy takes the sign-in session only: a token is no session (401), whatever it may read
        Assert.Equal(HttpStatusCode.Unauthorized, asToken.StatusCode);

        using var olga = new WebClient(serve.BaseUrl);
        AssertSignedIn(await olga.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        var bad = await olga.PostJsonAsync(Path, """{"c_li": 0.5}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("c_li_sigma must be a finite number > 0 with c_li", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType,
            (await olga.PostFormAsync("/", Path, ("c_li0", "0.85"))).StatusCode);
        Assert.DoesNotContain(Audit(serve), e => e.GetProperty("action").GetString() == "correction");

        var ok = await olga.PostJsonAsync(Path, """{"c_li0": 0.85, "note": "re-weighed"}""");
        string text = await ok.Content.ReadAsStringAsync();
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode}: {text}");
        var reply = JsonDocument.Parse(text).RootElement;
        Assert.Equal(0.85, reply.GetProperty("c_li0").GetDouble(), 12);
        Assert.Equal(0.85, reply.GetProperty("c_li").GetDouble(), 12); // no sample yet: c_Li is c_Li0
        var entry = Assert.Single(Audit(serve), e => e.GetProperty("action").GetString() == "correction");
        Assert.Equal((Olga.Name, TwinRoles.Operator, "c_li0: 0.9080 → 0.8500 (c_Li 0.9080 → 0.8500): re-weighed"),
            (entry.GetProperty("user").GetString(), entry.GetProperty("role").GetString(), entry.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Sign_out_revokes_a_copied_cookie_also_after_a_restart()
    {
        await using var serve = await TwinServe.StartAsync("signout", Experiment(Olga, Victor));
        using var olga = new WebClient(serve.BaseUrl);
        AssertSignedIn(await olga.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        var stolen = new Dictionary<string, string>(olga.Cookies);

        using (var thief = WebClient.WithCookies(serve.BaseUrl, "127.0.0.2", stolen))
        {
            // while the session lives, a copy of its cookie works from anywhere
            Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/api/cells")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/")).StatusCode);
        }

        var bye = await olga.SignOutAsync();
        Assert.Equal((HttpStatusCode.Redirect, "/login"), (bye.StatusCode, Answers.Location(bye)));
        using (var thief = WebClient.WithCookies(serve.BaseUrl, "127.0.0.2", stolen))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/cells")).StatusCode);
            var page = await thief.GetAsync("/alarms");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/login", new Uri(new Uri(serve.BaseUrl), page.Headers.Location!).PathAndQuery);
        }

        serve.Kill();
        await serve.StartAgainAsync();
        using (var thief = WebClient.WithCookies(serve.BaseUrl, "127.0.0.2", stolen))
            Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/cells")).StatusCode);
        // a new sign-in works after the restart (the cookie keys are kept in the data directory)
        using var again = new WebClient(serve.BaseUrl);
        AssertSignedIn(await again.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/cells")).StatusCode);
        Assert.Contains(Audit(serve), e => e.GetProperty("action").GetString() == "logout" && e.GetProperty("user").GetString() == Olga.Name);
    }

    [Fact]
    public async Task Demoting_removing_or_rehashing_a_user_in_the_experiment_file_ends_their_sessions()
    {
        await using var serve = await TwinServe.StartAsync("roles", Experiment(Olga, Victor, Ivan));
        using var olga = new WebClient(serve.BaseUrl, "127.0.0.2");
        using var victor = new WebClient(serve.BaseUrl, "127.0.0.3");
        using var ivan = new WebClient(serve.BaseUrl, "127.0.0.4");
        AssertSignedIn(await olga.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        AssertSignedIn(await victor.SignInAsync(Victor.Name, Victor.Password), Victor.Name);
        AssertSignedIn(await ivan.SignInAsync(Ivan.Name, Ivan.Password), Ivan.Name);

        var saved = await olga.PostFormAsync(SettingsPage, SettingsPage, ("c_li_min", "0.44"), ("cutoff_enabled", "on"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(0.44, await CLiMinAsync(serve));
        // what the operator's session holds before the file changes: the cookie and a form token
        string token = await olga.AntiforgeryTokenAsync(SettingsPage);

        // olga demoted to viewer (same password), victor removed, ivan's password hash replaced (same password, new salt)
        File.WriteAllText(serve.ConfigPath, Experiment(Olga with { Role = TwinRoles.Viewer }, Ivan with { Hash = PasswordHashing.Hash(Ivan.Password) }));
        serve.Kill();
        await serve.StartAgainAsync();

        var refused = await olga.PostFormWithTokenAsync(SettingsPage, token, ("c_li_min", "0.33"), ("cutoff_enabled", "on"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(0.44, await CLiMinAsync(serve));
        Assert.Equal(HttpStatusCode.Unauthorized, (await victor.GetAsync("/api/cells")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ivan.GetAsync("/api/cells")).StatusCode);

        // signed in again, olga is a viewer: her change is refused, and nothing is recorded as an operator's
        AssertSignedIn(await olga.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        var asViewer = await olga.PostFormAsync(SettingsPage, SettingsPage, ("c_li_min", "0.33"), ("cutoff_enabled", "on"));
        Assert.Equal(HttpStatusCode.Forbidden, asViewer.StatusCode);
        Assert.Equal(0.44, await CLiMinAsync(serve));
        AssertSignedIn(await ivan.SignInAsync(Ivan.Name, Ivan.Password), Ivan.Name);

        var changes = Audit(serve).Where(e => e.GetProperty("action").GetString() == "settings").ToList();
        var change = Assert.Single(changes);
        Assert.Equal((Olga.Name, TwinRoles.Operator, "c_li_min: 0.4 → 0.44"),
            (change.GetProperty("user").GetString(), change.GetProperty("role").GetString(), change.GetProperty("detail").GetString()));
        Assert.DoesNotContain("0.33", serve.AuditFile);
        var logins = Audit(serve).Where(e => e.GetProperty("action").GetString() == "login" && e.GetProperty("user").GetString() == Olga.Name).ToList();
        Assert.Equal(TwinRoles.Viewer, logins[^1].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Only_local_paths_are_followed_after_sign_in()
    {
        await using var serve = await TwinServe.StartAsync("redirect", Experiment(Olga));
        string[] offSite =
        [
            "//evil.example/x", "/\\evil.example", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "%2F%2Fevil.example",
            "/%2F%2Fevil.example", "/%5Cevil.example", "https://evil.example/", "http:evil.example", "\\\\evil.example", " //evil.example",
        ];
        string[] local = ["/alarms", $"/cells/{Site}/{Cell}?tab=cycles"];
        int address = 10;
        foreach (string url in offSite.Concat(local))
        {
            // a fresh address per attempt keeps the per-address limit of sign-ins out of the way
            using var client = new WebClient(serve.BaseUrl, $"127.0.1.{address++}");
            var r = await client.SignInAsync(Olga.Name, Olga.Password, url);
            string expected = local.Contains(url) ? url : "/";
            Assert.True(r.StatusCode == HttpStatusCode.Redirect && Answers.Location(r) == expected,
                $"returnUrl {JsonSerializer.Serialize(url)}: {(int)r.StatusCode} to {JsonSerializer.Serialize(Answers.Location(r))}, expected {expected}");
        }

        // the variant confirmed in Chromium: the browser drops the tab from "/\t/evil.example" and goes to //evil.example
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = serve.BaseUrl });
            var elsewhere = new List<string>();
            await context.RouteAsync("**/*", async route =>
            {
                if (route.Request.Url.StartsWith(serve.BaseUrl + "/", StringComparison.Ordinal)) await route.ContinueAsync();
                else
                {
                    lock (elsewhere) elsewhere.Add(route.Request.Url);
                    await route.AbortAsync();
                }
            });
            var page = await SignInInBrowserAsync(context, Olga, "/login?returnUrl=/%09/evil.example");
            Assert.Equal(serve.BaseUrl + "/", page.Url);
            lock (elsewhere) Assert.True(elsewhere.Count == 0, "the browser went elsewhere: " + string.Join(", ", elsewhere));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task An_attacker_at_the_limit_does_not_lock_out_the_real_user()
    {
        await using var serve = await TwinServe.StartAsync("throttle", Experiment(Olga));
        using var attacker = new WebClient(serve.BaseUrl, "127.0.0.2");
        for (int i = 0; i < SignInThrottle.FailuresPerAddress; i++)
            await AssertRefusedAsync(attacker.SignInAsync(Olga.Name, $"guess-{i}"));
        // at the limit, the attacker's address is refused for olga without the password being checked at all
        var refused = await attacker.SignInAsync(Olga.Name, Olga.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many failed sign-ins", await refused.Content.ReadAsStringAsync());

        // meanwhile olga signs in from her own workstation
        using var olga = new WebClient(serve.BaseUrl, "127.0.0.3");
        AssertSignedIn(await olga.SignInAsync(Olga.Name, Olga.Password), Olga.Name);

        // a second attacker address brings the name to its limit: it is closed too, a fresh address is still let through
        using var second = new WebClient(serve.BaseUrl, "127.0.0.4");
        for (int i = 0; i < SignInThrottle.FailuresPerName - SignInThrottle.FailuresPerAddress; i++)
            await AssertRefusedAsync(second.SignInAsync(Olga.Name, $"other-{i}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.SignInAsync(Olga.Name, Olga.Password)).StatusCode);
        using var laptop = new WebClient(serve.BaseUrl, "127.0.0.5");
        AssertSignedIn(await laptop.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        // once an address has failed while the name is over its limit, it waits too
        using var third = new WebClient(serve.BaseUrl, "127.0.0.6");
        await AssertRefusedAsync(third.SignInAsync(Olga.Name, "one-more-guess"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await third.SignInAsync(Olga.Name, Olga.Password)).StatusCode);

        var audit = Audit(serve);
        Assert.Equal(3, audit.Count(e => e.GetProperty("action").GetString() == "login-refused"));
        Assert.Equal(2, audit.Count(e => e.GetProperty("action").GetString() == "login"));
    }

    [Fact]
    public async Task A_password_typed_as_the_user_name_never_reaches_the_audit_log_or_a_url()
    {
        await using var serve = await TwinServe.StartAsync("typed", Experiment(Olga, Victor));
        const string Typed = "correct-horse-battery-staple";
        using var someone = new WebClient(serve.BaseUrl, "127.0.0.2");
        var failed = await someone.SignInAsync(Typed, "");
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Null(failed.Headers.Location);
        string html = await failed.Content.ReadAsStringAsync();
        Assert.Contains("Wrong user name or password", html);
        Assert.Contains($"value=\"{Typed}\"", html); // filled in again on the page itself, never in a URL

        await AssertRefusedAsync(someone.SignInAsync(Olga.Name, Typed));

        Assert.DoesNotContain(Typed, serve.AuditFile);
        var entries = Audit(serve).Where(e => e.GetProperty("action").GetString() == "login-failed").ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(("", $"an unknown user name ({Typed.Length} characters)"), (entries[0].GetProperty("user").GetString(), entries[0].GetProperty("detail").GetString()));
        Assert.Equal((Olga.Name, "wrong password"), (entries[1].GetProperty("user").GetString(), entries[1].GetProperty("detail").GetString()));

        using var viewer = new WebClient(serve.BaseUrl, "127.0.0.3");
        AssertSignedIn(await viewer.SignInAsync(Victor.Name, Victor.Password), Victor.Name);
        string auditPage = await viewer.PageAsync("/audit");
        Assert.Contains("unknown user name", auditPage);
        Assert.DoesNotContain(Typed, auditPage);
    }

    [Fact]
    public async Task Cookies_are_secure_behind_a_trusted_tls_proxy_and_forwarded_headers_count_only_from_it()
    {
        await using var serve = await TwinServe.StartAsync("proxy", Experiment(Olga), "--trusted-proxy", "127.0.0.3");
        using var viaProxy = new WebClient(serve.BaseUrl, "127.0.0.3");
        using var direct = new WebClient(serve.BaseUrl, "127.0.0.1"); // loopback, which ASP.NET Core would trust by default
        foreach (var client in new[] { viaProxy, direct })
        {
            client.Headers["X-Forwarded-Proto"] = "https";
            client.Headers["X-Forwarded-For"] = "203.0.113.9";
        }

        AssertSignedIn(await viaProxy.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        string proxied = viaProxy.LastSetCookies.Single(c => c.StartsWith("twin.auth=", StringComparison.Ordinal));
        Assert.Contains("; secure", proxied, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("203.0.113.9", Audit(serve)[^1].GetProperty("remote").GetString());

        AssertSignedIn(await direct.SignInAsync(Olga.Name, Olga.Password), Olga.Name);
        string plain = direct.LastSetCookies.Single(c => c.StartsWith("twin.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", plain, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("127.0.0.1", Audit(serve)[^1].GetProperty("remote").GetString());
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_change_settings_or_post_telemetry_with_the_operators_session()
    {
        await using var serve = await TwinServe.StartAsync("csrf", Experiment(Olga));
        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = serve.BaseUrl });
            var page = await SignInInBrowserAsync(context, Olga, "/login");

            // same site (127.0.0.1), other origin (port): the browser sends the SameSite=Strict session cookie along
            string attacker = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
            string html = $$"""
                <!DOCTYPE html><html><body>
                <iframe name="a"></iframe><iframe name="b"></iframe>
                <form id="settings" method="post" action="{{serve.BaseUrl}}{{SettingsPage}}" target="a">
                  <input name="c_li_min" value="0.33"><input name="cutoff_enabled" value="on"></form>
                <form id="telemetry" method="post" enctype="text/plain" action="{{serve.BaseUrl}}/api/cells/{{Cell}}/telemetry" target="b">
                  <input name='{"schema":1,"samples":[{"seq":9000000000,"time_unix_ns":5,"voltage_V":3.5,"current_A":0,"pad":"' value='"}]}'></form>
                <script>document.getElementById('settings').submit(); document.getElementById('telemetry').submit();</script>
                </body></html>
                """;
            // served from loopback for real: Chromium holds pages of unknown origin (e.g. fulfilled by the test) to
            // stricter local-network rules than a page on 127.0.0.1
            using var site = new System.Net.HttpListener();
            site.Prefixes.Add(attacker + "/");
            site.Start();
            var serving = Task.Run(async () =>
            {
                var request = await site.GetContextAsync();
                byte[] bytes = System.Text.Encoding.UTF8.GetBytes(html);
                request.Response.ContentType = "text/html; charset=utf-8";
                await request.Response.OutputStream.WriteAsync(bytes);
                request.Response.Close();
            });
            var answers = new Dictionary<string, int>();
            var seen = new List<string>();
            context.Response += (_, r) =>
            {
                lock (answers)
                {
                    seen.Add($"{r.Request.Method} {r.Url} {r.Status}");
                    if (r.Request.Method == "POST") answers[new Uri(r.Url).AbsolutePath] = r.Status;
                }
            };
            context.RequestFailed += (_, r) => { lock (answers) seen.Add($"failed {r.Method} {r.Url} {r.Failure}"); };
            page.Console += (_, m) => { lock (answers) seen.Add("console " + m.Text); };
            await page.GotoAsync(attacker + "/attack.html");
            await serving;
            await Wait.UntilAsync(() => { lock (answers) return answers.Count == 2; }, "both cross-origin posts answered",
                observed: () => { lock (answers) return string.Join("\n", seen); });

            lock (answers)
            {
                Assert.Equal(400, answers[SettingsPage]); // antiforgery: the form carries no token
                Assert.Equal(401, answers[$"/api/cells/{Cell}/telemetry"]); // telemetry takes API tokens only, never the session
            }
            Assert.Equal(0.40, await CLiMinAsync(serve));
            using var api = Answers.Api(serve.BaseUrl, Reader.Token);
            var detail = await api.GetFromJsonAsync<JsonElement>("/api/cells/" + Cell);
            Assert.Equal(0, detail.GetProperty("sequence").GetProperty("accepted").GetInt64());

            // the same session changes the setting through the dashboard's own form
            await page.GotoAsync(SettingsPage);
            await page.FillAsync("input[name=c_li_min]", "0.44");
            await page.ClickAsync("#settings-save");
            await Wait.UntilAsync(async () => await CLiMinAsync(serve) == 0.44, "the operator's own change to apply");
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
