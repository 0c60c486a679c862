using Twin.FirmwareSim.Cell;

namespace Twin.FirmwareSim.Tests.Cell;

public sealed class DegradationTests
{
    [Theory]
    [InlineData("sei", DegradationMode.Sei, 0.01)]
    [InlineData("shuttle", DegradationMode.Shuttle, 0.002)]
    [InlineData("offset", DegradationMode.Offset, 0.002)]
    [InlineData("lam", DegradationMode.Lam, 0.02)]
    [InlineData("SHUTTLE=C/2500", DegradationMode.Shuttle, 0.0004)]
    [InlineData("offset=-C/2500", DegradationMode.Offset, -0.0004)]
    [InlineData("offset=4e-4", DegradationMode.Offset, 0.0004)]
    [InlineData(" lam = 0.1% ", DegradationMode.Lam, 0.001)]
    [InlineData("sei=0.005", DegradationMode.Sei, 0.005)]
    [InlineData("sei=0", DegradationMode.Sei, 0)]
    public void Reads_mode_and_magnitude(string text, DegradationMode mode, double magnitude)
    {
        var d = Degradation.Parse(text);
        Assert.Equal(mode, d.Mode);
        Assert.Equal(magnitude, d.Magnitude, 15);
    }

    [Theory]
    [InlineData("plating", "unknown degradation mode 'plating', expected one of sei, shuttle, offset, lam")]
    [InlineData("", "unknown degradation mode ''")]
    [InlineData("lam=fast", "magnitude 'fast' is not a fraction")]
    [InlineData("lam=", "magnitude '' is not a fraction")]
    [InlineData("lam=C/500", "magnitude 'C/500' is not a fraction")]
    [InlineData("shuttle=1%", "magnitude '1%' is not a current in multiples of 1C")]
    [InlineData("shuttle=C/0", "magnitude 'C/0' is not a current")]
    [InlineData("shuttle=-C/500", "must lie in [0, 0.05] C")]
    [InlineData("offset=C/10", "must lie in [-0.05, 0.05] C")]
    [InlineData("lam=0.5", "must lie in [0, 0.1] per cycle")]
    [InlineData("sei=NaN", "must be finite")]
    [InlineData("sei=-0.01", "must lie in [0, 0.1] of the charge")]
    public void Bad_text_names_the_input_and_what_was_expected(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Degradation.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Writes_back_what_it_reads()
    {
        foreach (string text in new[] { "shuttle=C/2500", "offset=-C/500", "lam=0.02", "sei=0.005" })
            Assert.Equal(text, Degradation.Parse(text).ToString());
    }

    [Fact]
    public void Cell_modes_go_into_the_cell_and_the_offset_to_the_smu()
    {
        var coin = CellParameters.CoinCell;
        IReadOnlyList<Degradation> modes = [Degradation.Parse("sei=0.002"), Degradation.Parse("shuttle=C/1000"), Degradation.Parse("lam=0.001"), Degradation.Parse("offset=-C/2000")];
        var cell = Degradation.ApplyToCell(coin, modes);
        Assert.Equal(0.002, cell.SeiLossFraction);
        Assert.Equal(coin.NominalCapacityAh / 1000, cell.ShuttleCurrentA, 15); // 1C = nominal capacity per hour
        Assert.Equal(0.001, cell.ActiveMaterialLossPerCycle);
        Assert.Equal(coin.PositiveCapacityAh, cell.PositiveCapacityAh);
        Assert.Equal(-coin.NominalCapacityAh / 2000, Degradation.CurrentOffsetA(coin, modes), 15);
        Assert.Equal(0, Degradation.CurrentOffsetA(coin, []));
        Assert.Equal(coin, Degradation.ApplyToCell(coin, []));
    }

    [Fact]
    public void A_mode_given_twice_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Degradation.ApplyToCell(CellParameters.CoinCell, [Degradation.Parse("lam"), Degradation.Parse("lam=0.01")]));
        Assert.Contains("lam is given twice", e.Message);
        Assert.Throws<ArgumentException>(() => Degradation.ApplyToCell(CellParameters.CoinCell, [new Degradation(DegradationMode.Shuttle, double.PositiveInfinity)]));
    }

    [Fact]
    public async Task The_simulator_refuses_a_mode_given_twice_before_it_listens()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => SimulatorHost.StartAsync(new SimulatorOptions
        {
            Degradation = [Degradation.Parse("offset"), Degradation.Parse("offset=-C/500")],
            PatternFolder = Path.Combine(Path.GetTempPath(), "twin-never-" + Guid.NewGuid().ToString("N")[..8]),
        }));
        Assert.Contains("offset is given twice", e.Message);
    }

    [Fact]
    public void Cell_parameters_check_the_new_magnitudes()
    {
        Assert.Contains("ShuttleCurrentA", Assert.Throws<ArgumentException>(() => (CellParameters.CoinCell with { ShuttleCurrentA = -1e-6 }).Validate()).Message);
        Assert.Contains("ActiveMaterialLossPerCycle", Assert.Throws<ArgumentException>(() => (CellParameters.CoinCell with { ActiveMaterialLossPerCycle = 1 }).Validate()).Message);
    }
}
