using System.Text;
using Twin.Messaging.Contracts;

namespace Twin.Messaging.Tests.Contracts;

public class TwinPayloadsTests
{
    private const string Topic = "twin/v1/lab/c1/telemetry";

    private static TelemetryMessage Parse(string json) => TwinPayloads.ParseTelemetry(Encoding.UTF8.GetBytes(json), Topic);

    [Fact]
    public void Telemetry_round_trips()
    {
        var m = new TelemetryMessage
        {
            Instrument = "maccor-1",
            Samples =
            [
                new TelemetrySample { Seq = 7, TimeUnixNs = 1_700_000_000_000_000_000, VoltageV = 3.71, CurrentA = -0.5, ChargeAh = 0.25, CounterSegment = 3, Step = 5, Kind = "discharge" },
                new TelemetrySample { Seq = 8, TimeUnixNs = 1_700_000_000_100_000_000, VoltageV = 3.70, CurrentA = -0.5 },
            ],
        };
        byte[] bytes = TwinPayloads.Serialize(m);
        string json = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"voltage_V\":3.71", json);
        Assert.Contains("\"time_unix_ns\":1700000000000000000", json);
        Assert.DoesNotContain("temperature_C", json);
        var back = TwinPayloads.ParseTelemetry(bytes, Topic);
        Assert.Equal(m.Samples, back.Samples);
        Assert.Equal("maccor-1", back.Instrument);
    }

    [Theory]
    [InlineData("""{"schema":2,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0}]}""", "schema 2 is not supported; expected 1")]
    [InlineData("""{"schema":1,"samples":[]}""", "at least one sample")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"current_A":0}]}""", "sample 0 (seq 1): voltage_V is missing")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0},{"seq":1,"time_unix_ns":1700000000000000001,"voltage_V":3,"current_A":0}]}""", "sample 1 (seq 1): seq must increase")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":0,"voltage_V":3,"current_A":0}]}""", "time_unix_ns = 0 lies before 1990-01-01")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000,"voltage_V":3,"current_A":0}]}""", "(seconds, ms or µs sent instead?)")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":1e300,"current_A":0}]}""", "sample 0 (seq 1): voltage_V = 1E+300 is outside the plausible range [-100, 100] V")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":-2000}]}""", "current_A = -2000 is outside the plausible range [-1000, 1000] A")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0,"temperature_C":-300}]}""", "temperature_C = -300 is outside the plausible range [-100, 1000] °C")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":"NaN","current_A":0}]}""", "not a valid TelemetryMessage JSON payload")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0,"charge_Ah":1e400}]}""", "sample 0 (seq 1): charge_Ah must be a finite number")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0,"charge_Ah":"Infinity"}]}""", "not a valid TelemetryMessage JSON payload")]
    [InlineData("""{"schema":1,"samples":[{"seq":18446744073709551616,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0}]}""", "not a valid TelemetryMessage JSON payload")]
    [InlineData("""{"schema":1,"samples":[null]}""", "sample 0 is null")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":3,"current_A":0,"kind":"charging"}]}""", "kind 'charging' is not one of")]
    [InlineData("""{"schema":1,"samples":[{"seq":1,"time_unix_ns":1700000000000000000,"voltage_V":"3.1","current_A":0}]}""", "not a valid TelemetryMessage JSON payload")]
    [InlineData("""not json""", "not a valid TelemetryMessage JSON payload")]
    [InlineData("""null""", "JSON null")]
    public void Bad_telemetry_is_rejected_with_the_field_named(string json, string expected)
    {
        var e = Assert.Throws<PayloadException>(() => Parse(json));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(Topic, e.Message);
    }

    [Fact]
    public void Pattern_records_need_an_id_times_and_a_wavelength()
    {
        var ok = new PatternRecord { PatternId = "p1", StartUnixNs = 10, EndUnixNs = 20, ExposureS = 1e-8, EnergyKeV = 17, Detector = "pilatus", Uri = "file:///d/p1.xy" };
        Assert.Equal("p1", TwinPayloads.ParsePattern(TwinPayloads.Serialize(ok), "t").PatternId);
        var e = Assert.Throws<PayloadException>(() => TwinPayloads.ParsePattern(TwinPayloads.Serialize(ok with { EnergyKeV = null }), "t"));
        Assert.Contains("wavelength_A or energy_keV", e.Message);
    }

}
