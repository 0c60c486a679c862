using Twin.FirmwareSim.Cell;

namespace Twin.FirmwareSim.Tests.Cell;

public class ElectrodeOcvTests
{
    // The published fits (Chen et al., J. Electrochem. Soc. 167 (2020) 080534), evaluated directly as the reference.
    private static double UpFit(double y) =>
        -0.8090 * y + 4.4875 - 0.0428 * Math.Tanh(18.5138 * (y - 0.5542))
        - 17.7326 * Math.Tanh(15.7890 * (y - 0.3117)) + 17.5842 * Math.Tanh(15.9308 * (y - 0.3120));

    private static double UnFit(double x) =>
        1.9793 * Math.Exp(-39.3631 * x) + 0.2482 - 0.0909 * Math.Tanh(29.8538 * (x - 0.1234))
        - 0.04478 * Math.Tanh(14.9159 * (x - 0.2769)) - 0.0205 * Math.Tanh(30.4444 * (x - 0.6103));

    private static readonly ElectrodeOcv Ocv = ElectrodeOcv.LgM50;

    [Theory]
    [InlineData(0.2661)]
    [InlineData(0.30123)]
    [InlineData(0.3117)]
    [InlineData(0.40)]
    [InlineData(0.5542)]
    [InlineData(0.62)]
    [InlineData(0.80001)]
    [InlineData(0.9084)]
    [InlineData(0.99)]
    public void Positive_table_reproduces_the_published_fit(double y)
    {
        Assert.Equal(UpFit(y), Ocv.PositivePotential(y), 0.0002);
    }

    [Theory]
    [InlineData(0.0279)]
    [InlineData(0.05055)]
    [InlineData(0.1234)]
    [InlineData(0.2769)]
    [InlineData(0.45)]
    [InlineData(0.6103)]
    [InlineData(0.9014)]
    public void Negative_table_reproduces_the_published_fit(double x)
    {
        Assert.Equal(UnFit(x), Ocv.NegativePotential(x), 0.0005);
    }

    [Fact]
    public void Tables_match_the_fit_everywhere_between_knots()
    {
        double worstP = 0, worstN = 0;
        for (double y = 0.2; y <= 1.0; y += 0.000713) worstP = Math.Max(worstP, Math.Abs(UpFit(y) - Ocv.PositivePotential(y)));
        for (double x = 0.01; x <= 1.0; x += 0.000713) worstN = Math.Max(worstN, Math.Abs(UnFit(x) - Ocv.NegativePotential(x)));
        Assert.True(worstP < 0.5e-3, $"positive worst error {worstP * 1e3:F3} mV");
        Assert.True(worstN < 1.0e-3, $"negative worst error {worstN * 1e3:F3} mV");
    }

    [Fact]
    public void Both_potentials_fall_as_the_electrode_lithiates()
    {
        // Positive: strictly decreasing over the whole table.
        double prev = double.PositiveInfinity;
        for (double y = Ocv.Positive.MinX; y <= Ocv.Positive.MaxX; y += 0.0005)
        {
            double u = Ocv.PositivePotential(y);
            Assert.True(u < prev, $"U_p not decreasing at {y}");
            prev = u;
        }
        // Negative: non-increasing (flat on the graphite plateau), strictly decreasing below x = 0.7.
        prev = double.PositiveInfinity;
        for (double x = Ocv.Negative.MinX; x <= Ocv.Negative.MaxX; x += 0.0005)
        {
            double u = Ocv.NegativePotential(x);
            // Equal knots give an exact plateau up to round-off in the Hermite basis (1e-16 V).
            Assert.True(x < 0.7 ? u < prev : u <= prev + 1e-12, $"U_n increasing at {x}");
            prev = u;
        }
    }

    [Fact]
    public void Table_ranges_cover_the_published_window()
    {
        Assert.Equal(0.20, Ocv.Positive.MinX, 9);
        Assert.Equal(1.00, Ocv.Positive.MaxX, 9);
        Assert.Equal(0.0, Ocv.Negative.MinX, 9);
        Assert.Equal(1.0, Ocv.Negative.MaxX, 9);
    }

    [Fact]
    public void Cell_ocv_at_the_published_soc_limits_is_4_2_and_2_5_volts()
    {
        ElectrodeData p = Ocv.PositiveElectrode, n = Ocv.NegativeElectrode;
        Assert.Equal(4.19, Ocv.OpenCircuitVoltage(p.StoichiometryAt100Soc, n.StoichiometryAt100Soc), 0.02);
        Assert.Equal(2.50, Ocv.OpenCircuitVoltage(p.StoichiometryAt0Soc, n.StoichiometryAt0Soc), 0.02);
    }

    [Fact]
    public void Electrode_data_and_source_come_from_Chen_2020()
    {
        Assert.Contains("J. Electrochem. Soc. 167 (2020) 080534", Ocv.Source);
        Assert.Equal(63104, Ocv.PositiveElectrode.MaxConcentrationMolPerM3);
        Assert.Equal(33133, Ocv.NegativeElectrode.MaxConcentrationMolPerM3);
        Assert.Equal(0.1027, Ocv.ElectrodeAreaM2, 6);
        Assert.Equal(8.732, Ocv.PositiveElectrode.CapacityAh(Ocv.ElectrodeAreaM2), 0.001);
        Assert.Equal(5.828, Ocv.NegativeElectrode.CapacityAh(Ocv.ElectrodeAreaM2), 0.001);
    }

    [Fact]
    public void Malformed_table_file_is_invalid_data()
    {
        using var ms = new MemoryStream("{\"source\": \"x\"}"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => ElectrodeOcv.Load(ms));
        using var bad = new MemoryStream("not json"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => ElectrodeOcv.Load(bad));
    }
}
