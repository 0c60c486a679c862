using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>The real LG M50 Maccor export shipped in samples/.</summary>
public sealed class MaccorReaderTests
{
    private static readonly Lazy<(List<CyclerSample> Samples, ReadDiagnostics Diagnostics)> File =
        new(() => TestFiles.ReadAll(TestFiles.Maccor));

    private static List<CyclerSample> Samples => File.Value.Samples;

    [Fact]
    public void Reads_every_data_row_with_header_metadata()
    {
        ReadDiagnostics diagnostics = File.Value.Diagnostics;
        Assert.Equal(CyclerFormat.Maccor, diagnostics.Format);
        Assert.True(diagnostics.FormatDetected);
        Assert.Equal(6704, Samples.Count); // Rec# 1 .. 6704 below 4 header lines
        Assert.Equal(6704, diagnostics.RowsRead);
        Assert.Equal(0, diagnostics.RowsSkipped);
        Assert.Equal(4, diagnostics.HeaderLine);
        Assert.Equal(new DateTimeOffset(2020, 12, 11, 12, 22, 12, TimeSpan.Zero), diagnostics.StartTime);
        Assert.Contains("Amp-hr", diagnostics.Columns);
        Assert.Contains("VAR15", diagnostics.Columns);
    }

    [Fact]
    public void Time_is_seconds_since_the_first_sample_from_the_day_clock_form()
    {
        Assert.Equal(0, Samples[0].TimeS);
        Assert.Equal(5.05000019073486, Samples[2].TimeS, 9);
        // Rec# 6704: "  2d 02:52:51.5699996948242"
        Assert.Equal((2 * 86400) + (2 * 3600) + (52 * 60) + 51.5699996948242, Samples[^1].TimeS, 6);
        for (int i = 1; i < Samples.Count; i++)
        {
            Assert.True(Samples[i].TimeS >= Samples[i - 1].TimeS, $"time goes back at sample {i}");
        }
    }

    [Fact]
    public void Charge_current_is_positive_and_discharge_negative_from_the_State_column()
    {
        List<CyclerSample> step4 = Samples.Where(s => s.Step == 4).ToList();
        Assert.NotEmpty(step4);
        Assert.All(step4, s => Assert.Equal(StepKind.Charge, s.Kind));
        Assert.All(step4, s => Assert.True(s.CurrentA > 0, $"step 4 current {s.CurrentA}"));
        Assert.Equal(1.50233, step4[0].CurrentA, 9);

        List<CyclerSample> step2 = Samples.Where(s => s.Step == 2).ToList();
        Assert.All(step2, s => Assert.Equal(StepKind.Discharge, s.Kind));
        Assert.All(step2, s => Assert.True(s.CurrentA < 0));
        Assert.All(Samples.Where(s => s.Step == 3), s => Assert.Equal(StepKind.Rest, s.Kind));
        Assert.Equal(StepKind.Other, Samples[^1].Kind);
    }

    [Fact]
    public void Counter_restarts_every_step_and_sums_to_the_step_capacities()
    {
        // Amp-hr at the end of step 4 is 3.36871 and of step 5 (CV) 1.15388; step 2 discharged 0.63781.
        Assert.Equal(3.36871 + 1.15388, TestFiles.ChargeOver(Samples, s => s.Step is 4 or 5), 5);
        Assert.Equal(-0.63781, TestFiles.ChargeOver(Samples, s => s.Step == 2), 5);
        Assert.Equal(-4.54403, TestFiles.ChargeOver(Samples, s => s.Step == 7), 5);

        // One counter segment per step (24 steps, the state never changes inside one).
        Assert.Equal(24, Samples.Select(s => s.CounterSegment).Distinct().Count());
        Assert.All(Samples.GroupBy(s => s.Step), g => Assert.Single(g.Select(s => s.CounterSegment).Distinct()));
        Assert.All(Samples, s => Assert.True(s.HasChargeCounter));
    }

    [Fact]
    public void Unconnected_aux_thermocouples_read_as_no_temperature()
    {
        // Every Aux channel of this file reads about -2500 "C": no sensor attached.
        Assert.All(Samples, s => Assert.True(double.IsNaN(s.TemperatureC)));
    }
}
