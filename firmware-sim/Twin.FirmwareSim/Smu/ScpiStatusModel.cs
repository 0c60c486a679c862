namespace Twin.FirmwareSim.Smu;

/// <summary>A SCPI error raised while executing a unit: pushed to the error queue, the unit is skipped.</summary>
/// <param name="Code">SCPI error code.</param>
/// <param name="Text">Error text.</param>
public sealed class ScpiCommandError(int Code, string Text) : Exception($"{Code},\"{Text}\"")
{
    /// <summary>SCPI error code, e.g. -222.</summary>
    public int Code { get; } = Code;

    /// <summary>Error text, e.g. "Data out of range".</summary>
    public string Text { get; } = Text;
}

/// <summary>
/// IEEE 488.2 status model of a simulated instrument: error/event queue, standard event status register (ESR) with
/// its enable mask (ESE), status byte (STB) with service request enable (SRE). Error classes set ESR bits per
/// IEEE 488.2 §11.5.1: −1xx command error → CME (bit 5), −2xx execution error → EXE (bit 4), −3xx and positive
/// device-specific errors → DDE (bit 3), −4xx query error → QYE (bit 2). Not thread-safe (the device serialises).
/// </summary>
public sealed class ScpiStatusModel
{
    /// <summary>ESR bit 0: operation complete.</summary>
    public const int Opc = 1;
    /// <summary>ESR bit 2: query error.</summary>
    public const int Qye = 4;
    /// <summary>ESR bit 3: device-dependent error.</summary>
    public const int Dde = 8;
    /// <summary>ESR bit 4: execution error.</summary>
    public const int Exe = 16;
    /// <summary>ESR bit 5: command error.</summary>
    public const int Cme = 32;
    /// <summary>STB bit 2: error/event queue not empty (SCPI-99 §9.1).</summary>
    public const int Eav = 4;
    /// <summary>STB bit 5: event status summary.</summary>
    public const int Esb = 32;
    /// <summary>STB bit 6: master summary status.</summary>
    public const int Mss = 64;

    private readonly Queue<(int Code, string Text)> _queue = new();
    private readonly int _capacity;

    /// <summary>Creates an empty status model.</summary>
    /// <param name="queueCapacity">Error queue length (≥ 2); on overflow the last entry becomes -350 "Queue overflow".</param>
    public ScpiStatusModel(int queueCapacity = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 2);
        _capacity = queueCapacity;
    }

    /// <summary>Standard event status register.</summary>
    public int Esr { get; private set; }

    /// <summary>Standard event status enable mask (0–255).</summary>
    public int Ese { get; set; }

    /// <summary>Service request enable mask (0–255).</summary>
    public int Sre { get; set; }

    /// <summary>Entries in the error queue.</summary>
    public int ErrorCount => _queue.Count;

    /// <summary>Queues an error and sets the ESR bit of its class.</summary>
    /// <param name="code">Error code (non-zero).</param>
    /// <param name="text">Error text.</param>
    public void Push(int code, string text)
    {
        Esr |= code switch
        {
            <= -100 and > -200 => Cme,
            <= -200 and > -300 => Exe,
            <= -400 and > -500 => Qye,
            _ => Dde,
        };
        if (_queue.Count >= _capacity) return; // the last slot already holds the overflow marker
        _queue.Enqueue(_queue.Count == _capacity - 1 ? (-350, "Queue overflow") : (code, text));
    }

    /// <summary>Sets ESR bits (e.g. <see cref="Opc"/>).</summary>
    /// <param name="bits">Bits to set.</param>
    public void SetEvent(int bits) => Esr |= bits;

    /// <summary>Takes the oldest error, or <c>(0, "No error")</c>.</summary>
    /// <returns>The entry.</returns>
    public (int Code, string Text) Next() => _queue.TryDequeue(out var e) ? e : (0, "No error");

    /// <summary>Reads and clears the ESR (*ESR?).</summary>
    /// <returns>The register before clearing.</returns>
    public int ReadAndClearEsr()
    {
        int value = Esr;
        Esr = 0;
        return value;
    }

    /// <summary>The status byte (*STB?): EAV, ESB and MSS computed from the present state.</summary>
    public int StatusByte
    {
        get
        {
            int stb = 0;
            if (_queue.Count > 0) stb |= Eav;
            if ((Esr & Ese) != 0) stb |= Esb;
            if ((stb & Sre & ~Mss) != 0) stb |= Mss;
            return stb;
        }
    }

    /// <summary>*CLS: clears the error queue and the ESR (masks are kept).</summary>
    public void Clear()
    {
        _queue.Clear();
        Esr = 0;
    }
}
