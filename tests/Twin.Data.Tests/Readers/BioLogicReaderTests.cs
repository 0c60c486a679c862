using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>EC-Lab .mpt exports (GCPL on an NMC811 half cell: rest, CC charge, CV, rest, CC discharge).</summary>
public sealed class BioLogicReaderTests
{
    [Theory]
    [InlineData("biologic-gcpl.mpt")]
    [InlineData("biologic-gcpl-decimal-comma.mpt")]
    public void Reads_header_block_and_rows(string name)
    {
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadAll(TestFiles.Fixture(name));
        Assert.Equal(CyclerFormat.BioLogicMpt, diagnostics.Format);
        Assert.Equal(34, samples.Count);
        Assert.Equal(35, diagnostics.HeaderLine); // "Nb header lines : 35"
        Assert.Equal(new DateTimeOffset(2023, 3, 15, 10, 21, 34, 123, TimeSpan.Zero), diagnostics.StartTime);
        Assert.Contains("P/W", diagnostics.Columns);
        Assert.Equal(0, samples[0].TimeS);
        Assert.Equal(33 * 600, samples[^1].TimeS, 9);
        Assert.Equal(3.702, samples[0].VoltageV, 12);
    }

    [Fact]
    public void Decimal_comma_file_reads_exactly_like_the_decimal_point_one()
    {
        (List<CyclerSample> point, _) = TestFiles.ReadAll(TestFiles.Fixture("biologic-gcpl.mpt"));
        (List<CyclerSample> comma, ReadDiagnostics diagnostics) = TestFiles.ReadAll(TestFiles.Fixture("biologic-gcpl-decimal-comma.mpt"));
        Assert.Equal(point, comma);
        Assert.Contains(diagnostics.Notes, n => n.Contains("decimal comma", StringComparison.Ordinal));
    }

    [Fact]
    public void Milliamps_become_amperes_signed_positive_on_oxidation()
    {
        (List<CyclerSample> samples, _) = TestFiles.ReadAll(TestFiles.Fixture("biologic-gcpl.mpt"));
        List<CyclerSample> cc = samples.Where(s => s.Step == 1).ToList();
        Assert.Equal(10, cc.Count);
        Assert.All(cc, s => Assert.Equal(0.34e-3, s.CurrentA, 12));
        Assert.All(cc, s => Assert.Equal(StepKind.Charge, s.Kind));
        Assert.All(samples.Where(s => s.Step == 2), s => Assert.Equal(StepKind.Charge, s.Kind)); // CV hold
        Assert.All(samples.Where(s => s.Step is 0 or 3), s => Assert.Equal(StepKind.Rest, s.Kind));
        List<CyclerSample> discharge = samples.Where(s => s.Step == 4).ToList();
        Assert.All(discharge, s => Assert.Equal(-0.34e-3, s.CurrentA, 12));
        Assert.All(discharge, s => Assert.Equal(StepKind.Discharge, s.Kind));
    }

    [Fact]
    public void Cumulative_counter_is_one_segment_in_ampere_hours()
    {
        (List<CyclerSample> samples, _) = TestFiles.ReadAll(TestFiles.Fixture("biologic-gcpl.mpt"));
        Assert.All(samples, s => Assert.Equal(0, s.CounterSegment));
        Assert.Equal(0, samples[0].ChargeCounterAh);
        Assert.Equal(9.537756388550186E-002 * 1e-3, samples[^1].ChargeCounterAh, 15);
        Assert.True(TestFiles.ChargeOver(samples, s => s.Step is 1 or 2) > 0);
        Assert.True(TestFiles.ChargeOver(samples, s => s.Step == 4) < 0);
    }

    [Fact]
    public void Missing_header_count_falls_back_to_the_time_column_row()
    {
        const string text = "EC-Lab ASCII FILE\n\nmode\tox/red\ttime/s\tEwe/V\tI/mA\t(Q-Qo)/mA.h\n1\t1\t0\t3.9\t1.0\t0\n1\t1\t3.6\t3.91\t1.0\t0.001\n";
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text, "short.mpt");
        Assert.Equal(3, diagnostics.HeaderLine);
        Assert.Equal(2, samples.Count);
        Assert.Equal(1e-6, samples[1].ChargeCounterAh, 15);
    }
}
