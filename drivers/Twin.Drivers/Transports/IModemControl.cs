namespace Twin.Drivers.Transports;

/// <summary>
/// Modem-control lines of a serial port (RS-232 DTR and RTS outputs), used for TTL trigger pulses through
/// a USB-serial adapter.
/// </summary>
public interface IModemControl
{
    /// <summary>Sets the Data Terminal Ready output (true = asserted).</summary>
    /// <exception cref="TransportException">The port has no modem-control lines (e.g. a pseudo-terminal) or is closed.</exception>
    void SetDtr(bool asserted);

    /// <summary>Sets the Request To Send output (true = asserted).</summary>
    /// <exception cref="TransportException">The port has no modem-control lines (e.g. a pseudo-terminal) or is closed.</exception>
    void SetRts(bool asserted);
}
