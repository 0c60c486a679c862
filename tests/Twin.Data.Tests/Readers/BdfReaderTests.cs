using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>The Battery Data Format sample shipped in samples/.</summary>
public sealed class BdfReaderTests
{
    private static readonly Lazy<(List<CyclerSample> Samples, ReadDiagnostics Diagnostics)> File =
        new(() => TestFiles.ReadAll(TestFiles.Bdf));

    private static List<CyclerSample> Samples => File.Value.Samples;

    [Fact]
    public void Reads_every_row()
    {
        Assert.Equal(CyclerFormat.Bdf, File.Value.Diagnostics.Format);
        Assert.Equal(21206, Samples.Count);
        Assert.Equal(21206, File.Value.Diagnostics.RowsRead);
        Assert.Null(File.Value.Diagnostics.StartTime); // no Unix Time column
        Assert.Equal(9, File.Value.Diagnostics.Columns.Count);
    }

    [Fact]
    public void Time_in_hours_becomes_seconds_since_the_first_sample()
    {
        Assert.Equal(0, Samples[0].TimeS);
        Assert.Equal((0.277777777777778 - 0.138888888888889) * 3600, Samples[1].TimeS, 6);
        Assert.Equal((392.077777777778 - 0.138888888888889) * 3600, Samples[^1].TimeS, 3);
    }

    [Fact]
    public void The_files_negative_charge_current_is_turned_positive_on_charge()
    {
        // In this file "charge" rows carry negative current (voltage rises, Charge Capacity grows).
        List<CyclerSample> charge = Samples.Where(s => s.Kind == StepKind.Charge).ToList();
        List<CyclerSample> discharge = Samples.Where(s => s.Kind == StepKind.Discharge).ToList();
        Assert.NotEmpty(charge);
        Assert.NotEmpty(discharge);
        Assert.All(charge, s => Assert.True(s.CurrentA > 0, $"charge current {s.CurrentA} at t={s.TimeS}"));
        Assert.All(discharge, s => Assert.True(s.CurrentA < 0, $"discharge current {s.CurrentA} at t={s.TimeS}"));
        Assert.All(Samples.Where(s => s.Kind == StepKind.Rest), s => Assert.Equal(0.0, s.CurrentA));
        Assert.Contains(File.Value.Diagnostics.Notes, n => n.Contains("charging current as negative", StringComparison.Ordinal));
    }

    [Fact]
    public void Counter_is_net_capacity_restarting_each_step()
    {
        // Cycle 1: step 1 discharges 0.116898..., step 3 charges 0.158947..., step 5 discharges 0.159788...
        Assert.Equal(-0.116898189341671, TestFiles.ChargeOver(Samples, s => s.SourceCycle == 1 && s.Step == 1), 9);
        Assert.Equal(0.158947897737955, TestFiles.ChargeOver(Samples, s => s.SourceCycle == 1 && s.Step == 3), 9);
        Assert.Equal(-0.159788891905881, TestFiles.ChargeOver(Samples, s => s.SourceCycle == 1 && s.Step == 5), 9);

        // The counter rises on charge and falls on discharge, like the current.
        double[] deltas = TestFiles.CounterDeltas(Samples);
        for (int i = 1; i < Samples.Count; i++)
        {
            if (Samples[i].Kind == StepKind.Charge)
            {
                Assert.True(deltas[i] >= 0);
            }
            else if (Samples[i].Kind == StepKind.Discharge)
            {
                Assert.True(deltas[i] <= 0);
            }
        }

        // Segments follow (cycle, step): each step is one segment.
        int steps = Samples.Select(s => (s.SourceCycle, s.Step)).Distinct().Count();
        Assert.Equal(steps, Samples.Select(s => s.CounterSegment).Distinct().Count());
    }

    [Fact]
    public void Positive_on_charge_files_are_used_as_written()
    {
        const string text = """
            Test Time / s,Current / A,Voltage / V,Step Type / 1,Cycle Count / 1,Step Index / 1,Charge Capacity / Ah,Discharge Capacity / Ah,Unix Time / s,Surface Temperature T1 / degC
            0,0,3.5,rest,1,1,0,0,1700000000,25.5
            10,1.0,3.6,charge,1,2,0,0,1700000010,25.6
            20,1.0,3.7,charge,1,2,0.002778,0,1700000020,25.7
            30,-1.0,3.6,discharge,1,3,0,0,1700000030,25.8
            40,-1.0,3.5,discharge,1,3,0,0.002778,1700000040,25.9
            """;
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text, "positive.bdf.csv");
        Assert.Equal([0, 1, 1, -1, -1], samples.Select(s => s.CurrentA));
        Assert.Equal(0.002778, TestFiles.ChargeOver(samples, s => s.Step == 2), 9);
        Assert.Equal(-0.002778, TestFiles.ChargeOver(samples, s => s.Step == 3), 9);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), diagnostics.StartTime);
        Assert.Equal(25.5, samples[0].TemperatureC);
        Assert.Contains(diagnostics.Notes, n => n.Contains("charging current as positive", StringComparison.Ordinal));
    }
}
