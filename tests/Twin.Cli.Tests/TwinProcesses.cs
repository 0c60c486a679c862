using System.Diagnostics;
using Xunit.Abstractions;

namespace Twin.Cli.Tests;

/// <summary>Starts the built <c>twin</c> CLI as separate processes with their output routed to the test log, and polls for conditions.</summary>
internal sealed class TwinProcesses(ITestOutputHelper output)
{
    /// <summary>Starts <c>twin {args}</c>; every output line is logged with the given name.</summary>
    public Process Start(string[] args, string name, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "twin.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) Log($"[{name}] {e.Data}"); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log($"[{name}!] {e.Data}"); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Writes a line to the test output (ignored once the test finished).</summary>
    public void Log(string line)
    {
        try { output.WriteLine(line); } catch (InvalidOperationException) { }
    }

    /// <summary>GETs a path; null when the server does not answer.</summary>
    public static async Task<string?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetStringAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Polls until the condition holds.</summary>
    /// <exception cref="TimeoutException">Not within the given seconds.</exception>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{what}: not reached within {seconds} s");
    }
}
