using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Twin.FirmwareSim.Net;

/// <summary>
/// Exposes a TCP line server as a pseudo-terminal with <c>socat pty,raw,echo=0,link=&lt;path&gt; tcp:&lt;host&gt;:&lt;port&gt;</c>:
/// a driver opens <see cref="LinkPath"/> as its serial port. When socat exits (the device dropped the link, or the
/// driver side hung up) it is restarted so the same path comes back (pointing at a new /dev/pts/N). Requires the
/// Debian package <c>socat</c>.
/// </summary>
public sealed class PtyBridge : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private Task? _supervisor;
    private long _starts;

    /// <summary>Creates the bridge (not started).</summary>
    /// <param name="linkPath">Where the pseudo-terminal's symbolic link is created (absolute path; its directory must exist).</param>
    /// <param name="port">TCP port of the line server.</param>
    /// <param name="host">Host of the line server; default 127.0.0.1.</param>
    /// <param name="logger">Logger (optional).</param>
    /// <exception cref="ArgumentException">Relative link path or port out of range.</exception>
    public PtyBridge(string linkPath, int port, string host = "127.0.0.1", ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(linkPath);
        if (!Path.IsPathRooted(linkPath)) throw new ArgumentException($"link path must be absolute: '{linkPath}'", nameof(linkPath));
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 1–65535");
        LinkPath = linkPath;
        Port = port;
        Host = host;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Starts a bridge to <paramref name="server"/> (which must be started).</summary>
    /// <param name="server">The line server.</param>
    /// <param name="linkPath">Link path; default a fresh name under the temp directory.</param>
    /// <param name="logger">Logger (optional).</param>
    /// <param name="cancellationToken">Cancels waiting for the link.</param>
    /// <returns>The running bridge.</returns>
    /// <exception cref="InvalidOperationException">socat is not installed, or the link did not appear within 5 s.</exception>
    public static async Task<PtyBridge> StartAsync(LineServer server, string? linkPath = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        linkPath ??= Path.Combine(Path.GetTempPath(), $"twin-pty-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var bridge = new PtyBridge(linkPath, server.Port, server.EndPoint.Address.ToString(), logger);
        await bridge.StartAsync(cancellationToken).ConfigureAwait(false);
        return bridge;
    }

    /// <summary>Starts a bridge to a binary <paramref name="server"/> (which must be started), e.g. a Firmata board.</summary>
    /// <param name="server">The byte-stream server.</param>
    /// <param name="linkPath">Link path; default a fresh name under the temp directory.</param>
    /// <param name="logger">Logger (optional).</param>
    /// <param name="cancellationToken">Cancels waiting for the link.</param>
    /// <returns>The running bridge.</returns>
    /// <exception cref="InvalidOperationException">socat is not installed, or the link did not appear within 5 s.</exception>
    public static async Task<PtyBridge> StartAsync(ByteStreamServer server, string? linkPath = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        linkPath ??= Path.Combine(Path.GetTempPath(), $"twin-pty-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var bridge = new PtyBridge(linkPath, server.Port, server.EndPoint.Address.ToString(), logger);
        await bridge.StartAsync(cancellationToken).ConfigureAwait(false);
        return bridge;
    }

    /// <summary>The pseudo-terminal's link: the serial device path for the driver.</summary>
    public string LinkPath { get; }

    /// <summary>The line server's TCP port.</summary>
    public int Port { get; }

    /// <summary>The line server's host.</summary>
    public string Host { get; }

    /// <summary>How many times socat has been started (1 + restarts).</summary>
    public long Starts => Interlocked.Read(ref _starts);

    /// <summary>The socat executable found on a search path, or null.</summary>
    /// <param name="searchPath">Colon-separated directories; default the PATH environment variable.</param>
    /// <returns>The full path of socat, or null when it is not installed there.</returns>
    public static string? FindSocat(string? searchPath = null)
    {
        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (string dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "socat");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The error raised when socat is missing.</summary>
    public const string SocatMissingMessage = "socat not found; install the Debian package socat";

    /// <summary>Starts socat and waits until the link exists; from then on socat is restarted whenever it exits.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task completing when the link is there.</returns>
    /// <exception cref="InvalidOperationException">socat is missing, or the link did not appear within 5 s.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        string socat = FindSocat() ?? throw new InvalidOperationException(SocatMissingMessage);
        await StartProcessAsync(socat, cancellationToken).ConfigureAwait(false);
        _supervisor = Task.Run(() => SuperviseAsync(socat));
    }

    /// <summary>Waits until <see cref="LinkPath"/> exists (e.g. after a restart).</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Whether the link exists.</returns>
    public async Task<bool> WaitForLinkAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        while (!LinkExists())
        {
            if (watch.Elapsed > timeout) return false;
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    private bool LinkExists() => new FileInfo(LinkPath).LinkTarget is { } target && File.Exists(target);

    private async Task StartProcessAsync(string socat, CancellationToken ct)
    {
        TryDeleteLink();
        var psi = new ProcessStartInfo(socat)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add($"pty,raw,echo=0,link={LinkPath}");
        psi.ArgumentList.Add($"tcp:{Host}:{Port}");
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) _logger.LogDebug("socat: {Line}", e.Data); };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        lock (_gate) _process = process;
        Interlocked.Increment(ref _starts);
        var watch = Stopwatch.StartNew();
        while (!LinkExists())
        {
            if (process.HasExited && !LinkExists())
                throw new InvalidOperationException($"socat exited with code {process.ExitCode} before creating {LinkPath} (is the line server on {Host}:{Port} running?)");
            if (watch.Elapsed > TimeSpan.FromSeconds(5))
                throw new InvalidOperationException($"socat did not create {LinkPath} within 5 s");
            await Task.Delay(5, ct).ConfigureAwait(false);
        }
        _logger.LogInformation("pty {Link} bridged to {Host}:{Port}", LinkPath, Host, Port);
    }

    private async Task SuperviseAsync(string socat)
    {
        while (!_stop.IsCancellationRequested)
        {
            Process? process;
            lock (_gate) process = _process;
            try
            {
                if (process is not null)
                {
                    await process.WaitForExitAsync(_stop.Token).ConfigureAwait(false);
                    lock (_gate) _process = null;
                    process.Dispose();
                    _logger.LogInformation("socat for {Link} exited; restarting", LinkPath);
                }
                await Task.Delay(20, _stop.Token).ConfigureAwait(false);
                await StartProcessAsync(socat, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // e.g. the line server is not accepting right now: socat exits, the next round tries again
                _logger.LogWarning("socat restart for {Link} failed: {Error}; retrying", LinkPath, e.Message);
                try { await Task.Delay(200, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Kills the running socat (the driver side sees a hang-up, as when a cable is pulled); the bridge then starts a new one at the same <see cref="LinkPath"/>.</summary>
    public void KillCurrent()
    {
        Process? process;
        lock (_gate) process = _process;
        try { process?.Kill(); }
        catch (InvalidOperationException) { }
    }

    /// <summary>Stops the bridge: kills socat and removes the link.</summary>
    /// <returns>A task completing when socat has exited.</returns>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        if (_supervisor is not null)
        {
            try { await _supervisor.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException) { }
            process.Dispose();
        }
        TryDeleteLink();
    }

    private void TryDeleteLink()
    {
        try
        {
            if (new FileInfo(LinkPath).LinkTarget is not null || File.Exists(LinkPath)) File.Delete(LinkPath);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
