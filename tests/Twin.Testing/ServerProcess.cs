using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Twin.Testing;

/// <summary>
/// The process of a real server a test harness runs (InfluxDB, VictoriaMetrics): started with its output kept (the
/// last 200 lines, for failure messages), waited for until it answers, stopped with SIGTERM (SIGKILL after a grace
/// period) or killed as a crash would. Started again after a stop with the same arguments by its harness.
/// </summary>
/// <param name="name">Name for messages, e.g. "influxd".</param>
public sealed class ServerProcess(string name) : IDisposable
{
    private readonly Queue<string> _output = new();
    private Process? _process;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Last lines the process printed.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>A port on 127.0.0.1 free at the time of the call.</summary>
    /// <returns>The port.</returns>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the process (standard output and error kept) and waits until <paramref name="ready"/> says it answers.
    /// </summary>
    /// <param name="psi">What to run; output redirection is set here.</param>
    /// <param name="ready">True once the server answers; an <see cref="HttpRequestException"/> counts as "not yet".</param>
    /// <param name="what">What is awaited, for the timeout message, e.g. "influxd to answer /ping".</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <exception cref="InvalidOperationException">Already running, it cannot be started, or it exits while starting (its output in the message).</exception>
    /// <exception cref="TimeoutException">It does not answer in time (it is killed; its output in the message).</exception>
    public async Task StartAsync(ProcessStartInfo psi, Func<CancellationToken, Task<bool>> ready, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(psi);
        ArgumentNullException.ThrowIfNull(ready);
        if (IsRunning) throw new InvalidOperationException($"{name} is already running");
        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        psi.UseShellExecute = false;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {psi.FileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process?.Dispose();
        _process = process;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    throw new InvalidOperationException($"{name} exited with code {process.ExitCode} on start:\n{RecentOutput}");
                }
                try
                {
                    return await ready(cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            }, what, observed: () => RecentOutput, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            throw;
        }
    }

    /// <summary>Stops the process with SIGTERM and waits for it to exit (SIGKILL after <paramref name="timeout"/>, default 30 s).</summary>
    /// <param name="timeout">Grace period.</param>
    /// <returns>A task completing when the process has exited.</returns>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        try
        {
            ProcessSignals.Terminate(process);
        }
        catch (InvalidOperationException) when (process.HasExited)
        {
            return; // exited between the check and the signal
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Releases the process handle (stop it first).</summary>
    public void Dispose() => _process?.Dispose();

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200) _output.Dequeue();
        }
    }
}
