using System.Diagnostics;
using Xunit.Abstractions;

namespace Twin.Cli.Tests;

/// <summary>Starts the built <c>twin</c> CLI as separate processes with their output routed to the test log.</summary>
internal sealed class TwinProcesses(ITestOutputHelper output)
{
    /// <summary>Starts <c>twin {args}</c> with extra environment variables; every output line is logged with the given name (and handed to
    /// <paramref name="onLine"/>, standard output and error alike).</summary>
    public Process Start(string[] args, string name, Action<string>? onLine = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "twin.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { Log($"[{name}] {e.Data}"); onLine?.Invoke(e.Data); } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Log($"[{name}!] {e.Data}"); onLine?.Invoke(e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Writes a line to the test output (ignored once the test finished).</summary>
    public void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    /// <summary>Waits until <c>twin serve</c> reports itself healthy: listening, connected to its bus and subscribed
    /// (it answers <c>/health</c> as degraded while it connects in the background, and a message published to the
    /// broker before its first subscription is not kept for it).</summary>
    /// <param name="http">Client of the service.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <returns>A task that completes when <c>/health</c> says healthy.</returns>
    public static Task WaitHealthyAsync(HttpClient http, string what = "twin serve to be healthy (connected and subscribed)") =>
        Twin.Testing.Wait.UntilAsync(async () => (await TryGetAsync(http, "/health"))?.Contains("\"status\":\"healthy\"", StringComparison.Ordinal) == true,
            what, observed: () => TryGetAsync(http, "/health").Result ?? "no answer");

    /// <summary>GETs a path; null when the server does not answer.</summary>
    public static async Task<string?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (HttpRequestException e) when (e.StatusCode is not (System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden))
        {
            return null; // not listening yet, or answering with an error for now
        }
    }
}
