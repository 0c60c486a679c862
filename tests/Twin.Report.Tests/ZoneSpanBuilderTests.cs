using Twin.Data.Export;

namespace Twin.Report.Tests;

public class ZoneSpanBuilderTests
{
    [Fact]
    public void Consecutive_equal_zones_merge_into_contiguous_spans()
    {
        var b = new ZoneSpanBuilder();
        b.Add(0, "safe");
        b.Add(10, "safe");
        b.Add(20, "caution");
        b.Add(30, "critical");
        b.Add(40, "critical");
        b.Add(50, "caution");
        b.Add(60, "safe");
        b.Add(70, "safe");

        IReadOnlyList<ZoneSpan> spans = b.Build();
        Assert.Equal(
            [new ZoneSpan(0, 20, "safe"), new ZoneSpan(20, 30, "caution"), new ZoneSpan(30, 50, "critical"), new ZoneSpan(50, 60, "caution"), new ZoneSpan(60, 70, "safe")],
            spans);
        Assert.False(b.Truncated);
        Assert.Equal(5, b.Count);
    }

    [Fact]
    public void Empty_and_single_sample()
    {
        var b = new ZoneSpanBuilder();
        Assert.Empty(b.Build());
        b.Add(5, "deep");
        Assert.Equal([new ZoneSpan(5, 5, "deep")], b.Build());
    }

    [Fact]
    public void Cap_folds_later_changes_into_the_last_span_keeping_the_worst_zone()
    {
        var b = new ZoneSpanBuilder(maxSpans: 3);
        string[] zones = ["safe", "caution", "safe", "caution", "critical", "caution", "safe"];
        for (int i = 0; i < zones.Length; i++) b.Add(i * 10, zones[i]);

        IReadOnlyList<ZoneSpan> spans = b.Build();
        Assert.Equal(3, spans.Count);
        Assert.True(b.Truncated);
        Assert.Equal(new ZoneSpan(20, 60, "critical"), spans[^1]);
        Assert.Equal(0, spans[0].StartS);
    }

    [Fact]
    public void Flapping_stream_stays_within_the_cap()
    {
        var b = new ZoneSpanBuilder(maxSpans: 1000);
        for (int i = 0; i < 100_000; i++) b.Add(i, i % 2 == 0 ? "caution" : "critical");
        Assert.Equal(1000, b.Build().Count);
        Assert.True(b.Truncated);
    }

    [Fact]
    public void Severity_ranks_zones()
    {
        Assert.True(ZoneSpanBuilder.Severity("deep") > ZoneSpanBuilder.Severity("critical"));
        Assert.True(ZoneSpanBuilder.Severity("critical") > ZoneSpanBuilder.Severity("caution"));
        Assert.True(ZoneSpanBuilder.Severity("caution") > ZoneSpanBuilder.Severity("safe"));
        Assert.Equal(0, ZoneSpanBuilder.Severity("unknown"));
    }
}
