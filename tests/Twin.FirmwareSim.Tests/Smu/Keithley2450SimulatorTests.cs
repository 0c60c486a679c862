using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Faults;
using Twin.FirmwareSim.Net;
using Twin.FirmwareSim.Smu;
using Twin.FirmwareSim.Tests.Net;
using Twin.FirmwareSim.Timing;

namespace Twin.FirmwareSim.Tests.Smu;

/// <summary>The simulated 2450 on a 3.7 V / 2 Ω dummy load, spoken to over real TCP.</summary>
public sealed class Keithley2450SimulatorTests : IAsyncLifetime
{
    private readonly FaultInjector _faults = new();
    private CellBench _bench = null!;
    private Keithley2450Simulator _smu = null!;
    private LineServer _server = null!;
    private LineClient _c = null!;

    public async Task InitializeAsync()
    {
        _bench = new CellBench(new ResistiveLoad(3.7, 2.0, 25), new SimClock(speed: 10));
        _smu = new Keithley2450Simulator(_bench, _faults, serialNumber: "04099999", firmware: "1.7.12b");
        _server = new LineServer(_smu, _faults).Start();
        _c = await LineClient.ConnectAsync(_server.Port);
    }

    public async Task DisposeAsync()
    {
        await _c.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>Sends a line and waits until the device has handled it (*OPC? answered).</summary>
    private async Task Do(string line)
    {
        await _c.SendAsync(line);
        Assert.Equal("1", await _c.QueryAsync("*OPC?"));
    }

    private async Task<double> Number(string query) => double.Parse(await _c.QueryAsync(query), CultureInfo.InvariantCulture);

    private async Task<string> Errors()
    {
        var list = new List<string>();
        while (true)
        {
            string e = await _c.QueryAsync(":SYST:ERR?");
            if (e.StartsWith("0,", StringComparison.Ordinal)) return string.Join(" | ", list);
            list.Add(e);
        }
    }

    [Fact]
    public async Task Identity_common_commands_and_status_bits()
    {
        Assert.Equal("KEITHLEY INSTRUMENTS,MODEL 2450,04099999,1.7.12b", await _c.QueryAsync("*idn?"));
        Assert.Equal("1", await _c.QueryAsync("*OPC?"));
        Assert.Equal("0", await _c.QueryAsync("*ESR?"));
        await Do("*OPC");
        Assert.Equal("1", await _c.QueryAsync("*ESR?"));

        await Do(":SOURCE:BANANA 3");
        Assert.Equal("4", await _c.QueryAsync("*STB?"));                 // error available
        await Do("*ESE 32");
        Assert.Equal("32", await _c.QueryAsync("*ESE?"));
        await Do("*SRE 36");
        Assert.Equal(4 | 32 | 64, int.Parse(await _c.QueryAsync("*STB?"), CultureInfo.InvariantCulture));
        Assert.Equal("32", await _c.QueryAsync("*ESR?"));                // CME
        Assert.Equal("1", await _c.QueryAsync(":SYST:ERR:COUN?"));
        Assert.Equal("-113,\"Undefined header\"", await _c.QueryAsync(":SYST:ERR:NEXT?"));
        Assert.Equal("0,\"No error\"", await _c.QueryAsync(":system:error?"));

        await Do(":SOUR:CURR 2");                              // beyond ±1.05 A
        await Do(":OUTP MAYBE");
        await Do(":SOUR:CURR:VLIM");
        await Do(":SOUR:CURR abc");
        Assert.Equal(16 | 32, int.Parse(await _c.QueryAsync("*ESR?"), CultureInfo.InvariantCulture) & 48);
        Assert.Equal("-222,\"Data out of range\" | -224,\"Illegal parameter value\" | -109,\"Missing parameter\" | -104,\"Data type error\"", await Errors());

        _faults.PushError(-410, "Query INTERRUPTED");
        Assert.Equal("4", await _c.QueryAsync("*ESR?"));                 // QYE from an injected query error
        Assert.Equal("-410,\"Query INTERRUPTED\"", await Errors());
        await Do(":BOGUS");
        await Do("*CLS");
        Assert.Equal("0", await _c.QueryAsync(":SYST:ERR:COUN?"));
    }

    [Fact]
    public async Task Short_long_forms_optional_nodes_and_multiple_units()
    {
        Assert.Equal("VOLT;\"CURR:DC\";0", await _c.QueryAsync("SOUR:FUNC?;:SENS:FUNC?;:OUTP?"));
        await Do(":SOURce1:FUNCtion:MODE CURRent;:SOURCE:CURRENT:LEVEL:IMMEDIATE:AMPLITUDE 0.25;:SOUR:CURR:VLIM 4.5;:SENS:VOLT:NPLC 0.5;RSEN ON");
        Assert.Equal("CURR", await _c.QueryAsync("sour:func?"));
        Assert.Equal(0.25, await Number(":SOUR:CURR?"));
        Assert.Equal(4.5, await Number(":SOUR:CURR:VLIM:LEV?"));
        Assert.Equal("1", await _c.QueryAsync(":SENS:VOLT:RSEN?"));       // ';RSEN' continued the :SENS:VOLT path
        await Do("SOUR:FUNC VOLT;SOUR:VOLT 1.5");                // relative form that only makes sense absolute
        Assert.Equal(1.5, await Number("SOUR:VOLT?"));
        await Do(":SENS:VOLT:NPLC 0.5;:SENS:CURR:NPLC 2;:SENS:VOLT:RSEN ON;:SENS:VOLT:RANG:AUTO ON;:SENS:CURR:RANG:AUTO ON;:SOUR:CURR:RANG:AUTO ON;:SOUR:CURR:READ:BACK OFF;:SOUR:VOLT:READ:BACK ON");
        Assert.Equal(0.5, await Number(":SENS:VOLT:NPLC?"));
        Assert.Equal("1;0", await _c.QueryAsync(":SENS:VOLT:RSEN?;:SOUR:CURR:READ:BACK?"));
        Assert.Equal("", await Errors());
    }

    [Fact]
    public async Task Constant_current_with_voltage_limit_trips_at_the_limit()
    {
        await Do(":OUTP:SMOD HIMP;:SOUR:FUNC CURR;:SOUR:CURR:VLIM 4.0;:SOUR:CURR 0.1;:SENS:FUNC \"VOLT\";:OUTP ON");
        Assert.Equal(new SourceSetting(SourceMode.Current, 0.1, 4.0), _bench.Setting);
        Assert.Equal(3.9, await Number(":READ?"), 9);                      // 3.7 V + 0.1 A × 2 Ω
        Assert.Equal("0", await _c.QueryAsync(":SOUR:CURR:VLIM:TRIP?"));

        await Do(":SOUR:CURR 0.5");                              // would need 4.7 V
        string[] r = (await _c.QueryAsync(":READ? \"defbuffer1\", READ, SOUR")).Split(',');
        Assert.Equal(4.0, double.Parse(r[0], CultureInfo.InvariantCulture), 9);
        Assert.Equal(0.15, double.Parse(r[1], CultureInfo.InvariantCulture), 9);   // readback: (4.0 − 3.7)/2
        Assert.Equal("1", await _c.QueryAsync(":SOUR:CURR:VLIM:TRIP?"));
        Assert.Equal(0.15, await Number(":MEAS:CURR?"), 9);
        Assert.Equal("", await Errors());
    }

    [Fact]
    public async Task Constant_voltage_with_current_limit()
    {
        await Do(":OUTP:SMOD HIMP;:SOUR:FUNC VOLT;:SOUR:VOLT 4.2;:SOUR:VOLT:ILIM 0.1;:SENS:FUNC \"CURR\";:OUTP 1");
        Assert.Equal(0.1, await Number(":READ?"), 9);                      // (4.2 − 3.7)/2 = 0.25 A, clipped to 0.1 A
        Assert.Equal("1", await _c.QueryAsync(":SOUR:VOLT:ILIM:TRIP?"));
        Assert.Equal(3.9, await Number(":MEAS:VOLT?"), 9);
        await Do(":SOUR:VOLT:ILIM 1");
        Assert.Equal(0.25, await Number(":MEAS:CURR?"), 9);
        Assert.Equal("0", await _c.QueryAsync(":SOUR:VOLT:ILIM:TRIP?"));
        Assert.Equal(1.0, await Number(":SOUR:VOLT:ILIM?"));
    }

    [Fact]
    public async Task Output_off_states()
    {
        await Do(":OUTP:SMOD HIMP;:SOUR:FUNC CURR;:SOUR:CURR -0.2;:SOUR:CURR:VLIM 5;:OUTP ON");
        Assert.Equal(-0.2, await Number(":MEAS:CURR?"), 9);
        await Do(":OUTP OFF");
        Assert.Equal(SourceSetting.Off, _bench.Setting);
        Assert.Equal(0.0, await Number(":MEAS:CURR?"));                    // HIMP: no current
        Assert.Equal(3.7, await Number(":MEAS:VOLT?"), 9);
        Assert.Equal("HIMP", await _c.QueryAsync(":OUTP:SMOD?"));

        await Do(":OUTP:SMOD NORM");                             // 0 V, limit 10 % of the 1 A range
        Assert.Equal(new SourceSetting(SourceMode.Voltage, 0, 0.1), _bench.Setting);
        Assert.Equal(-0.1, await Number(":MEAS:CURR?"), 9);                // a cell discharges into NORMal off-state
        await Do("*RST");
        Assert.False(_smu.OutputOn);
        Assert.Equal(OutputOffMode.Normal, _smu.OffMode);
        Assert.Equal(new SourceSetting(SourceMode.Voltage, 0, 1e-5), _bench.Setting);   // default ILIM 105 µA fits the 100 µA range (ranges reach 105 %)
        Assert.Equal("VOLT;0", await _c.QueryAsync(":SOUR:FUNC?;:OUTP?"));
    }

    [Fact]
    public async Task Buffer_elements_ascii_and_binary_trace_data()
    {
        await Do(":OUTP:SMOD HIMP;:SOUR:FUNC CURR;:SOUR:CURR 0.05;:SOUR:CURR:VLIM 4.2;:SENS:FUNC \"VOLT\";:TRAC:CLE \"defbuffer1\";:OUTP ON");
        long before = _bench.Clock.NowUnixNs;
        string[] first = (await _c.QueryAsync(":READ? \"defbuffer1\", READ, SOUR, SEC, FRAC, REL")).Split(',');
        long after = _bench.Clock.NowUnixNs;
        Assert.Equal(5, first.Length);
        long seconds = long.Parse(first[2], CultureInfo.InvariantCulture);
        double frac = double.Parse(first[3], CultureInfo.InvariantCulture);
        long unixNs = seconds * 1_000_000_000L + (long)Math.Round(frac * 1e9);
        Assert.InRange(unixNs, before - 1, after + 1);
        Assert.Equal(0.0, double.Parse(first[4], CultureInfo.InvariantCulture));
        await _c.QueryAsync(":READ?");
        Assert.Equal("2", await _c.QueryAsync(":TRAC:ACT?"));
        string ascii = await _c.QueryAsync(":TRAC:DATA? 1, 2, \"defbuffer1\", READ, REL");
        double[] values = [.. ascii.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
        Assert.Equal(3.8, values[0], 9);                     // 3.7 V + 0.05 A × 2 Ω
        Assert.True(values[3] > 0);

        await Do(":FORM:DATA REAL");
        await _c.SendAsync(":TRAC:DATA? 1, 2, \"defbuffer1\", READ, REL");
        byte[] header = new byte[4];
        await _c.Stream.ReadExactlyAsync(header);
        Assert.Equal("#232", Encoding.ASCII.GetString(header));
        byte[] data = new byte[33];
        await _c.Stream.ReadExactlyAsync(data);
        Assert.Equal((byte)'\n', data[32]);
        for (int i = 0; i < 4; i++) Assert.Equal(values[i], BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(i * 8)), 8);

        await Do(":FORM:DATA ASC");
        await Do(":TRAC:DATA? 1, 5");
        Assert.Equal("-222,\"Data out of range\"", await Errors());
        await Do(":TRAC:CLE");
        Assert.Equal("0", await _c.QueryAsync(":TRAC:ACT? \"defbuffer1\""));
        await Do(":READ? \"nosuchbuffer\"");
        Assert.Equal("-224,\"Illegal parameter value\"", await Errors());
    }

    [Fact]
    public async Task Changing_the_source_function_turns_the_output_off()
    {
        await Do(":OUTP:SMOD HIMP;:SOUR:FUNC CURR;:SOUR:CURR 0.1;:OUTP ON");
        Assert.True(_smu.OutputOn);
        await Do(":SOUR:FUNC VOLT");
        Assert.Equal("0", await _c.QueryAsync(":OUTP?"));
        Assert.Equal(SourceSetting.Off, _bench.Setting);
    }
}
