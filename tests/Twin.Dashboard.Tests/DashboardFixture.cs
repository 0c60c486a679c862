using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Twin.Service.Security;
using Twin.Testing.Mosquitto;
using Twin.Testing;

namespace Twin.Dashboard.Tests;

/// <summary>
/// One running dashboard for a test class: a real Mosquitto broker on 127.0.0.1, <c>twin serve</c> as a separate
/// process (three NMC811 cells of the LG M50 kind, an operator and a viewer, no anonymous read) on a free port,
/// <c>twin publish</c> playing the real LG M50 file into cell <see cref="CellA"/> at <see cref="FeedSpeed"/>× from
/// the start, and the system's headless Chromium with one signed-in context per role. Cell <see cref="CellB"/> is
/// never fed; <see cref="CellC"/> is left for a test to feed. Everything is stopped and deleted afterwards.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Site of every cell.</summary>
    public const string Site = "id31";

    /// <summary>Fed from the start.</summary>
    public const string CellA = "lg-m50-a";

    /// <summary>Never fed: stays "waiting".</summary>
    public const string CellB = "lg-m50-b";

    /// <summary>Fed only by a test that starts its own publisher.</summary>
    public const string CellC = "lg-m50-c";

    /// <summary>The configured cells, in file order.</summary>
    public static readonly IReadOnlyList<string> Cells = [CellA, CellB, CellC];

    /// <summary>Operator account.</summary>
    public const string OperatorName = "olga";

    /// <summary>Operator's password.</summary>
    public const string OperatorPassword = "op-secret-8231";

    /// <summary>Viewer account.</summary>
    public const string ViewerName = "victor";

    /// <summary>Viewer's password.</summary>
    public const string ViewerPassword = "view-secret-5519";

    /// <summary>
    /// Playback speed of cell A: one sample (30 s of the file) every 50 ms; the first charge crosses c_Li 0.40
    /// 23,272 file seconds in, about 39 s after the publisher starts.
    /// </summary>
    public const double FeedSpeed = 600;

    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<Process> _processes = [];
    private readonly ConcurrentQueue<string> _external = new();
    private string _dir = "";

    /// <summary>The broker.</summary>
    public MosquittoBroker Broker { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:{port}</c> of the dashboard and REST API.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Client for the REST API (with a read-only API token; not signed in).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Playwright.</summary>
    public IPlaywright Playwright { get; private set; } = null!;

    /// <summary>The headless Chromium.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A browser context signed in as the viewer.</summary>
    public IBrowserContext Viewer { get; private set; } = null!;

    /// <summary>A browser context signed in as the operator.</summary>
    public IBrowserContext Operator { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch (Exception e)
        {
            string tail = LogTail();
            await DisposeAsync();
            throw new InvalidOperationException($"the dashboard fixture did not start: {e.Message}\n--- service and publisher output:\n{tail}", e);
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Repo.LgM50)) throw new InvalidOperationException($"{Repo.LgM50} is missing");

        _dir = Repo.TempDir("dashboard");
        Broker = await MosquittoBroker.StartAsync(new MosquittoBrokerOptions { Persistence = false });

        string config = Path.Combine(_dir, "experiment.yaml");
        // the tests read the REST API with a read-only token, as a monitoring script would
        var reader = ApiTokens.Create();
        File.WriteAllText(config, $$"""
            site: {{Site}}
            cells:
              - { id: {{CellA}}, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }
              - { id: {{CellB}}, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }
              - { id: {{CellC}}, material: NMC811, q_li_Ah: 8.732, c_li0: 0.80 }
            dashboard:
              anonymous_read: false
              users:
                - { name: {{OperatorName}}, role: operator, password_hash: "{{PasswordHashing.Hash(OperatorPassword)}}" }
                - { name: {{ViewerName}}, role: viewer, password_hash: "{{PasswordHashing.Hash(ViewerPassword)}}" }
            api:
              tokens:
                - { name: test-reader, cells: [], hash: "{{reader.Hash}}" }

            """);

        BaseUrl = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", reader.Token);
        var serve = Start("serve", ["serve", "--config", config, "--data-dir", Path.Combine(_dir, "data"), "--urls", BaseUrl, "--mqtt", Broker.Url]);
        await WaitUntilAsync(async () =>
        {
            if (serve.HasExited) throw new InvalidOperationException($"twin serve exited with code {serve.ExitCode}");
            return await AnswersAsync("/health");
        }, "twin serve answers on " + BaseUrl, 60);

        StartPublisher(CellA, FeedSpeed);

        (Playwright, Browser) = await Chromium.LaunchAsync();
        Viewer = await SignedInContextAsync(ViewerName, ViewerPassword);
        Operator = await SignedInContextAsync(OperatorName, OperatorPassword);
        await WaitUntilAsync(async () => await SamplesAsync(CellA) > 0, $"cell {CellA} receives samples through the broker", 30);
    }

    /// <summary>Starts <c>twin publish</c> of the LG M50 file into a cell, wire time starting now.</summary>
    /// <param name="cell">Cell id.</param>
    /// <param name="speed">Real time × speed.</param>
    /// <returns>The publisher (stopped with the fixture).</returns>
    public Process StartPublisher(string cell, double speed) =>
        Start("publish " + cell, ["publish", Repo.LgM50, "--cell", cell, "--site", Site,
            "--speed", speed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mqtt", Broker.Url, "--start", "now"]);

    /// <summary>A new browser context that refuses every request not to the service; not signed in.</summary>
    /// <returns>The context.</returns>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        await context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(BaseUrl + "/", StringComparison.Ordinal)) await route.ContinueAsync();
            else
            {
                _external.Enqueue(route.Request.Url);
                await route.AbortAsync();
            }
        });
        return context;
    }

    /// <summary>A new browser context signed in as a user (close it when done).</summary>
    /// <param name="user">User name.</param>
    /// <param name="password">Password.</param>
    /// <returns>The context.</returns>
    public async Task<IBrowserContext> SignedInContextAsync(string user, string password)
    {
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=user]", user);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/" && !u.Contains("error", StringComparison.Ordinal));
        string who = await page.InnerTextAsync("nav.top .user");
        if (!who.StartsWith(user, StringComparison.Ordinal))
            throw new InvalidOperationException($"signed in as {user} but the navigation bar says '{who}'");
        await page.CloseAsync();
        return context;
    }

    /// <summary>Fails when any page asked for something other than the service (everything must come from 127.0.0.1).</summary>
    public void AssertNoExternalRequests() =>
        Assert.True(_external.IsEmpty, "pages asked for something outside the service:\n" + string.Join("\n", _external));

    /// <summary><c>GET /api/cells/{cell}</c>.</summary>
    /// <param name="cell">Cell id.</param>
    /// <returns>The detail JSON.</returns>
    public async Task<JsonElement> CellAsync(string cell)
    {
        string json = await Http.GetStringAsync("/api/cells/" + cell);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary><c>GET /api/alarms</c>.</summary>
    /// <returns>The alarms, newest first.</returns>
    public async Task<List<JsonElement>> AlarmsAsync()
    {
        string json = await Http.GetStringAsync("/api/alarms");
        return [.. JsonDocument.Parse(json).RootElement.Clone().EnumerateArray()];
    }

    /// <summary>Samples a cell has accepted, or -1 when the service does not answer.</summary>
    /// <param name="cell">Cell id.</param>
    /// <returns>The count.</returns>
    public async Task<long> SamplesAsync(string cell)
    {
        try
        {
            return (await CellAsync(cell)).GetProperty("summary").GetProperty("samples").GetInt64();
        }
        catch (HttpRequestException)
        {
            return -1;
        }
    }

    private async Task<bool> AnswersAsync(string path)
    {
        try
        {
            using var r = await Http.GetAsync(path);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary><see cref="Wait.UntilAsync(Func{Task{bool}}, string, TimeSpan?, Func{string}?, CancellationToken)"/> with the processes' last output in the failure message.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is waited for (for the message).</param>
    /// <param name="seconds">Upper bound.</param>
    /// <returns>A task completing when it holds.</returns>
    /// <exception cref="TimeoutException">Not within the time; the message carries the processes' last output.</exception>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds) =>
        Wait.UntilAsync(condition, what, TimeSpan.FromSeconds(seconds), () => "\n--- service and publisher output:\n" + LogTail());

    /// <summary>The last lines the service and the publishers printed.</summary>
    /// <param name="lines">How many.</param>
    /// <returns>The text.</returns>
    public string LogTail(int lines = 40) => string.Join("\n", _log.TakeLast(lines));

    private Process Start(string name, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "twin.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet twin.dll " + name);
        p.OutputDataReceived += (_, e) => Log(name, e.Data);
        p.ErrorDataReceived += (_, e) => Log(name + "!", e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        lock (_processes) _processes.Add(p);
        return p;
    }

    private void Log(string name, string? line)
    {
        if (line is null) return;
        _log.Enqueue($"[{name}] {line}");
        while (_log.Count > 400) _log.TryDequeue(out _);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var context in new[] { Viewer, Operator })
            if (context is not null) await context.CloseAsync();
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        List<Process> processes;
        lock (_processes) processes = [.. _processes];
        foreach (var p in processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        if (Broker is not null) await Broker.DisposeAsync();
        Http?.Dispose();
        if (_dir.Length > 0)
        {
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }
    }
}
