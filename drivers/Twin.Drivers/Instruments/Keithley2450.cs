using Twin.Drivers.Scpi;

namespace Twin.Drivers.Instruments;

/// <summary>
/// Keithley 2450 SourceMeter in its native SCPI command set, used as a galvanostat/potentiostat for one cell:
/// source current with a voltage limit (compliance), or source voltage with a current limit; source readback on
/// so both voltage and current are measured; 4-wire sensing; output-off mode HIMP so an idle output does not
/// load the cell. Readings carry the instrument's reading-buffer timestamps (<c>SEC</c>, <c>FRAC</c> elements).
/// </summary>
/// <remarks>
/// Commands follow the Keithley 2450 Reference Manual (2450-901-01), SCPI command reference: <c>:SOURce[1]:FUNCtion</c>,
/// <c>:SOURce[1]:CURRent:VLIMit</c>, <c>:SOURce[1]:VOLTage:ILIMit</c>, <c>:SOURce[1]:&lt;function&gt;:READ:BACK</c>,
/// <c>:SENSe[1]:FUNCtion</c>, <c>:SENSe[1]:VOLTage:RSENse</c>, <c>:OUTPut[1]:SMODe HIMPedance</c>,
/// <c>:READ? "defbuffer1", READ, SOUR, SEC, FRAC</c>. Wiring: FORCE HI and SENSE HI to the positive electrode,
/// FORCE LO and SENSE LO to the negative, so a positive source current charges the cell.
/// </remarks>
public sealed class Keithley2450 : ISourceMeter
{
    private const string ReadQuery = ":READ? \"defbuffer1\", READ, SOUR, SEC, FRAC";
    private readonly ScpiSession _session;
    private readonly bool _fourWire;
    private readonly double _nplc;
    private SourceFunction _function = SourceFunction.None;

    private enum SourceFunction { None, Current, Voltage }

    /// <summary>Creates the driver over an SCPI session (not yet opened).</summary>
    /// <param name="session">Session to the instrument; owned by the driver from now on.</param>
    /// <param name="fourWire">Remote (4-wire) voltage sensing; true for cells (default).</param>
    /// <param name="nplc">Integration time in power-line cycles, 0.01–10 (default 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nplc"/> outside 0.01–10.</exception>
    public Keithley2450(ScpiSession session, bool fourWire = true, double nplc = 1)
    {
        if (!(nplc >= 0.01 && nplc <= 10)) throw new ArgumentOutOfRangeException(nameof(nplc), nplc, "NPLC must lie in 0.01–10 (Keithley 2450 range)");
        _session = session;
        _fourWire = fourWire;
        _nplc = nplc;
    }

    /// <inheritdoc />
    public ScpiIdentity? Identity { get; private set; }

    /// <inheritdoc />
    public string Endpoint => _session.Endpoint;

    /// <inheritdoc />
    public bool OutputOn { get; private set; }

    /// <inheritdoc />
    public event Action<string>? LinkEvent
    {
        add => _session.LinkEvent += value;
        remove => _session.LinkEvent -= value;
    }

    /// <summary>The SCPI session (its command log is useful when something went wrong).</summary>
    public ScpiSession Session => _session;

    /// <inheritdoc />
    /// <exception cref="InstrumentException">The instrument does not identify as a model 2450.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _session.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await _session.IdentifyAsync(cancellationToken).ConfigureAwait(false);
        if (!id.Model.Contains("2450", StringComparison.Ordinal))
            throw new InstrumentException(Endpoint, $"expected a Keithley model 2450, *IDN? reports '{id.Manufacturer},{id.Model}'");
        Identity = id;
        // No *RST: it returns the output-off mode to NORMal, in which an "off" 2450 holds 0 V across its terminals
        // and would discharge the connected cell. High impedance first, output off, then configure.
        await _session.RunGroupAsync(
        [
            ":OUTP:SMOD HIMP", ":OUTP OFF", "*CLS",
            ":SOUR:FUNC CURR", ":SOUR:CURR:RANG:AUTO ON", ":SOUR:CURR:READ:BACK ON", ":SOUR:CURR 0",
            ":SENS:FUNC \"VOLT\"", ":SENS:VOLT:RANG:AUTO ON", ":SENS:VOLT:RSEN " + (_fourWire ? "ON" : "OFF"),
            ":SENS:VOLT:NPLC " + ScpiNumbers.Format(_nplc),
            ":TRAC:CLE \"defbuffer1\"",
        ], cancellationToken).ConfigureAwait(false);
        _function = SourceFunction.Current;
        OutputOn = false;
    }

    /// <inheritdoc />
    public async Task SourceCurrentAsync(double currentA, double voltageLimitV, CancellationToken cancellationToken = default)
    {
        var commands = new List<string>(8);
        if (_function != SourceFunction.Current)
        {
            commands.AddRange([":SOUR:FUNC CURR", ":SOUR:CURR:RANG:AUTO ON", ":SOUR:CURR:READ:BACK ON",
                ":SENS:FUNC \"VOLT\"", ":SENS:VOLT:RANG:AUTO ON", ":SENS:VOLT:RSEN " + (_fourWire ? "ON" : "OFF")]);
        }
        commands.Add(":SOUR:CURR:VLIM " + ScpiNumbers.Format(voltageLimitV));
        commands.Add(":SOUR:CURR " + ScpiNumbers.Format(currentA));
        commands.Add(":OUTP ON");
        _function = SourceFunction.None; // unknown until the group succeeded
        await _session.RunGroupAsync(commands, cancellationToken).ConfigureAwait(false);
        _function = SourceFunction.Current;
        OutputOn = true;
    }

    /// <inheritdoc />
    public async Task SourceVoltageAsync(double voltageV, double currentLimitA, CancellationToken cancellationToken = default)
    {
        var commands = new List<string>(8);
        if (_function != SourceFunction.Voltage)
        {
            commands.AddRange([":SOUR:FUNC VOLT", ":SOUR:VOLT:RANG:AUTO ON", ":SOUR:VOLT:READ:BACK ON",
                ":SENS:FUNC \"CURR\"", ":SENS:CURR:RANG:AUTO ON", ":SENS:CURR:RSEN " + (_fourWire ? "ON" : "OFF")]);
        }
        commands.Add(":SOUR:VOLT:ILIM " + ScpiNumbers.Format(Math.Abs(currentLimitA)));
        commands.Add(":SOUR:VOLT " + ScpiNumbers.Format(voltageV));
        commands.Add(":OUTP ON");
        _function = SourceFunction.None;
        await _session.RunGroupAsync(commands, cancellationToken).ConfigureAwait(false);
        _function = SourceFunction.Voltage;
        OutputOn = true;
    }

    /// <inheritdoc />
    public async Task OutputOffAsync(CancellationToken cancellationToken = default)
    {
        await _session.RunGroupAsync([":OUTP OFF"], cancellationToken).ConfigureAwait(false);
        OutputOn = false;
    }

    /// <inheritdoc />
    /// <exception cref="InstrumentException">The reply does not have the four numeric fields asked for.</exception>
    public async Task<SmuReading> MeasureAsync(CancellationToken cancellationToken = default)
    {
        string reply = await _session.QueryAsync(ReadQuery, cancellationToken).ConfigureAwait(false);
        var f = new double[4];
        if (!ReplyFields.TryParseNumbers(reply, f))
            throw new InstrumentException(Endpoint, $"expected 4 numbers (reading, source, seconds, fraction) in reply to {ReadQuery}, got '{reply}'");
        bool sourcingVoltage = _function == SourceFunction.Voltage;
        double v = sourcingVoltage ? f[1] : f[0];
        double i = sourcingVoltage ? f[0] : f[1];
        bool tripped = false;
        if (OutputOn)
        {
            string trip = sourcingVoltage ? ":SOUR:VOLT:ILIM:TRIP?" : ":SOUR:CURR:VLIM:TRIP?";
            tripped = (await _session.QueryAsync(trip, cancellationToken).ConfigureAwait(false)).Trim() == "1";
        }
        long ns = (long)f[2] * 1_000_000_000L + (long)Math.Round(f[3] * 1e9);
        return new SmuReading(ns, v, i, null, tripped);
    }

    /// <summary>Turns the output off (best effort) and closes the session.</summary>
    public ValueTask DisposeAsync() => SourceMeterShutdown.DisposeAsync(this, _session);
}
