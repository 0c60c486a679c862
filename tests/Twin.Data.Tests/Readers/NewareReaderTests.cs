using Twin.Core.Samples;
using Twin.Data.Readers;

namespace Twin.Data.Tests.Readers;

/// <summary>Neware BTS record-table CSV exports.</summary>
public sealed class NewareReaderTests
{
    [Fact]
    public void Reads_quoted_headers_and_cells_with_units_from_the_header()
    {
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadAll(TestFiles.Fixture("neware-record.csv"));
        Assert.Equal(CyclerFormat.Neware, diagnostics.Format);
        Assert.Equal(34, samples.Count);
        Assert.Contains("T1(℃)", diagnostics.Columns);
        Assert.Contains("Remark", diagnostics.Columns);
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 10, 0, 0, TimeSpan.Zero), diagnostics.StartTime);
        Assert.Equal(33 * 30, samples[^1].TimeS, 9);
        Assert.Equal(24.8, samples[0].TemperatureC, 12);
        Assert.All(samples, s => Assert.Equal(1, s.SourceCycle));
    }

    [Fact]
    public void Step_type_gives_kind_and_sign()
    {
        (List<CyclerSample> samples, _) = TestFiles.ReadAll(TestFiles.Fixture("neware-record.csv"));
        Assert.All(samples.Where(s => s.Step is 1 or 4), s => Assert.Equal(StepKind.Rest, s.Kind));
        Assert.All(samples.Where(s => s.Step == 2), s => Assert.Equal((StepKind.Charge, 1.5), (s.Kind, s.CurrentA)));
        Assert.All(samples.Where(s => s.Step == 3), s => Assert.Equal(StepKind.Charge, s.Kind)); // "CV Chg"
        Assert.All(samples.Where(s => s.Step == 3), s => Assert.True(s.CurrentA > 0));
        Assert.All(samples.Where(s => s.Step == 5), s => Assert.Equal((StepKind.Discharge, -1.5), (s.Kind, s.CurrentA)));
    }

    [Fact]
    public void Counter_is_net_of_charge_and_discharge_capacity_per_step()
    {
        (List<CyclerSample> samples, _) = TestFiles.ReadAll(TestFiles.Fixture("neware-record.csv"));
        Assert.Equal(5, samples.Select(s => s.CounterSegment).Distinct().Count());
        double cc = TestFiles.ChargeOver(samples, s => s.Step == 2);
        double cv = TestFiles.ChargeOver(samples, s => s.Step == 3);
        double discharge = TestFiles.ChargeOver(samples, s => s.Step == 5);
        Assert.Equal(1.5 * 9 * 30 / 3600, cc, 5);
        Assert.True(cv > 0 && cv < cc);
        Assert.Equal(-1.5 * 9 * 30 / 3600, discharge, 5);
        Assert.Equal(0, TestFiles.ChargeOver(samples, s => s.Step is 1 or 4), 12);
    }

    [Fact]
    public void Milliamp_export_with_unsigned_current_is_signed_by_step_type()
    {
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadAll(TestFiles.Fixture("neware-milliamp-unsigned.csv"));
        Assert.Equal(CyclerFormat.Neware, diagnostics.Format);
        Assert.Equal(34, samples.Count);
        Assert.All(samples.Where(s => s.Step == 2), s => Assert.Equal(0.006, s.CurrentA, 12));
        Assert.All(samples.Where(s => s.Step == 5), s => Assert.Equal(-0.006, s.CurrentA, 12));
        Assert.Equal(0.006 * 9 * 30 / 3600, TestFiles.ChargeOver(samples, s => s.Step == 2), 8);
        Assert.Equal(-0.006 * 9 * 30 / 3600, TestFiles.ChargeOver(samples, s => s.Step == 5), 8);
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 10, 0, 0, TimeSpan.Zero), diagnostics.StartTime);
    }

    [Fact]
    public void Step_time_only_export_accumulates_time_across_steps()
    {
        const string text = """
            Record,Cycle,Step,Step Type,Time,Current(mA),Voltage(V),Capacity(mAh)
            1,1,1,Rest,0:00:00.000,0,3.70,0
            2,1,1,Rest,0:00:10.000,0,3.70,0
            3,1,2,CC Chg,0:00:00.000,100,3.80,0
            4,1,2,CC Chg,0:00:10.000,100,3.81,0.2778
            5,1,3,CC DChg,0:00:00.000,-100,3.79,0
            6,1,3,CC DChg,0:00:10.000,-100,3.78,0.2778
            """;
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text, "steptime.csv");
        Assert.Equal([0, 10, 10, 20, 20, 30], samples.Select(s => s.TimeS));
        Assert.Contains(diagnostics.Notes, n => n.Contains("accumulated", StringComparison.Ordinal));
        Assert.Equal(0.0002778, TestFiles.ChargeOver(samples, s => s.Step == 2), 10);
        Assert.Equal(-0.0002778, TestFiles.ChargeOver(samples, s => s.Step == 3), 10);
    }

    [Fact]
    public void Timestamp_only_export_with_chinese_step_types()
    {
        const string text = """
            数据序号,循环号,工步号,Step Type,Current(A),Voltage(V),Capacity(Ah),Date
            1,1,1,搁置,0,3.70,0,2023-05-02 23:59:50
            2,1,2,恒流充电,1.0,3.80,0,2023-05-03 00:00:00
            3,1,2,恒流充电,1.0,3.85,0.0025,2023-05-03 00:00:09.500
            4,1,3,恒流放电,-1.0,3.75,0,2023-05-03 00:00:10
            """;
        (List<CyclerSample> samples, ReadDiagnostics diagnostics) = TestFiles.ReadText(text, "zh.csv");
        Assert.Equal(CyclerFormat.Neware, diagnostics.Format);
        Assert.Equal([0, 10, 19.5, 20], samples.Select(s => s.TimeS));
        Assert.Equal([StepKind.Rest, StepKind.Charge, StepKind.Charge, StepKind.Discharge], samples.Select(s => s.Kind));
        Assert.Equal(new DateTimeOffset(2023, 5, 2, 23, 59, 50, TimeSpan.Zero), diagnostics.StartTime);
        Assert.Contains(diagnostics.Notes, n => n.Contains("'Date' timestamps", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_timestamp_is_reported()
    {
        const string text = "Step Type,Current(A),Voltage(V),Date\nRest,0,3.7,2023-05-02 23:59:50\nRest,0,3.7,yesterday\n";
        var error = Assert.Throws<CyclerDataException>(() => TestFiles.ReadText(text, "bad.csv"));
        Assert.Equal("bad.csv line 3, column 'Date': 'yesterday' is not a timestamp; expected yyyy-MM-dd HH:mm:ss[.fff]", error.Message);
    }
}
