using System.Diagnostics;
using System.Text;

namespace Twin.Testing.Mosquitto;

/// <summary>Result of a finished command-line client.</summary>
/// <param name="ExitCode">Process exit code.</param>
/// <param name="StandardOutput">Everything it printed on standard output.</param>
/// <param name="StandardError">Everything it printed on standard error.</param>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs the real <c>mosquitto_pub</c> and <c>mosquitto_sub</c> against a <see cref="MosquittoBroker"/>.</summary>
public static class MosquittoClients
{
    /// <summary>
    /// Runs <c>mosquitto_pub -h 127.0.0.1 -p {port} {args}</c> to completion (e.g. <c>-V mqttv5 -t a/b -m hi -q 1</c>;
    /// with <c>-l</c>, <paramref name="standardInput"/> lines are the messages).
    /// </summary>
    /// <param name="broker">The broker.</param>
    /// <param name="args">Further arguments.</param>
    /// <param name="standardInput">Text written to its standard input, or null.</param>
    /// <param name="timeout">Time allowed (default 30 s); then it is killed and this throws.</param>
    /// <returns>Exit code and output.</returns>
    public static Task<ToolResult> PublishAsync(MosquittoBroker broker, IEnumerable<string> args, string? standardInput = null, TimeSpan? timeout = null) =>
        PublishAsync(broker.Port, args, standardInput, timeout);

    /// <summary>Runs <c>mosquitto_pub -h 127.0.0.1 -p {port} {args}</c> to completion against any broker on 127.0.0.1
    /// (e.g. the one embedded in <c>twin serve</c>), as <see cref="PublishAsync(MosquittoBroker, IEnumerable{string}, string?, TimeSpan?)"/>.</summary>
    /// <param name="port">The broker's port on 127.0.0.1.</param>
    /// <param name="args">Further arguments.</param>
    /// <param name="standardInput">Text written to its standard input, or null.</param>
    /// <param name="timeout">Time allowed (default 30 s); then it is killed and this throws.</param>
    /// <returns>Exit code and output.</returns>
    public static async Task<ToolResult> PublishAsync(int port, IEnumerable<string> args, string? standardInput = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("mosquitto_pub")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
        };
        foreach (var a in Address(port).Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start mosquitto_pub");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await p.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
            p.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"mosquitto_pub {string.Join(' ', psi.ArgumentList)} did not finish");
        }
        return new ToolResult(p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// Starts <c>mosquitto_sub -d -h 127.0.0.1 -p {port} {args}</c> with line-buffered output; lines of the output
    /// format given by <c>-F</c> that start with <paramref name="messagePrefix"/> are the received messages. Await
    /// <see cref="MosquittoSubscriber.WaitSubscribedAsync"/> before publishing.
    /// </summary>
    /// <param name="broker">The broker.</param>
    /// <param name="args">Further arguments, e.g. <c>-V mqttv5 -t a/# -q 1 -F "MSG|%t|%p"</c>.</param>
    /// <param name="messagePrefix">Prefix of message lines (start the -F format with it).</param>
    /// <returns>The running subscriber.</returns>
    public static MosquittoSubscriber Subscribe(MosquittoBroker broker, IEnumerable<string> args, string messagePrefix = "MSG|") =>
        Subscribe(broker.Port, args, messagePrefix);

    /// <summary>Starts <c>mosquitto_sub</c> against any broker on 127.0.0.1, as <see cref="Subscribe(MosquittoBroker, IEnumerable{string}, string)"/>.</summary>
    /// <param name="port">The broker's port on 127.0.0.1.</param>
    /// <param name="args">Further arguments.</param>
    /// <param name="messagePrefix">Prefix of message lines (start the -F format with it).</param>
    /// <returns>The running subscriber.</returns>
    public static MosquittoSubscriber Subscribe(int port, IEnumerable<string> args, string messagePrefix = "MSG|") =>
        new(Address(port).Concat(args).ToList(), messagePrefix);

    private static string[] Address(int port) => ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>A running <c>mosquitto_sub</c>.</summary>
public sealed class MosquittoSubscriber : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _prefix;
    private readonly List<string> _messages = [];
    private readonly StringBuilder _all = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal MosquittoSubscriber(IReadOnlyList<string> args, string prefix)
    {
        _prefix = prefix;
        bool stdbuf = File.Exists("/usr/bin/stdbuf");
        var psi = new ProcessStartInfo(stdbuf ? "/usr/bin/stdbuf" : "mosquitto_sub")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (stdbuf)
        {
            psi.ArgumentList.Add("-oL");
            psi.ArgumentList.Add("mosquitto_sub");
        }
        psi.ArgumentList.Add("-d");
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _subscribed.TrySetException(new InvalidOperationException($"mosquitto_sub exited before subscribing:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_messages)
        {
            _all.AppendLine(line);
            if (line.StartsWith(_prefix, StringComparison.Ordinal)) _messages.Add(line[_prefix.Length..]);
            else if (line.StartsWith("Subscribed (mid", StringComparison.Ordinal)) _subscribed.TrySetResult();
            Monitor.PulseAll(_messages);
        }
    }

    /// <summary>Message lines received so far, without the prefix.</summary>
    public IReadOnlyList<string> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    /// <summary>All output so far (debug lines included).</summary>
    public string Output
    {
        get { lock (_messages) return _all.ToString(); }
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits until the broker acknowledged the subscription (SUBACK).</summary>
    /// <param name="timeout">Time allowed (default 10 s).</param>
    /// <returns>A task completing when subscribed.</returns>
    public Task WaitSubscribedAsync(TimeSpan? timeout = null) => _subscribed.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    /// <param name="count">Messages expected.</param>
    /// <param name="timeout">Upper bound (default <see cref="Wait.DefaultTimeout"/>).</param>
    /// <returns>The messages.</returns>
    /// <exception cref="TimeoutException">Fewer arrived in time; the message shows the subscriber's output.</exception>
    public async Task<IReadOnlyList<string>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        await Wait.UntilAsync(() => { lock (_messages) return _messages.Count >= count; }, $"{count} message(s) on mosquitto_sub", timeout,
            () => $"{Messages.Count} message(s); output:\n{Output}").ConfigureAwait(false);
        return Messages;
    }

    /// <summary>Waits for the process to exit by itself (e.g. after <c>-C n</c>).</summary>
    /// <param name="timeout">Time allowed.</param>
    /// <returns>Whether it exited.</returns>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Kills the process if still running.</summary>
    /// <returns>A task completing when it has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception) { }
        _process.Dispose();
    }
}
