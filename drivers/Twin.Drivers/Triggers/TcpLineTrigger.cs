using System.Text;
using Twin.Drivers.Transports;

namespace Twin.Drivers.Triggers;

/// <summary>
/// Triggers a diffractometer through a trigger box speaking the line protocol of <see cref="TriggerProtocol"/>
/// (<c>TRIG &lt;id&gt; &lt;exposure_s&gt;</c> → <c>ACK &lt;id&gt;</c> → <c>DONE &lt;id&gt; …</c> or <c>ERR &lt;id&gt; …</c>)
/// over any <see cref="ITransport"/>: a TCP socket or a serial port (despite the name, the link is not limited to TCP).
/// </summary>
/// <remarks>
/// One exposure at a time (calls are serialised). After a timeout, a lost link, a malformed or mismatched reply or a
/// cancelled wait the session is considered out of step and the next call re-opens the transport first; a clean
/// <c>ERR</c> reply leaves the session usable.
/// </remarks>
public sealed class TcpLineTrigger : IDiffractometerTrigger
{
    private readonly ITransport _transport;
    private readonly TcpLineTriggerOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LineReader? _reader;
    private bool _faulted;
    private bool _disposed;

    /// <summary>Creates the trigger; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="transport">The link to the box (owned: disposed with the trigger).</param>
    /// <param name="options">Timeouts; defaults when null.</param>
    public TcpLineTrigger(ITransport transport, TcpLineTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _options = options ?? new TcpLineTriggerOptions();
    }

    /// <inheritdoc />
    public string Name => $"trigger-box {_transport.Endpoint}";

    /// <summary>The box's answer to <c>*IDN?</c>, once asked.</summary>
    public string? Identification { get; private set; }

    /// <inheritdoc />
    /// <exception cref="TransportException">The endpoint cannot be reached.</exception>
    /// <exception cref="TriggerException">The box does not answer <c>*IDN?</c> within the ack timeout (when <see cref="TcpLineTriggerOptions.IdentifyOnOpen"/>).</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReopenLockedAsync(cancellationToken).ConfigureAwait(false);
            if (_options.IdentifyOnOpen) await IdentifyLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    /// <summary>Asks the box for its identification (<c>*IDN?</c>).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The identification line.</returns>
    /// <exception cref="TriggerException">No answer within the ack timeout, or the link was lost.</exception>
    public async Task<string> IdentifyAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureOpenLockedAsync(cancellationToken).ConfigureAwait(false);
            return await IdentifyLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    /// <inheritdoc />
    public async Task<AcquiredPattern> AcquireAsync(string patternId, double exposureS, CancellationToken cancellationToken = default)
    {
        TriggerProtocol.ValidateRequest(patternId, exposureS);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureOpenLockedAsync(cancellationToken).ConfigureAwait(false);
            _faulted = true; // cleared when the exchange ends cleanly
            await SendLockedAsync(TriggerProtocol.FormatTrig(patternId, exposureS), patternId, cancellationToken).ConfigureAwait(false);

            string ack = await ReadLockedAsync(patternId, "ACK", _options.AckTimeout, cancellationToken).ConfigureAwait(false);
            string[] t = TriggerProtocol.Tokens(ack);
            ThrowIfErr(t, patternId, ack);
            if (t.Length != 2 || t[0] != "ACK")
                throw Fail(patternId, $"expected 'ACK {patternId}', received '{ack}'");
            if (t[1] != patternId)
                throw Fail(patternId, $"acknowledgement for the wrong pattern: expected 'ACK {patternId}', received '{ack}'");

            TimeSpan doneTimeout = TimeSpan.FromSeconds(exposureS) + _options.DoneMargin;
            string done = await ReadLockedAsync(patternId, "DONE", doneTimeout, cancellationToken).ConfigureAwait(false);
            t = TriggerProtocol.Tokens(done);
            ThrowIfErr(t, patternId, done);
            if (t.Length < 2 || t[0] != "DONE")
                throw Fail(patternId, $"expected 'DONE {patternId} …', received '{done}'");
            if (t[1] != patternId)
                throw Fail(patternId, $"completion for the wrong pattern: expected 'DONE {patternId} …', received '{done}'");
            var record = TriggerProtocol.ParseDone(t, exposureS, out string? error)
                ?? throw Fail(patternId, $"malformed DONE line ({error}): '{done}'");
            _faulted = false;
            return record;
        }
        finally { _gate.Release(); }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_reader is not null) await _reader.CompleteAsync().ConfigureAwait(false);
            _reader = null;
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        finally { _gate.Release(); }
        _gate.Dispose();
    }

    private void ThrowIfErr(string[] t, string patternId, string line)
    {
        if (t.Length == 0 || t[0] != "ERR") return;
        if (t.Length >= 2 && t[1] != patternId && t[1] != "-")
            throw Fail(patternId, $"error reply for another pattern: '{line}'");
        _faulted = false; // a clean refusal: the session is still in step
        string text = t.Length > 2 ? string.Join(' ', t[2..]) : "(no text)";
        throw new TriggerException(_transport.Endpoint, patternId, $"trigger box reported an error: {text}");
    }

    private TriggerException Fail(string? patternId, string message, Exception? inner = null)
    {
        _faulted = true;
        return new TriggerException(_transport.Endpoint, patternId, message, inner);
    }

    private async Task EnsureOpenLockedAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_reader is null || _faulted || !_transport.IsOpen) await ReopenLockedAsync(ct).ConfigureAwait(false);
    }

    private async Task ReopenLockedAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_reader is not null) await _reader.CompleteAsync().ConfigureAwait(false);
        _reader = null;
        await _transport.OpenAsync(ct).ConfigureAwait(false);
        _reader = new LineReader(_transport.Stream, TriggerProtocol.MaxLineLength);
        _faulted = false;
    }

    private async Task<string> IdentifyLockedAsync(CancellationToken ct)
    {
        _faulted = true;
        await SendLockedAsync(TriggerProtocol.IdentifyCommand, null, ct).ConfigureAwait(false);
        string idn = await ReadLockedAsync(null, "answer to *IDN?", _options.AckTimeout, ct).ConfigureAwait(false);
        if (idn.StartsWith("ERR", StringComparison.Ordinal)) throw Fail(null, $"*IDN? refused: '{idn}'");
        _faulted = false;
        Identification = idn;
        return idn;
    }

    private async Task SendLockedAsync(string line, string? patternId, CancellationToken ct)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line + "\n");
        try
        {
            await _transport.Stream.WriteAsync(bytes, ct).ConfigureAwait(false);
            await _transport.Stream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw Fail(patternId, $"link lost while sending '{line}': {e.Message}", e);
        }
    }

    private async Task<string> ReadLockedAsync(string? patternId, string what, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, _options.Time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        string? line;
        try
        {
            do line = await _reader!.ReadLineAsync(cts.Token).ConfigureAwait(false);
            while (line is not null && line.Trim().Length == 0);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Fail(patternId, $"no {what} within {timeout.TotalSeconds:0.###} s");
        }
        catch (OperationCanceledException)
        {
            _faulted = true;
            throw;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidDataException)
        {
            throw Fail(patternId, $"link lost while waiting for {what}: {e.Message}", e);
        }
        return line?.Trim() ?? throw Fail(patternId, $"link closed by the trigger box while waiting for {what}");
    }
}
