using Twin.Cli.Replay;
using Twin.Core.Cells;
using Twin.Core.Materials;
using Twin.Core.Safety;

namespace Twin.Cli.Tests;

public class CycleTableTests
{
    private static readonly CellConfig Cell = CellConfig.WithDefaults("c", MaterialCatalog.Default.Get("NMC811"), 1, 0.9);

    [Fact]
    public void Long_tests_list_the_first_and_last_cycles_and_count_the_rest()
    {
        var cycles = Enumerable.Range(0, 1000).Select(i => new CycleMetrics { Cycle = i, MinCLi = 0.5, StartTimeS = i }).ToList();
        var rows = CycleTable.Rows(cycles, Cell, maxCycles: 20);
        Assert.Equal(1 + 20 + 1, rows.Count);
        Assert.Equal("0", rows[1][0]);
        Assert.Equal("9", rows[10][0]);
        Assert.Equal("… 980 more", rows[11][0]);
        Assert.Equal("990", rows[12][0]);
        Assert.Equal("999", rows[^1][0]);
    }

    [Fact]
    public void Short_tests_list_every_cycle()
    {
        var cycles = Enumerable.Range(0, 5).Select(i => new CycleMetrics { Cycle = i }).ToList();
        var rows = CycleTable.Rows(cycles, Cell);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        Assert.Equal("—", rows[1][2]); // no samples: no minimum
    }
}
