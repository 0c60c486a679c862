using System.Runtime.InteropServices;
using Twin.Drivers.Transports.Linux;

namespace Twin.Drivers.Transports;

/// <summary>
/// A Linux serial port (USB-serial adapter, on-board UART or pseudo-terminal) driven through termios by P/Invoke:
/// opened non-blocking without becoming the controlling terminal, in raw mode, with the frame, speed and flow
/// control of <see cref="Settings"/>, exclusive (TIOCEXCL) and with both queues flushed.
/// </summary>
/// <remarks>
/// Reads honour cancellation and <see cref="SerialSettings.ReadTimeout"/> (then <see cref="TimeoutException"/>);
/// a hang-up ends the stream with a <see cref="TransportException"/>. Linux only.
/// </remarks>
public sealed unsafe class SerialTransport : ITransport, IModemControl
{
    private readonly Lock _gate = new();
    private SerialFdHandle? _fd;
    private SerialStream? _stream;

    /// <summary>Creates the transport (nothing is opened yet).</summary>
    /// <param name="settings">Port settings.</param>
    /// <exception cref="ArgumentException">A setting is out of range (see <see cref="SerialSettings.Validate"/>).</exception>
    public SerialTransport(SerialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        Endpoint = settings.ToAddress();
    }

    /// <summary>The port settings.</summary>
    public SerialSettings Settings { get; }

    /// <inheritdoc />
    public string Endpoint { get; }

    /// <inheritdoc />
    public bool IsOpen
    {
        get { lock (_gate) return _fd is { IsClosed: false }; }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The transport is not open.</exception>
    public Stream Stream
    {
        get
        {
            lock (_gate) return _stream ?? throw new InvalidOperationException($"{Endpoint}: the serial port is not open");
        }
    }

    /// <inheritdoc />
    /// <exception cref="TransportException">The device cannot be opened (missing, in use, not a terminal) or configured.</exception>
    public Task OpenAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux()) throw new TransportException(Endpoint, "the termios serial transport runs on Linux only");
        Close();
        int fd = Termios.Open(Settings.DevicePath, Termios.O_RDWR | Termios.O_NOCTTY | Termios.O_NONBLOCK | Termios.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new TransportException(Endpoint, $"cannot open {Settings.DevicePath}: {Termios.Describe(errno)}"
                + (errno == Termios.EBUSY ? " — the port is in exclusive use by another program" : ""));
        }
        var handle = new SerialFdHandle(fd);
        try
        {
            Configure(fd);
            lock (_gate)
            {
                _fd = handle;
                _stream = new SerialStream(handle, Endpoint, Settings.ReadTimeout);
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return Task.CompletedTask;
    }

    private void Configure(int fd)
    {
        TermiosData t;
        if (Termios.TcGetAttr(fd, &t) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new TransportException(Endpoint, errno == Termios.ENOTTY
                ? $"{Settings.DevicePath} is not a terminal device (tcgetattr: {Termios.Describe(errno)})"
                : $"tcgetattr failed: {Termios.Describe(errno)}");
        }
        if (Termios.Ioctl(fd, Termios.TIOCEXCL, null) != 0)
            throw Fail("cannot get exclusive access (TIOCEXCL)");
        TermiosSettings.Apply(ref t, Settings);
        if (Termios.TcSetAttr(fd, Termios.TCSANOW, &t) != 0) throw Fail("tcsetattr failed");
        TermiosData check;
        if (Termios.TcGetAttr(fd, &check) != 0) throw Fail("tcgetattr failed");
        if (TermiosSettings.Decode(check).BaudRate != Settings.BaudRate)
            throw new TransportException(Endpoint, $"the driver did not accept {Settings.BaudRate} baud");
        if (Termios.TcFlush(fd, Termios.TCIOFLUSH) != 0) throw Fail("tcflush failed");
        if (Settings.Dtr is bool dtr) SetLine(fd, Termios.TIOCM_DTR, dtr, "DTR");
        if (Settings.Rts is bool rts) SetLine(fd, Termios.TIOCM_RTS, rts, "RTS");
    }

    /// <summary>Reads the line settings the kernel really applied (tcgetattr).</summary>
    /// <returns>The decoded settings.</returns>
    /// <exception cref="TransportException">The port is not open or tcgetattr failed.</exception>
    public SerialLineState ReadLineState()
    {
        return WithFd(fd =>
        {
            TermiosData t;
            if (Termios.TcGetAttr(fd, &t) != 0) throw Fail("tcgetattr failed");
            return TermiosSettings.Decode(t);
        });
    }

    /// <inheritdoc />
    public void SetDtr(bool asserted) => WithFd(fd => { SetLine(fd, Termios.TIOCM_DTR, asserted, "DTR"); return 0; });

    /// <inheritdoc />
    public void SetRts(bool asserted) => WithFd(fd => { SetLine(fd, Termios.TIOCM_RTS, asserted, "RTS"); return 0; });

    /// <summary>Reads the modem-control output lines.</summary>
    /// <returns>DTR and RTS, true = asserted.</returns>
    /// <exception cref="TransportException">The port has no modem-control lines (e.g. a pseudo-terminal) or is closed.</exception>
    public (bool Dtr, bool Rts) GetModemLines() => WithFd(fd =>
    {
        int bits;
        if (Termios.Ioctl(fd, Termios.TIOCMGET, &bits) != 0) throw ModemFailure("read the modem lines", Marshal.GetLastPInvokeError());
        return ((bits & Termios.TIOCM_DTR) != 0, (bits & Termios.TIOCM_RTS) != 0);
    });

    private void SetLine(int fd, int bit, bool asserted, string name)
    {
        int arg = bit;
        if (Termios.Ioctl(fd, asserted ? Termios.TIOCMBIS : Termios.TIOCMBIC, &arg) != 0)
            throw ModemFailure($"{(asserted ? "assert" : "clear")} {name}", Marshal.GetLastPInvokeError());
    }

    private TransportException ModemFailure(string what, int errno) =>
        new(Endpoint, errno is Termios.ENOTTY or Termios.EINVAL
            ? $"cannot {what}: {Settings.DevicePath} has no modem-control lines (DTR/RTS) — a pseudo-terminal or a port without handshake lines cannot drive them ({Termios.Describe(errno)})"
            : $"cannot {what}: {Termios.Describe(errno)}");

    private T WithFd<T>(Func<int, T> action)
    {
        SerialFdHandle fdHandle;
        lock (_gate) fdHandle = _fd ?? throw new TransportException(Endpoint, "the serial port is not open");
        bool added = false;
        try
        {
            try { fdHandle.DangerousAddRef(ref added); }
            catch (ObjectDisposedException e) { throw new TransportException(Endpoint, "the serial port is closed", e); }
            return action(fdHandle.Fd);
        }
        finally
        {
            if (added) fdHandle.DangerousRelease();
        }
    }

    private TransportException Fail(string what) => new(Endpoint, $"{what}: {Termios.Describe(Marshal.GetLastPInvokeError())}");

    /// <inheritdoc />
    public void Close()
    {
        SerialStream? stream;
        SerialFdHandle? fd;
        lock (_gate)
        {
            stream = _stream;
            fd = _fd;
            _stream = null;
            _fd = null;
        }
        stream?.Dispose();
        fd?.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => Endpoint;
}
