using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>Arbin MITS CSV export: one full cycle and the start of the next.</summary>
public sealed class ArbinReaderTests
{
    private static readonly Lazy<(List<CyclerSample> Samples, ReadDiagnostics Diagnostics)> File =
        new(() => TestFiles.ReadAll(TestFiles.Fixture("arbin-channel.csv")));

    private static List<CyclerSample> Samples => File.Value.Samples;

    [Fact]
    public void Reads_rows_and_metadata()
    {
        ReadDiagnostics diagnostics = File.Value.Diagnostics;
        Assert.Equal(CyclerFormat.Arbin, diagnostics.Format);
        Assert.Equal(38, Samples.Count);
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 10, 0, 0, TimeSpan.Zero), diagnostics.StartTime);
        Assert.Contains("ACI_Phase_Angle(Deg)", diagnostics.Columns);
        Assert.Equal(37 * 60, Samples[^1].TimeS, 9);
        Assert.Equal(25.0, Samples[0].TemperatureC, 12);
        Assert.All(Samples, s => Assert.Equal(StepKind.Unknown, s.Kind));
    }

    [Fact]
    public void Current_is_signed_positive_on_charge_as_written()
    {
        Assert.All(Samples.Where(s => s.Step == 2), s => Assert.Equal(2.0, s.CurrentA));
        Assert.All(Samples.Where(s => s.Step == 5), s => Assert.Equal(-2.0, s.CurrentA));
    }

    [Fact]
    public void Counter_is_charge_minus_discharge_with_one_segment_per_cycle()
    {
        Assert.Equal([0, 1], Samples.Select(s => s.CounterSegment).Distinct());
        Assert.All(Samples, s => Assert.Equal(s.SourceCycle - 1, s.CounterSegment));

        CyclerSample endOfCycle1 = Samples.Last(s => s.SourceCycle == 1);
        Assert.Equal(0.329836 - 0.3, endOfCycle1.ChargeCounterAh, 6);
        Assert.Equal(-2.0 * 9 * 60 / 3600, TestFiles.ChargeOver(Samples, s => s.Step == 5), 5);
        Assert.Equal(0.329836, TestFiles.ChargeOver(Samples, s => s.Step is 2 or 3), 6);
        Assert.Equal(2.0 * 3 * 60 / 3600, TestFiles.ChargeOver(Samples, s => s.SourceCycle == 2), 5);
    }

    [Fact]
    public void A_counter_reset_without_a_new_cycle_starts_a_new_segment()
    {
        const string text = """
            Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah)
            1,0,1,1,1,3.8,0.000,0
            2,60,1,1,1,3.9,0.017,0
            3,120,1,1,1,4.0,0.000,0
            4,180,1,1,1,4.1,0.017,0
            """;
        (List<CyclerSample> samples, _) = TestFiles.ReadText(text, "reset.csv");
        Assert.Equal([0, 0, 1, 1], samples.Select(s => s.CounterSegment));
        Assert.Equal(0.034, TestFiles.CounterDeltas(samples).Sum(), 12);
    }
}
