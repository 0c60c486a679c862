using System.Collections.Concurrent;
using System.Diagnostics;
using Twin.Testing;
using Twin.Testing.Mosquitto;

namespace Twin.Dashboard.Tests.Security;

/// <summary>
/// <c>twin serve</c> (with the dashboard, embedded bus, no broker) as a separate process on a free loopback port, with
/// its own experiment file and data directory; it can be killed and started again on the same data.
/// </summary>
internal sealed class TwinServe : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly IReadOnlyList<string> _extraArgs;
    private Process? _process;

    private TwinServe(string dir, IReadOnlyList<string> extraArgs)
    {
        Directory = dir;
        _extraArgs = extraArgs;
        BaseUrl = $"http://127.0.0.1:{MosquittoBroker.FreePort()}";
    }

    /// <summary>The test's directory (experiment file, data directory).</summary>
    public string Directory { get; }

    /// <summary>The experiment file.</summary>
    public string ConfigPath => Path.Combine(Directory, "experiment.yaml");

    /// <summary>The service's data directory.</summary>
    public string DataDir => Path.Combine(Directory, "data");

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The audit log's lines as written on disk.</summary>
    public string AuditFile => File.Exists(Path.Combine(DataDir, "audit.jsonl")) ? File.ReadAllText(Path.Combine(DataDir, "audit.jsonl")) : "";

    /// <summary>Writes the experiment file and starts the service.</summary>
    /// <param name="name">Directory name part.</param>
    /// <param name="experiment">The experiment file's text.</param>
    /// <param name="extraArgs">More <c>twin serve</c> arguments (e.g. <c>--trusted-proxy</c>).</param>
    /// <returns>The running service.</returns>
    public static async Task<TwinServe> StartAsync(string name, string experiment, params string[] extraArgs)
    {
        var serve = new TwinServe(Repo.TempDir(name), extraArgs);
        File.WriteAllText(serve.ConfigPath, experiment);
        await serve.StartAgainAsync();
        return serve;
    }

    /// <summary>Starts the service (again) on the same experiment file and data directory.</summary>
    /// <returns>A task completing when it answers <c>/health</c>.</returns>
    public async Task StartAgainAsync()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "twin.dll"));
        foreach (var a in new[] { "serve", "--config", ConfigPath, "--data-dir", DataDir, "--urls", BaseUrl, "--mqtt-listen", "none" }.Concat(_extraArgs)) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start twin serve");
        p.OutputDataReceived += (_, e) => Log(e.Data);
        p.ErrorDataReceived += (_, e) => Log(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        using var probe = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        await Wait.UntilAsync(async () =>
        {
            if (p.HasExited) throw new InvalidOperationException($"twin serve exited with code {p.ExitCode}:\n{LogTail()}");
            try
            {
                return (await probe.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, "twin serve to answer on " + BaseUrl, observed: () => LogTail(5));
    }

    /// <summary>Kills the process (SIGKILL) and waits for it to exit.</summary>
    public void Kill()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>The service's last output lines.</summary>
    /// <param name="lines">How many.</param>
    /// <returns>The text.</returns>
    public string LogTail(int lines = 30) => string.Join("\n", _log.TakeLast(lines));

    private void Log(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
        while (_log.Count > 300) _log.TryDequeue(out _);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
