using Twin.Core.Samples;
using Twin.Drivers.Scpi;

namespace Twin.Drivers.Instruments;

/// <summary>
/// A source-measure instrument driven entirely by a <see cref="ScpiProfile"/> (YAML command map): the generic
/// SCPI driver for instruments without a dedicated class. Every command group is followed by a drain of
/// <c>SYST:ERR?</c> (see <see cref="ScpiSession.RunGroupAsync"/>), so an instrument error surfaces with its own text.
/// </summary>
public sealed class ProfiledSourceMeter : ISourceMeter
{
    private readonly ScpiSession _session;
    private readonly ScpiProfile _profile;
    private readonly TimeProvider _time;
    private bool _sourcingVoltage;

    /// <summary>Creates the driver.</summary>
    /// <param name="session">Session to the instrument (not yet opened); owned by the driver from now on.</param>
    /// <param name="profile">The instrument's command map.</param>
    /// <param name="time">Stamps readings when the profile reads no instrument time (default: system; pass the run's clock).</param>
    public ProfiledSourceMeter(ScpiSession session, ScpiProfile profile, TimeProvider? time = null)
    {
        _session = session;
        _profile = profile;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The profile in use.</summary>
    public ScpiProfile Profile => _profile;

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

    /// <inheritdoc />
    /// <exception cref="InstrumentException">The model does not match the profile's <c>model_contains</c>.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _session.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await _session.IdentifyAsync(cancellationToken).ConfigureAwait(false);
        if (_profile.ModelContains is { } m && !id.Model.Contains(m, StringComparison.OrdinalIgnoreCase))
            throw new InstrumentException(Endpoint, $"profile '{_profile.Name}' expects a model containing '{m}', *IDN? reports '{id.Manufacturer},{id.Model}'");
        Identity = id;
        var commands = new List<string>();
        if (_profile.Reset) commands.AddRange(["*RST", "*CLS"]);
        commands.AddRange(_profile.Connect);
        commands.AddRange(_profile.OutputOff);
        await _session.RunGroupAsync(commands, cancellationToken).ConfigureAwait(false);
        OutputOn = false;
    }

    /// <inheritdoc />
    public async Task SourceCurrentAsync(double currentA, double voltageLimitV, CancellationToken cancellationToken = default)
    {
        double i = currentA * _profile.CurrentSign;
        var values = new Dictionary<string, double> { ["current_A"] = i, ["current_mA"] = i * 1e3, ["voltage_limit_V"] = voltageLimitV };
        await _session.RunGroupAsync(_profile.SourceCurrent.Select(c => ScpiProfileLoader.Fill(c, values)), cancellationToken).ConfigureAwait(false);
        _sourcingVoltage = false;
        OutputOn = true;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The profile has no <c>source_voltage</c> commands.</exception>
    public async Task SourceVoltageAsync(double voltageV, double currentLimitA, CancellationToken cancellationToken = default)
    {
        if (_profile.SourceVoltage.Count == 0)
            throw new NotSupportedException($"{Endpoint}: profile '{_profile.Name}' has no 'source_voltage' commands; constant-voltage holds need them");
        double lim = Math.Abs(currentLimitA);
        var values = new Dictionary<string, double> { ["voltage_V"] = voltageV, ["current_limit_A"] = lim, ["current_limit_mA"] = lim * 1e3 };
        await _session.RunGroupAsync(_profile.SourceVoltage.Select(c => ScpiProfileLoader.Fill(c, values)), cancellationToken).ConfigureAwait(false);
        _sourcingVoltage = true;
        OutputOn = true;
    }

    /// <inheritdoc />
    public async Task OutputOffAsync(CancellationToken cancellationToken = default)
    {
        await _session.RunGroupAsync(_profile.OutputOff, cancellationToken).ConfigureAwait(false);
        OutputOn = false;
    }

    /// <inheritdoc />
    /// <exception cref="InstrumentException">A reply does not match the profile's field list.</exception>
    public async Task<SmuReading> MeasureAsync(CancellationToken cancellationToken = default)
    {
        var q = _sourcingVoltage && _profile.MeasureWhileSourcingVoltage is { } mv ? mv : _profile.Measure;
        var acc = new Accumulator();
        await QueryInto(q, acc, cancellationToken).ConfigureAwait(false);
        if (_profile.Temperature is { } t) await QueryInto(t, acc, cancellationToken).ConfigureAwait(false);
        long time = acc.TimeS is { } s ? (long)Math.Floor(s) * 1_000_000_000L + (long)Math.Round((s - Math.Floor(s) + acc.FracS) * 1e9) : UnixTime.NowNs(_time);
        return new SmuReading(time, acc.VoltageV, acc.CurrentA * _profile.CurrentSign, acc.TemperatureC, acc.Compliance);
    }

    private async Task QueryInto(ProfileQuery q, Accumulator acc, CancellationToken ct)
    {
        string reply = await _session.QueryAsync(q.Query, ct).ConfigureAwait(false);
        var values = new double[q.Fields.Count];
        if (!ReplyFields.TryParseNumbers(reply, values))
            throw new InstrumentException(Endpoint, $"profile '{_profile.Name}': expected {q.Fields.Count} numbers in reply to {q.Query}, got '{reply}'");
        for (int k = 0; k < values.Length; k++)
        {
            double x = values[k];
            switch (q.Fields[k])
            {
                case ProfileField.VoltageV: acc.VoltageV = x; break;
                case ProfileField.VoltageMv: acc.VoltageV = x * 1e-3; break;
                case ProfileField.CurrentA: acc.CurrentA = x; break;
                case ProfileField.CurrentMa: acc.CurrentA = x * 1e-3; break;
                case ProfileField.CurrentUa: acc.CurrentA = x * 1e-6; break;
                case ProfileField.TimeUnixS: acc.TimeS = x; break;
                case ProfileField.TimeFracS: acc.FracS = x; break;
                case ProfileField.TemperatureC: acc.TemperatureC = x; break;
                case ProfileField.Compliance: acc.Compliance = x != 0; break;
            }
        }
    }

    /// <summary>Turns the output off (best effort) and closes the session.</summary>
    public ValueTask DisposeAsync() => SourceMeterShutdown.DisposeAsync(this, _session);

    private sealed class Accumulator
    {
        public double VoltageV = double.NaN;
        public double CurrentA = double.NaN;
        public double? TimeS;
        public double FracS;
        public double? TemperatureC;
        public bool Compliance;
    }
}
