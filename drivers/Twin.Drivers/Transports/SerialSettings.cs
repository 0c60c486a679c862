namespace Twin.Drivers.Transports;

/// <summary>Parity bit of a serial character frame.</summary>
public enum SerialParity
{
    /// <summary>No parity bit.</summary>
    None,
    /// <summary>Even parity (PARENB).</summary>
    Even,
    /// <summary>Odd parity (PARENB|PARODD).</summary>
    Odd,
}

/// <summary>Flow control of a serial port.</summary>
public enum SerialFlowControl
{
    /// <summary>No flow control.</summary>
    None,
    /// <summary>Hardware handshake on the RTS/CTS lines (CRTSCTS).</summary>
    RtsCts,
    /// <summary>Software handshake with XON/XOFF characters (IXON|IXOFF).</summary>
    XonXoff,
}

/// <summary>Settings of a Linux serial port opened by <see cref="SerialTransport"/>.</summary>
/// <param name="DevicePath">Device node, e.g. <c>/dev/ttyUSB0</c> or a pseudo-terminal link such as <c>/tmp/k2450</c>.</param>
/// <remarks>
/// Defaults: 9600 baud, 8 data bits, no parity, 1 stop bit, no flow control, no read timeout, DTR and RTS left as
/// the driver found them (null). Setting <see cref="Dtr"/> or <see cref="Rts"/> on a port without modem lines
/// (a pseudo-terminal) makes <see cref="SerialTransport.OpenAsync"/> fail.
/// </remarks>
public sealed record SerialSettings(string DevicePath)
{
    /// <summary>Baud rate; one of the Linux standard rates 1200 … 4000000.</summary>
    public int BaudRate { get; init; } = 9600;

    /// <summary>Data bits per character: 7 or 8.</summary>
    public int DataBits { get; init; } = 8;

    /// <summary>Parity.</summary>
    public SerialParity Parity { get; init; } = SerialParity.None;

    /// <summary>Stop bits: 1 or 2.</summary>
    public int StopBits { get; init; } = 1;

    /// <summary>Flow control.</summary>
    public SerialFlowControl Flow { get; init; } = SerialFlowControl.None;

    /// <summary>How long a read waits for the first byte before it throws <see cref="TimeoutException"/>; <see cref="Timeout.InfiniteTimeSpan"/> = wait forever (cancellation still works).</summary>
    public TimeSpan ReadTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>DTR state to set on open (true = asserted); null leaves the line untouched.</summary>
    public bool? Dtr { get; init; }

    /// <summary>RTS state to set on open (true = asserted); null leaves the line untouched.</summary>
    public bool? Rts { get; init; }

    /// <summary>The address form, e.g. <c>serial:///dev/ttyUSB0?baud=115200&amp;parity=even&amp;data=7</c> (non-default settings only, baud always).</summary>
    public string ToAddress()
    {
        var q = new List<string> { $"baud={BaudRate}" };
        if (DataBits != 8) q.Add($"data={DataBits}");
        if (Parity != SerialParity.None) q.Add($"parity={Parity.ToString().ToLowerInvariant()}");
        if (StopBits != 1) q.Add($"stop={StopBits}");
        if (Flow != SerialFlowControl.None) q.Add($"flow={Flow.ToString().ToLowerInvariant()}");
        if (Dtr is bool dtr) q.Add($"dtr={(dtr ? "on" : "off")}");
        if (Rts is bool rts) q.Add($"rts={(rts ? "on" : "off")}");
        return $"serial://{DevicePath}?{string.Join('&', q)}";
    }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is outside what the Linux serial transport supports.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DevicePath)) throw new ArgumentException("serial device path is empty", nameof(DevicePath));
        if (Linux.Termios.SpeedConstant(BaudRate) is null)
            throw new ArgumentException($"baud rate {BaudRate} is not a standard Linux rate ({string.Join(", ", Linux.Termios.StandardBaudRates)})", nameof(BaudRate));
        if (DataBits is not (7 or 8)) throw new ArgumentException($"data bits must be 7 or 8, not {DataBits}", nameof(DataBits));
        if (StopBits is not (1 or 2)) throw new ArgumentException($"stop bits must be 1 or 2, not {StopBits}", nameof(StopBits));
        if (ReadTimeout != Timeout.InfiniteTimeSpan && ReadTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"read timeout must be positive or infinite, not {ReadTimeout}", nameof(ReadTimeout));
    }
}

/// <summary>The line settings read back from the kernel with tcgetattr (what is really applied).</summary>
/// <param name="BaudRate">Output baud rate (null if not a standard rate).</param>
/// <param name="DataBits">Character size, 5–8.</param>
/// <param name="Parity">Parity.</param>
/// <param name="StopBits">1 or 2.</param>
/// <param name="Flow">Flow control (RTS/CTS wins if both are set).</param>
/// <param name="Raw">Whether canonical mode, echo, signals and output processing are all off.</param>
/// <param name="LocalAndReceiverOn">Whether CLOCAL and CREAD are both set.</param>
/// <remarks>Linux pseudo-terminals always report 8 data bits and no parity: the pty driver forces CS8 and clears PARENB (drivers/tty/pty.c).</remarks>
public sealed record SerialLineState(int? BaudRate, int DataBits, SerialParity Parity, int StopBits, SerialFlowControl Flow, bool Raw, bool LocalAndReceiverOn);
