using System.Diagnostics;
using System.Globalization;
using System.Text;
using Twin.Testing.Mosquitto;

namespace Twin.Benchmarks.Live;

/// <summary>
/// <c>twin serve</c> (Release) as its own process for the dashboard and EPICS benchmarks: an experiment of cells
/// c00, c01, … (NMC811, Q_Li 5 A·h, c_Li0 0.95) at site <c>bench</c> on a broker, its REST API on a free loopback
/// port; started and healthy when <see cref="StartAsync"/> returns, killed on dispose.
/// </summary>
internal sealed class BenchService : IDisposable
{
    private readonly LiveLoad.ProcessReaper _reaper;

    private BenchService(Process process, HttpClient http)
    {
        Process = process;
        Http = http;
        _reaper = new LiveLoad.ProcessReaper(process);
    }

    /// <summary>The service process.</summary>
    public Process Process { get; }

    /// <summary>A client of its REST API.</summary>
    public HttpClient Http { get; }

    /// <summary>Its base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => Http.BaseAddress!.ToString().TrimEnd('/');

    /// <summary>Writes the experiment, starts the service and waits for <c>/health</c>.</summary>
    /// <param name="dir">Working folder (experiment file, data directory).</param>
    /// <param name="cells">Cells.</param>
    /// <param name="brokerUrl">MQTT broker.</param>
    /// <param name="clientId">The service's MQTT client id.</param>
    /// <param name="anonymousDashboard">Let anonymous users read the dashboard.</param>
    /// <param name="arguments">Further <c>twin serve</c> arguments.</param>
    /// <param name="environment">Further environment variables.</param>
    public static async Task<BenchService> StartAsync(string dir, int cells, string brokerUrl, string clientId, bool anonymousDashboard = false,
        IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var yaml = new StringBuilder("site: bench\n");
        if (anonymousDashboard) yaml.Append("dashboard:\n  anonymous_read: true\n");
        yaml.Append("cells:\n");
        for (int c = 0; c < cells; c++) yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: c{c:D2}, material: NMC811, q_li_Ah: 5, c_li0: 0.95 }}\n");
        string config = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(config, yaml.ToString());
        string baseUrl = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { DashboardLoad.TwinDll(), "serve", "--config", config, "--mqtt", brokerUrl, "--data-dir", Path.Combine(dir, "data"),
            "--urls", baseUrl, "--client-id", clientId })
            psi.ArgumentList.Add(a);
        foreach (var a in arguments ?? []) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var serve = Process.Start(psi)!;
        serve.OutputDataReceived += (_, _) => { };
        serve.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("[serve] " + e.Data); };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        var service = new BenchService(serve, new HttpClient { BaseAddress = new Uri(baseUrl) });
        await LiveLoad.WaitAsync(async () => { try { return (await service.Http.GetAsync("/health")).IsSuccessStatusCode; } catch (HttpRequestException) { return false; } }, 60);
        return service;
    }

    /// <summary>Kills the service if it still runs.</summary>
    public void Dispose()
    {
        _reaper.Dispose();
        Http.Dispose();
        Process.Dispose();
    }
}
