using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Twin.FirmwareSim.Faults;

/// <summary>
/// Faults injected into a simulated instrument at run time, shared by a <see cref="Net.LineServer"/> (link faults:
/// drop, garbage, slow replies, silent replies, black hole) and a device (error-queue entries). Thread-safe; every switch takes effect on the
/// next line. Each injected fault is counted and logged (and raised as <see cref="Injected"/>).
/// </summary>
public sealed class FaultInjector
{
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<(int Code, string Message)> _errors = new();
    private int _dropAfterLines = -1;
    private int _garbageLines;
    private long _replyDelayTicks;
    private long _drops, _garbage, _delayed, _errorsInjected, _blackholed, _silenced;
    private int _blackhole, _silent;

    /// <summary>Creates an injector with every fault off.</summary>
    /// <param name="logger">Where injected faults are logged (optional).</param>
    public FaultInjector(ILogger? logger = null) => _logger = logger ?? NullLogger.Instance;

    /// <summary>Raised (on the thread that injects it) with a description of every fault injected.</summary>
    public event Action<string>? Injected;

    /// <summary>Raised by <see cref="DropLinkNow"/>: the line server closes its connections.</summary>
    internal event Action? DropRequested;

    /// <summary>Closes the current connection(s) now.</summary>
    public void DropLinkNow()
    {
        Interlocked.Increment(ref _drops);
        Report("drop link now");
        DropRequested?.Invoke();
    }

    /// <summary>Closes the connection when the (<paramref name="lines"/>+1)-th line from now arrives, before it is handled (0 = on the next line).</summary>
    /// <param name="lines">Lines still handled normally (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lines"/> is negative.</exception>
    public void DropLinkAfter(int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        Volatile.Write(ref _dropAfterLines, lines);
    }

    /// <summary>Corrupts the next <paramref name="lines"/> reply lines with random non-ASCII bytes (the terminator is kept).</summary>
    /// <param name="lines">Number of reply lines (≥ 0; 0 = off).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lines"/> is negative.</exception>
    public void Garbage(int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        Volatile.Write(ref _garbageLines, lines);
    }

    /// <summary>
    /// Delay added before every reply (the device is busy: other connections wait too); <see cref="TimeSpan.Zero"/> =
    /// off. A reply already waiting follows a change: lowering the value releases it early.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative value.</exception>
    public TimeSpan SlowReplies
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _replyDelayTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _replyDelayTicks, value.Ticks);
        }
    }

    /// <summary>
    /// Black hole: every connection (open ones and new ones) stays open, but nothing passes either way — received lines
    /// are discarded without reaching the device and no reply is sent, as when an instrument's firmware hangs or a
    /// network path drops packets without resetting the connection. Turning it off lets later lines through again;
    /// what arrived meanwhile stays lost.
    /// </summary>
    public bool Blackhole
    {
        get => Volatile.Read(ref _blackhole) == 1;
        set
        {
            if (Interlocked.Exchange(ref _blackhole, value ? 1 : 0) != (value ? 1 : 0)) Report(value ? "black hole on: nothing passes either way" : "black hole off");
        }
    }

    /// <summary>
    /// Silent: the device still carries out every command, but no reply leaves it (a broken receive line of the
    /// driver's side, or a device whose transmit path failed).
    /// </summary>
    public bool SilentReplies
    {
        get => Volatile.Read(ref _silent) == 1;
        set
        {
            if (Interlocked.Exchange(ref _silent, value ? 1 : 0) != (value ? 1 : 0)) Report(value ? "silent on: commands are carried out, no reply is sent" : "silent off");
        }
    }

    /// <summary>Lines discarded by the black hole.</summary>
    public long BlackholedLines => Interlocked.Read(ref _blackholed);

    /// <summary>Replies not sent (black hole or silent).</summary>
    public long SilencedReplies => Interlocked.Read(ref _silenced);

    /// <summary>Called by the line server for every received line: whether the black hole swallows it.</summary>
    internal bool SwallowLine()
    {
        if (!Blackhole) return false;
        Interlocked.Increment(ref _blackholed);
        return true;
    }

    /// <summary>Called for every reply: whether it is withheld (black hole or silent).</summary>
    internal bool WithholdReply()
    {
        if (!Blackhole && !SilentReplies) return false;
        Interlocked.Increment(ref _silenced);
        return true;
    }

    /// <summary>Queues an entry for the device's SCPI error queue (read back with <c>SYST:ERR?</c>).</summary>
    /// <param name="code">SCPI error code, e.g. -350 or a device-specific positive code.</param>
    /// <param name="message">Error text without quotes.</param>
    public void PushError(int code, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _errors.Enqueue((code, message));
        Interlocked.Increment(ref _errorsInjected);
        Report($"error queue entry {code},\"{message}\"");
    }

    /// <summary>Takes the next injected error-queue entry (called by the device).</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Whether there was one.</returns>
    public bool TryTakeError(out (int Code, string Message) entry) => _errors.TryDequeue(out entry);

    /// <summary>Link drops injected (now or after N lines).</summary>
    public long DropsInjected => Interlocked.Read(ref _drops);

    /// <summary>Reply lines corrupted.</summary>
    public long GarbageLinesInjected => Interlocked.Read(ref _garbage);

    /// <summary>Replies delayed.</summary>
    public long DelayedReplies => Interlocked.Read(ref _delayed);

    /// <summary>Error-queue entries injected.</summary>
    public long ErrorsInjected => Interlocked.Read(ref _errorsInjected);

    /// <summary>Turns every link fault off (pending error-queue entries stay).</summary>
    public void Reset()
    {
        Volatile.Write(ref _dropAfterLines, -1);
        Volatile.Write(ref _garbageLines, 0);
        SlowReplies = TimeSpan.Zero;
        Blackhole = false;
        SilentReplies = false;
    }

    /// <summary>Called by the line server for every received line: whether to drop the link instead of handling it.</summary>
    internal bool ShouldDropOnLine()
    {
        while (true)
        {
            int n = Volatile.Read(ref _dropAfterLines);
            if (n < 0) return false;
            int next = n == 0 ? -1 : n - 1;
            if (Interlocked.CompareExchange(ref _dropAfterLines, next, n) != n) continue;
            if (n > 0) return false;
            Interlocked.Increment(ref _drops);
            Report("drop link on a received line");
            return true;
        }
    }

    /// <summary>Called for every reply line: whether to corrupt it.</summary>
    internal bool TakeGarbage()
    {
        while (true)
        {
            int n = Volatile.Read(ref _garbageLines);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref _garbageLines, n - 1, n) != n) continue;
            Interlocked.Increment(ref _garbage);
            Report("garbage reply line");
            return true;
        }
    }

    /// <summary>
    /// Called before every reply: waits while <see cref="SlowReplies"/> says so (counted when a wait starts). The wait
    /// follows the setting as it changes, so lowering <see cref="SlowReplies"/> (to zero: the device is no longer busy)
    /// ends a wait already in progress within about 20 ms.
    /// </summary>
    /// <param name="ct">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    internal async ValueTask WaitBeforeReplyAsync(CancellationToken ct)
    {
        var d = SlowReplies;
        if (d <= TimeSpan.Zero) return;
        Interlocked.Increment(ref _delayed);
        Report($"reply delayed by {d.TotalMilliseconds:0} ms");
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            var remaining = SlowReplies - Stopwatch.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero) return;
            await Task.Delay(remaining < PollStep ? remaining : PollStep, ct).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan PollStep = TimeSpan.FromMilliseconds(20);

    private void Report(string what)
    {
        _logger.LogInformation("fault injected: {Fault}", what);
        Injected?.Invoke(what);
    }
}
