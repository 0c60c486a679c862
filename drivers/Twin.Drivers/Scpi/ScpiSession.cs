using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Twin.Drivers.Transports;

namespace Twin.Drivers.Scpi;

/// <summary>
/// An IEEE 488.2 / SCPI session over an <see cref="ITransport"/>: commands, text and binary-block queries, the
/// common commands, and the SYST:ERR? error queue. One exchange at a time (calls are serialised).
/// </summary>
/// <remarks>
/// <para>Replies are read with System.IO.Pipelines; text replies must be printable ASCII (tab allowed), otherwise
/// buffered input is dropped and <see cref="ScpiProtocolException"/> is thrown. After a timeout, a cancellation or
/// a malformed reply the session resynchronises before the next exchange: it sends <c>*OPC?;*OPC?</c> and discards
/// lines until the combined reply <c>1;1</c> (a reply no single query produces), so a late reply is never taken
/// as the answer to a later query; if that fails it re-opens the link.</para>
/// <para>When the link is lost during an exchange (transport error, end of stream) the session re-opens it with up
/// to <see cref="ScpiOptions.ReconnectAttempts"/> attempts (delays <see cref="ScpiOptions.ReconnectDelay"/>, doubling),
/// raises <see cref="LinkEvent"/>, counts <see cref="Reconnects"/> and repeats the interrupted exchange once. That
/// is safe because everything the drivers send is an idempotent setting or a query; do not send non-idempotent
/// commands (e.g. <c>:INIT</c> of a counted trigger model) through a session you expect to reconnect.</para>
/// <para>The session owns the transport: disposing the session disposes it.</para>
/// </remarks>
public sealed class ScpiSession : IAsyncDisposable
{
    private const int MaxErrorReads = 64;
    private static readonly byte[] ResyncMarker = "1;1"u8.ToArray();
    private const string ResyncQuery = "*OPC?;*OPC?";

    private readonly ITransport _transport;
    private readonly ScpiOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ResiliencePipeline _reconnectPipeline;
    private readonly byte[] _writeTerminator;
    private byte[] _writeBuffer = new byte[256];
    private ScpiReplyReader? _reader;
    private CancellationTokenSource? _timeoutCts;
    private bool _needsResync;
    private bool _linkBroken;
    private bool _disposed;
    private bool _everOpened;
    private long _reconnects;
    private long _sentAt;

    /// <summary>Creates a session (nothing is opened; call <see cref="OpenAsync"/>).</summary>
    /// <param name="transport">The link; owned by the session from now on.</param>
    /// <param name="options">Settings; default <see cref="ScpiOptions"/> values.</param>
    /// <param name="logger">Logger for link events (optional; the command log is <see cref="Log"/>).</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public ScpiSession(ITransport transport, ScpiOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? new ScpiOptions();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        Log = new ScpiLog(_options.LogCapacity);
        _writeTerminator = Encoding.ASCII.GetBytes(_options.WriteTerminator);
        _reconnectPipeline = BuildReconnectPipeline();
    }

    /// <summary>The transport's endpoint, e.g. <c>tcp://192.168.1.20:5025</c>.</summary>
    public string Endpoint => _transport.Endpoint;

    /// <summary>The bounded log of sent commands, received replies and link events.</summary>
    public ScpiLog Log { get; }

    /// <summary>How many times the link was re-opened after a loss (or by <see cref="ReconnectAsync"/>).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Raised on link events: <c>"link lost: …"</c>, <c>"link restored after 2 attempts"</c>, <c>"link not restored: …"</c>.</summary>
    /// <remarks>Raised while the session is busy with the interrupted exchange: a handler must not wait for another call on this session.</remarks>
    public event Action<string>? LinkEvent;

    /// <summary>Opens the link.</summary>
    /// <param name="ct">Cancels opening.</param>
    /// <returns>A task completing when the link is open.</returns>
    /// <exception cref="ScpiException">The link cannot be opened (inner: the <see cref="TransportException"/>).</exception>
    public async Task OpenAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await OpenFirstAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OpenFirstAsync(CancellationToken ct)
    {
        try
        {
            await OpenLinkAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsLinkFailure(e))
        {
            _linkBroken = true;
            throw new ScpiException(Endpoint, null, $"cannot open the link: {e.Message}", e);
        }
        _everOpened = true;
        Log.Add(ScpiDirection.Event, "link opened");
    }

    /// <summary>Sends a command (no reply expected). Every exchange opens the link first if <see cref="OpenAsync"/> was not called.</summary>
    /// <param name="command">The command, e.g. <c>:SOUR:CURR 0.01</c> (no terminator).</param>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>A task completing when the command is sent.</returns>
    /// <exception cref="ScpiTimeoutException">The command could not be sent within the timeout.</exception>
    /// <exception cref="ScpiException">The link is lost and could not be restored.</exception>
    public Task WriteAsync(string command, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        return ExecuteAsync(command, false, static async (s, cmd, token) =>
        {
            await s.SendAsync(cmd, token).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <summary>Sends a query and returns its reply line (terminator removed).</summary>
    /// <param name="query">The query, e.g. <c>:READ?</c>.</param>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>The reply text (printable ASCII).</returns>
    /// <exception cref="ScpiTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="ScpiProtocolException">The reply contains non-printable or non-ASCII bytes (byte and offset named).</exception>
    /// <exception cref="ScpiException">The link is lost and could not be restored.</exception>
    public Task<string> QueryAsync(string query, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(query);
        return ExecuteAsync(query, true, static async (s, q, token) =>
        {
            await s.SendAsync(q, token).ConfigureAwait(false);
            string reply = await s._reader!.ReadLineAsync(q, token).ConfigureAwait(false);
            s.Log.Add(ScpiDirection.Received, reply, s.SinceSent());
            return reply;
        }, ct);
    }

    /// <summary>Sends a query whose reply is one number (SCPI NR1/NR2/NR3, e.g. <c>+1.000000E-03</c>).</summary>
    /// <param name="query">The query.</param>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>The number.</returns>
    /// <exception cref="ScpiProtocolException">The reply is not one number.</exception>
    /// <exception cref="ScpiTimeoutException">No reply within the timeout.</exception>
    /// <exception cref="ScpiException">The link is lost and could not be restored.</exception>
    public async Task<double> QueryDoubleAsync(string query, CancellationToken ct = default)
    {
        string reply = await QueryAsync(query, ct).ConfigureAwait(false);
        if (double.TryParse(reply.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        throw new ScpiProtocolException(Endpoint, query, $"reply to '{query}' is not a number: '{reply}'");
    }

    /// <summary>Sends a query whose reply is an IEEE 488.2 arbitrary block: definite length <c>#&lt;n&gt;&lt;len&gt;&lt;bytes&gt;</c> or indefinite <c>#0&lt;bytes&gt;</c> up to the terminator.</summary>
    /// <param name="query">The query, e.g. <c>:TRAC:DATA? 1, 10</c> after <c>:FORM:DATA REAL</c>.</param>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>The block's bytes.</returns>
    /// <exception cref="ScpiProtocolException">Bad block header or missing terminator.</exception>
    /// <exception cref="ScpiTimeoutException">No complete reply within the timeout.</exception>
    /// <exception cref="ScpiException">The link is lost and could not be restored.</exception>
    public Task<byte[]> QueryBinaryBlockAsync(string query, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(query);
        return ExecuteAsync(query, true, static async (s, q, token) =>
        {
            await s.SendAsync(q, token).ConfigureAwait(false);
            byte[] block = await s._reader!.ReadBlockAsync(q, token).ConfigureAwait(false);
            s.Log.Add(ScpiDirection.Received, $"<binary block, {block.Length} bytes>", s.SinceSent());
            return block;
        }, ct);
    }

    /// <summary>Asks <c>*IDN?</c>.</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>Manufacturer, model, serial and firmware.</returns>
    /// <exception cref="ScpiException">Timeout, malformed reply or lost link (see <see cref="QueryAsync"/>).</exception>
    public async Task<ScpiIdentity> IdentifyAsync(CancellationToken ct = default) =>
        ScpiIdentity.Parse(await QueryAsync("*IDN?", ct).ConfigureAwait(false));

    /// <summary>Sends <c>*RST</c> (instrument defaults).</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>A task completing when sent.</returns>
    /// <exception cref="ScpiException">Timeout or lost link.</exception>
    public Task ResetAsync(CancellationToken ct = default) => WriteAsync("*RST", ct);

    /// <summary>Sends <c>*CLS</c> (clears the status registers and the error queue).</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>A task completing when sent.</returns>
    /// <exception cref="ScpiException">Timeout or lost link.</exception>
    public Task ClearStatusAsync(CancellationToken ct = default) => WriteAsync("*CLS", ct);

    /// <summary>Waits for pending operations with <c>*OPC?</c> (reply "1").</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>A task completing when the instrument answered.</returns>
    /// <exception cref="ScpiProtocolException">The reply is not "1".</exception>
    /// <exception cref="ScpiException">Timeout or lost link.</exception>
    public async Task WaitOperationCompleteAsync(CancellationToken ct = default)
    {
        string reply = await QueryAsync("*OPC?", ct).ConfigureAwait(false);
        if (reply.Trim() != "1") throw new ScpiProtocolException(Endpoint, "*OPC?", $"reply to '*OPC?' is '{reply}', expected '1'");
    }

    /// <summary>Reads (and thereby clears) the standard event status register with <c>*ESR?</c>.</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>The register (bit 0 OPC, 2 QYE, 3 DDE, 4 EXE, 5 CME, 7 PON).</returns>
    /// <exception cref="ScpiProtocolException">The reply is not an integer.</exception>
    /// <exception cref="ScpiException">Timeout or lost link.</exception>
    public Task<int> ReadEventStatusAsync(CancellationToken ct = default) => QueryIntAsync("*ESR?", ct);

    /// <summary>Reads the status byte with <c>*STB?</c>.</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>The status byte (bit 2 error/event queue not empty, 4 MAV, 5 ESB, 6 MSS).</returns>
    /// <exception cref="ScpiProtocolException">The reply is not an integer.</exception>
    /// <exception cref="ScpiException">Timeout or lost link.</exception>
    public Task<int> ReadStatusByteAsync(CancellationToken ct = default) => QueryIntAsync("*STB?", ct);

    /// <summary>Reads <c>SYST:ERR?</c> until it reports code 0 (at most 64 reads).</summary>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>The errors, oldest first (empty when the queue was empty).</returns>
    /// <exception cref="ScpiProtocolException">A reply is not of the form <c>code,"text"</c>.</exception>
    /// <exception cref="ScpiException">Timeout or lost link.</exception>
    public async Task<IReadOnlyList<ScpiError>> ReadErrorsAsync(CancellationToken ct = default)
    {
        List<ScpiError>? errors = null;
        for (int i = 0; i < MaxErrorReads; i++)
        {
            string reply = await QueryAsync("SYST:ERR?", ct).ConfigureAwait(false);
            if (!ScpiError.TryParse(reply, out var error))
                throw new ScpiProtocolException(Endpoint, "SYST:ERR?", $"reply to 'SYST:ERR?' is not code,\"text\": '{reply}'");
            if (error.Code == 0) break;
            (errors ??= []).Add(error);
        }
        return errors ?? (IReadOnlyList<ScpiError>)[];
    }

    /// <summary>Sends each command (no queries), then drains the error queue; any error fails the group.</summary>
    /// <param name="commands">The commands, in order.</param>
    /// <param name="ct">Cancels the exchange.</param>
    /// <returns>A task completing when all were accepted.</returns>
    /// <exception cref="ArgumentException">A command is a query (contains '?').</exception>
    /// <exception cref="ScpiInstrumentException">The instrument reported errors; the message quotes them, e.g. <c>-222,"Data out of range"</c>.</exception>
    /// <exception cref="ScpiException">Timeout, malformed reply or lost link.</exception>
    public async Task RunGroupAsync(IEnumerable<string> commands, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        string[] list = [.. commands];
        foreach (string c in list)
        {
            ArgumentException.ThrowIfNullOrEmpty(c, nameof(commands));
            if (c.Contains('?')) throw new ArgumentException($"RunGroupAsync takes commands only, not the query '{c}'", nameof(commands));
        }
        foreach (string c in list) await WriteAsync(c, ct).ConfigureAwait(false);
        var errors = await ReadErrorsAsync(ct).ConfigureAwait(false);
        if (errors.Count > 0) throw new ScpiInstrumentException(Endpoint, errors, list);
    }

    /// <summary>Closes and re-opens the link (counts in <see cref="Reconnects"/>).</summary>
    /// <param name="ct">Cancels reconnecting.</param>
    /// <returns>A task completing when the link is open again.</returns>
    /// <exception cref="ScpiException">The link could not be re-opened.</exception>
    public async Task ReconnectAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await ReconnectCoreAsync(null, "reconnect requested", ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> QueryIntAsync(string query, CancellationToken ct)
    {
        string reply = await QueryAsync(query, ct).ConfigureAwait(false);
        if (int.TryParse(reply.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)) return value;
        if (double.TryParse(reply.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue) return (int)d;
        throw new ScpiProtocolException(Endpoint, query, $"reply to '{query}' is not an integer: '{reply}'");
    }

    /// <summary>Runs one exchange under the session lock with timeout, resynchronisation and one retry after a reconnect.</summary>
    private async Task<T> ExecuteAsync<T>(string command, bool isQuery, Func<ScpiSession, string, CancellationToken, ValueTask<T>> exchange, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_everOpened) await OpenFirstAsync(ct).ConfigureAwait(false);
            else if (_linkBroken || _reader is null) await ReconnectCoreAsync(command, "link not open", ct).ConfigureAwait(false);
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    if (_needsResync) await ResyncAsync(ct).ConfigureAwait(false);
                    return await WithTimeoutAsync(command, isQuery, exchange, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (IsLinkFailure(e) && !ct.IsCancellationRequested)
                {
                    if (attempt > 0 || _options.ReconnectAttempts == 0)
                    {
                        _linkBroken = true;
                        RaiseLinkEvent($"link lost: {e.Message}");
                        throw new ScpiException(Endpoint, command, $"link lost during '{command}': {e.Message}", e);
                    }
                    await ReconnectCoreAsync(command, $"link lost: {e.Message}", ct).ConfigureAwait(false);
                    // retried once: every command the drivers send is an idempotent setting or a query
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<T> WithTimeoutAsync<T>(string command, bool isQuery, Func<ScpiSession, string, CancellationToken, ValueTask<T>> exchange, CancellationToken ct)
    {
        var cts = RentTimeoutSource(ct);
        _needsResync = true; // until the exchange completes: a cut-off exchange may leave a reply on the way
        try
        {
            T result = await exchange(this, command, cts.Token).ConfigureAwait(false);
            _needsResync = false;
            return result;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && cts.IsCancellationRequested)
        {
            Log.Add(ScpiDirection.Event, $"timeout: {(isQuery ? "no reply to" : "could not send")} '{command}' within {_options.Timeout.TotalSeconds:0.0} s");
            throw new ScpiTimeoutException(Endpoint, command, _options.Timeout, isQuery);
        }
        catch (TimeoutException) when (!ct.IsCancellationRequested)
        {
            Log.Add(ScpiDirection.Event, $"timeout: transport read timeout during '{command}'");
            throw new ScpiTimeoutException(Endpoint, command, _options.Timeout, isQuery);
        }
        catch (ScpiProtocolException e)
        {
            Log.Add(ScpiDirection.Event, $"protocol error: {e.Message}");
            throw;
        }
        finally
        {
            ReturnTimeoutSource(cts, ct);
        }
    }

    /// <summary>
    /// A token cancelled after <see cref="ScpiOptions.Timeout"/> on <see cref="ScpiOptions.Time"/> or by
    /// <paramref name="ct"/>; the timeout source is reused between exchanges (no allocation without a caller token).
    /// </summary>
    private CancellationTokenSource RentTimeoutSource(CancellationToken ct)
    {
        var timeout = _timeoutCts ??= new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, _options.Time);
        timeout.CancelAfter(_options.Timeout);
        return ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token) : timeout;
    }

    private void ReturnTimeoutSource(CancellationTokenSource cts, CancellationToken ct)
    {
        if (ct.CanBeCanceled) cts.Dispose();
        var timeout = _timeoutCts!;
        // Disarm the timer first: TryReset alone does not stop a timer of a provider other than the system's.
        timeout.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
        if (!timeout.TryReset())
        {
            timeout.Dispose();
            _timeoutCts = null;
        }
    }

    private async ValueTask SendAsync(string command, CancellationToken ct)
    {
        int length = command.Length + _writeTerminator.Length;
        if (_writeBuffer.Length < length) _writeBuffer = new byte[Math.Max(length, _writeBuffer.Length * 2)];
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (c > 0x7E || (c < 0x20 && c != '\t'))
                throw new ArgumentException($"SCPI command '{command}' contains a non-printable or non-ASCII character at {i}", nameof(command));
            _writeBuffer[i] = (byte)c;
        }
        _writeTerminator.CopyTo(_writeBuffer, command.Length);
        Log.Add(ScpiDirection.Sent, command);
        _sentAt = _options.Time.GetTimestamp();
        var stream = _transport.Stream;
        await stream.WriteAsync(_writeBuffer.AsMemory(0, length), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private TimeSpan SinceSent() => _options.Time.GetElapsedTime(_sentAt);

    /// <summary>Sends <c>*OPC?;*OPC?</c> and discards lines until <c>1;1</c>; on failure re-opens the link.</summary>
    private async Task ResyncAsync(CancellationToken ct)
    {
        _reader!.DiscardBuffered();
        var cts = RentTimeoutSource(ct);
        try
        {
            await SendAsync(ResyncQuery, cts.Token).ConfigureAwait(false);
            int skipped = await _reader.SkipUntilLineAsync(ResyncMarker, cts.Token).ConfigureAwait(false);
            Log.Add(ScpiDirection.Received, "1;1", SinceSent());
            Log.Add(ScpiDirection.Event, $"resynchronised, {skipped} stale line(s) discarded");
            _needsResync = false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Log.Add(ScpiDirection.Event, "resynchronisation timed out; re-opening the link");
            await ReconnectCoreAsync(null, "resynchronisation failed", ct).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!ct.IsCancellationRequested)
        {
            Log.Add(ScpiDirection.Event, "resynchronisation timed out; re-opening the link");
            await ReconnectCoreAsync(null, "resynchronisation failed", ct).ConfigureAwait(false);
        }
        finally
        {
            ReturnTimeoutSource(cts, ct);
        }
    }

    private async Task ReconnectCoreAsync(string? command, string reason, CancellationToken ct)
    {
        RaiseLinkEvent(reason.StartsWith("link lost", StringComparison.Ordinal) ? reason : $"reconnecting: {reason}");
        int attempts = 0;
        try
        {
            await _reconnectPipeline.ExecuteAsync(async token =>
            {
                attempts++;
                await OpenLinkAsync(token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsLinkFailure(e))
        {
            _linkBroken = true;
            string message = $"link lost and not restored after {attempts} attempt{(attempts == 1 ? "" : "s")}: {e.Message}";
            RaiseLinkEvent($"link not restored: {e.Message}");
            throw new ScpiException(Endpoint, command, message, e);
        }
        Interlocked.Increment(ref _reconnects);
        RaiseLinkEvent($"link restored after {attempts} attempt{(attempts == 1 ? "" : "s")}");
    }

    private async Task OpenLinkAsync(CancellationToken ct)
    {
        _reader?.Complete();
        _reader = null;
        _needsResync = false;
        await _transport.OpenAsync(ct).ConfigureAwait(false);
        _reader = new ScpiReplyReader(_transport.Stream, Endpoint, _options.ReadTerminator);
        _linkBroken = false;
    }

    private ResiliencePipeline BuildReconnectPipeline()
    {
        if (_options.ReconnectAttempts <= 1) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder { TimeProvider = _options.Time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<SocketException>().Handle<InvalidOperationException>(),
                MaxRetryAttempts = _options.ReconnectAttempts - 1,
                Delay = _options.ReconnectDelay,
                BackoffType = DelayBackoffType.Exponential,
                MaxDelay = TimeSpan.FromSeconds(10),
                UseJitter = false,
                OnRetry = args =>
                {
                    Log.Add(ScpiDirection.Event, $"reconnect attempt {args.AttemptNumber + 1} failed: {args.Outcome.Exception?.Message}; next in {args.RetryDelay.TotalMilliseconds:0} ms");
                    return default;
                },
            })
            .Build();
    }

    private static bool IsLinkFailure(Exception e) =>
        e is IOException or SocketException or ObjectDisposedException or InvalidOperationException
        && e is not ScpiException;

    private void RaiseLinkEvent(string text)
    {
        Log.Add(ScpiDirection.Event, text);
        _logger.LogWarning("{Endpoint}: {LinkEvent}", Endpoint, text);
        try
        {
            LinkEvent?.Invoke(text);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Endpoint}: LinkEvent handler failed", Endpoint);
        }
    }

    /// <summary>Closes the link and disposes the transport.</summary>
    /// <returns>A task completing when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _reader?.Complete();
            _reader = null;
            _timeoutCts?.Dispose();
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
