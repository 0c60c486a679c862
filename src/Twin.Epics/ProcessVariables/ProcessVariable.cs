namespace Twin.Epics.ProcessVariables;

/// <summary>
/// A process variable served over Channel Access: a name, a native type, metadata, and its latest value. Updates never
/// block: each stores the newest value and tells the observers (the circuits' subscriptions), which send it when their
/// client can take it — a slow client gets the newest value, not a backlog. Thread-safe.
/// </summary>
public sealed class ProcessVariable
{
    private readonly Lock _gate = new();
    private IPvObserver[] _observers = []; // replaced, never changed in place: an update reads it without copying
    private PvValue _value = PvValue.Undefined;
    private long _version;

    /// <summary>Creates a PV.</summary>
    /// <param name="name">Full PV name, e.g. <c>TWIN:coin-1:CLI</c> (1–60 printable ASCII characters).</param>
    /// <param name="kind">Native type.</param>
    /// <param name="metadata">Units, precision, limits, states.</param>
    /// <param name="write">Called for a client's authorised write (null: the PV is read-only).</param>
    /// <exception cref="ArgumentException">The name is empty, too long or not printable ASCII; an ENUM PV has no or more than 16 states.</exception>
    public ProcessVariable(string name, PvKind kind, PvMetadata? metadata = null, Func<PvWrite, PvWriteResult>? write = null)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(c => c is <= ' ' or > '~'))
            throw new ArgumentException($"PV name '{name}' must be 1–{MaxNameLength} printable ASCII characters without spaces", nameof(name));
        metadata ??= new PvMetadata();
        if (kind == PvKind.Enum && metadata.States.Count is 0 or > 16)
            throw new ArgumentException($"ENUM PV '{name}' needs 1–16 states, has {metadata.States.Count}", nameof(metadata));
        Name = name;
        Kind = kind;
        Metadata = metadata;
        WriteHandler = write;
    }

    /// <summary>Longest PV name accepted (a practical bound; Channel Access itself allows longer).</summary>
    public const int MaxNameLength = 60;

    /// <summary>Full name.</summary>
    public string Name { get; }

    /// <summary>Native type.</summary>
    public PvKind Kind { get; }

    /// <summary>Units, precision, limits, states.</summary>
    public PvMetadata Metadata { get; }

    /// <summary>The write handler, or null for a read-only PV.</summary>
    public Func<PvWrite, PvWriteResult>? WriteHandler { get; }

    /// <summary>True when clients may write (subject to the server's access rules).</summary>
    public bool Writable => WriteHandler is not null;

    /// <summary>The latest value.</summary>
    public PvValue Value
    {
        get { lock (_gate) return _value; }
    }

    /// <summary>Increases with every update.</summary>
    public long Version
    {
        get { lock (_gate) return _version; }
    }

    /// <summary>Sets a number (DOUBLE, LONG, ENUM index) with the alarm its limits raise, unless an alarm is given.</summary>
    /// <param name="number">The value (NaN: unknown — INVALID severity with UDF status).</param>
    /// <param name="timeUnixNs">When it was valid, ns since the Unix epoch.</param>
    /// <param name="alarm">An alarm to set instead of the one the limits raise.</param>
    public void Set(double number, long timeUnixNs, (AlarmStatus Status, AlarmSeverity Severity)? alarm = null)
    {
        var (status, severity) = alarm ?? (double.IsNaN(number) ? (AlarmStatus.Undefined, AlarmSeverity.Invalid) : Metadata.AlarmOf(number));
        Publish(new PvValue(number, null, timeUnixNs, status, severity));
    }

    /// <summary>Sets the text of a STRING PV (truncated to 39 characters on the wire).</summary>
    /// <param name="text">The text.</param>
    /// <param name="timeUnixNs">When it was valid, ns since the Unix epoch.</param>
    public void SetText(string text, long timeUnixNs) => Publish(new PvValue(double.NaN, text, timeUnixNs, AlarmStatus.None, AlarmSeverity.None));

    private void Publish(PvValue value)
    {
        IPvObserver[] observers;
        PvEvents events = PvEvents.Value | PvEvents.Log;
        lock (_gate)
        {
            if (value.Status != _value.Status || value.Severity != _value.Severity) events |= PvEvents.Alarm;
            _value = value;
            _version++;
            observers = _observers;
        }
        foreach (var o in observers) o.OnChanged(this, events);
    }

    /// <summary>Adds an observer told of every update.</summary>
    /// <param name="observer">The observer (must not block).</param>
    public void Observe(IPvObserver observer)
    {
        lock (_gate) _observers = [.. _observers, observer];
    }

    /// <summary>Removes an observer.</summary>
    /// <param name="observer">The observer.</param>
    public void Unobserve(IPvObserver observer)
    {
        lock (_gate) _observers = [.. _observers.Where(o => o != observer)];
    }

    /// <summary>Observers registered now.</summary>
    public int ObserverCount
    {
        get { lock (_gate) return _observers.Length; }
    }
}
