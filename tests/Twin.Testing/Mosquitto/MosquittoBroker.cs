using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Twin.Testing.Mosquitto;

/// <summary>
/// A real Mosquitto broker for tests: <c>/usr/sbin/mosquitto -c {own conf}</c> on 127.0.0.1 and a free port, with its
/// own directory (config, persistence, log, password file, certificates). <see cref="StopAsync"/> (SIGTERM, so
/// persistence is written), <see cref="Kill"/> (SIGKILL), <see cref="StartAgainAsync"/> and
/// <see cref="RestartAsync"/> keep the same ports and persistence. Disposing stops it and deletes the directory.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    /// <summary>Where Debian installs the broker.</summary>
    public const string Executable = "/usr/sbin/mosquitto";

    private readonly MosquittoBrokerOptions _options;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MosquittoBroker(MosquittoBrokerOptions options, string directory)
    {
        _options = options;
        Directory = directory;
    }

    /// <summary>Loopback address the listeners bind to.</summary>
    public string Host => "127.0.0.1";

    /// <summary>Plain MQTT port (0 when <see cref="MosquittoBrokerOptions.PlainListener"/> is false).</summary>
    public int Port { get; private set; }

    /// <summary>TLS port, or 0 without TLS.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The broker's own temporary directory.</summary>
    public string Directory { get; }

    /// <summary>CA certificate (PEM) that signed the server certificate, or null without TLS.</summary>
    public string? CaCertificateFile { get; private set; }

    /// <summary><c>mqtt://127.0.0.1:{Port}</c>.</summary>
    public string Url => $"mqtt://{Host}:{Port}";

    /// <summary><c>mqtts://127.0.0.1:{TlsPort}?ca={CaCertificateFile}</c>, or null without TLS.</summary>
    public string? TlsUrl => TlsPort == 0 ? null : $"mqtts://{Host}:{TlsPort}?ca={Uri.EscapeDataString(CaCertificateFile!)}";

    /// <summary>Path of mosquitto.conf.</summary>
    public string ConfigFile => Path.Combine(Directory, "mosquitto.conf");

    /// <summary>Path of the broker log.</summary>
    public string LogFile => Path.Combine(Directory, "mosquitto.log");

    /// <summary>Whether the broker process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Process id of the running broker, or 0.</summary>
    public int ProcessId => IsRunning ? _process!.Id : 0;

    /// <summary>
    /// Creates the directory and configuration and starts the broker; completes when the port accepts connections.
    /// </summary>
    /// <param name="options">Settings; null for a plain anonymous broker with persistence.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The running broker.</returns>
    /// <exception cref="InvalidOperationException">/usr/sbin/mosquitto is missing ("run scripts/test.sh, which installs mosquitto") or did not start (its log is in the message).</exception>
    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} not found: run scripts/test.sh, which installs mosquitto");
        options ??= new MosquittoBrokerOptions();
        string dir = Path.Combine(Path.GetTempPath(), "twin-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        var broker = new MosquittoBroker(options, dir);
        try
        {
            await broker.ConfigureAsync().ConfigureAwait(false);
            await broker.StartAgainAsync(cancellationToken).ConfigureAwait(false);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ConfigureAsync()
    {
        var o = _options;
        var conf = new StringBuilder();
        conf.AppendLine("per_listener_settings false");
        if (Environment.UserName == "root") conf.AppendLine("user root");
        bool anonymous = o.AllowAnonymous ?? o.Users is null;
        conf.AppendLine($"allow_anonymous {(anonymous ? "true" : "false")}");
        if (o.Users is { Count: > 0 })
        {
            string passwd = Path.Combine(Directory, "passwd");
            bool first = true;
            foreach (var (user, password) in o.Users)
            {
                var args = new List<string> { "-b" };
                if (first) args.Add("-c");
                args.AddRange([passwd, user, password]);
                await RunToolAsync("mosquitto_passwd", args).ConfigureAwait(false);
                first = false;
            }
            conf.AppendLine($"password_file {passwd}");
        }
        if (o.Acl is not null)
        {
            string acl = Path.Combine(Directory, "acl");
            await File.WriteAllTextAsync(acl, o.Acl).ConfigureAwait(false);
            conf.AppendLine($"acl_file {acl}");
        }
        if (o.Persistence)
        {
            string data = Path.Combine(Directory, "data") + "/";
            System.IO.Directory.CreateDirectory(data);
            conf.AppendLine("persistence true");
            conf.AppendLine($"persistence_location {data}");
        }
        else
        {
            conf.AppendLine("persistence false");
        }
        conf.AppendLine($"log_dest file {LogFile}");
        conf.AppendLine("log_type error");
        conf.AppendLine("log_type warning");
        conf.AppendLine("log_type notice");
        conf.AppendLine("log_type information");
        conf.AppendLine("connection_messages true");
        conf.AppendLine("log_timestamp_format %H:%M:%S");
        conf.AppendLine("max_queued_messages 100000");
        foreach (var line in o.ExtraConfig) conf.AppendLine(line);
        if (o.PlainListener)
        {
            Port = FreePort();
            conf.AppendLine($"listener {Port} {Host}");
        }
        if (o.Tls)
        {
            CaCertificateFile = await TestCertificates.CreateCertificateAuthorityAsync(Directory, "ca").ConfigureAwait(false);
            var (crt, key) = await TestCertificates.CreateServerCertificateAsync(Directory, CaCertificateFile).ConfigureAwait(false);
            TlsPort = FreePort();
            conf.AppendLine($"listener {TlsPort} {Host}");
            conf.AppendLine($"cafile {CaCertificateFile}");
            conf.AppendLine($"certfile {crt}");
            conf.AppendLine($"keyfile {key}");
        }
        await File.WriteAllTextAsync(ConfigFile, conf.ToString()).ConfigureAwait(false);
    }

    /// <summary>A TCP port that was free a moment ago (bind to port 0, read it, close).</summary>
    /// <returns>The port number.</returns>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Starts the broker process (again, after a stop or kill) with the same configuration, ports and persistence.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task completing when the ports accept connections.</returns>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning) return;
        _process?.Dispose();
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ConfigFile);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        if (!process.Start())
            throw new InvalidOperationException($"cannot start {Executable}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        foreach (int port in new[] { Port, TlsPort }.Where(p => p != 0))
        {
            await Wait.UntilAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"mosquitto exited with code {process.ExitCode} at start:\n{Diagnostics()}");
                return await CanConnectAsync(port).ConfigureAwait(false);
            }, $"mosquitto to accept connections on {Host}:{port}", observed: Diagnostics, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(Host, port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Stops the broker with SIGTERM (Mosquitto writes its persistence file) and waits for it to exit.</summary>
    /// <param name="timeout">How long to wait before SIGKILL (default 10 s).</param>
    /// <returns>A task completing when the process has exited.</returns>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        SysKill(process.Id, 15);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills the broker with SIGKILL: no persistence written, connections dropped without DISCONNECT.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        process.Kill();
        process.WaitForExit(10_000);
    }

    /// <summary><see cref="StopAsync"/> then <see cref="StartAgainAsync"/>: same ports, same persistence.</summary>
    /// <param name="downtime">Time to stay stopped: the outage the caller asks for (a stimulus, not a settle-wait).</param>
    /// <returns>A task completing when the broker accepts connections again.</returns>
    public async Task RestartAsync(TimeSpan? downtime = null)
    {
        await StopAsync().ConfigureAwait(false);
        if (downtime is { } d) await Task.Delay(d).ConfigureAwait(false);
        await StartAgainAsync().ConfigureAwait(false);
    }

    /// <summary>The broker's log file and console output so far (for assertion messages).</summary>
    /// <returns>The text.</returns>
    public string Diagnostics()
    {
        string log = "";
        try { if (File.Exists(LogFile)) log = File.ReadAllText(LogFile); } catch (IOException) { }
        lock (_output) return $"--- {ConfigFile}\n{(File.Exists(ConfigFile) ? File.ReadAllText(ConfigFile) : "")}--- log\n{log}--- output\n{_output}";
    }

    /// <summary>Arguments that point <c>mosquitto_pub</c>/<c>mosquitto_sub</c> at the plain listener: <c>-h 127.0.0.1 -p {Port}</c>.</summary>
    /// <returns>The arguments.</returns>
    public IReadOnlyList<string> ClientArguments() => ["-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private static async Task RunToolAsync(string tool, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {await err.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
    }

    /// <summary>Stops the broker (SIGTERM, then SIGKILL) and deletes its directory.</summary>
    /// <returns>A task completing when done.</returns>
    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception) { Kill(); }
        _process?.Dispose();
        _process = null;
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
