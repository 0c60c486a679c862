using Twin.FirmwareSim.Cell;

namespace Twin.FirmwareSim.Tests.Cell;

public class CellParametersTests
{
    [Fact]
    public void LgM50_preset_follows_Chen_2020()
    {
        CellParameters p = CellParameters.LgM50;
        p.Validate();
        Assert.Equal(8.732, p.PositiveCapacityAh, 0.001);
        Assert.Equal(5.828, p.NegativeCapacityAh, 0.001);
        Assert.Equal(5.0, p.NominalCapacityAh);
        Assert.Equal(0.9084, p.InitialCathodeCLi);
        Assert.Equal(0.0279, p.InitialAnodeStoichiometry);
    }

    [Fact]
    public void CoinCell_preset_is_a_few_milliamp_hours_scaled_by_disc_area()
    {
        CellParameters p = CellParameters.CoinCell;
        p.Validate();
        double cathodeScale = Math.PI * 0.006 * 0.006 / 0.1027;
        double anodeScale = Math.PI * 0.0075 * 0.0075 / 0.1027;
        Assert.Equal(CellParameters.LgM50.PositiveCapacityAh * cathodeScale, p.PositiveCapacityAh, 1e-9);
        Assert.Equal(CellParameters.LgM50.NegativeCapacityAh * anodeScale, p.NegativeCapacityAh, 1e-9);
        Assert.InRange(p.NominalCapacityAh, 0.005, 0.007);
        Assert.Equal(CellParameters.LgM50.R1Ohm * CellParameters.LgM50.C1Farad, p.R1Ohm * p.C1Farad, 9);
        Assert.Equal(0.005, p.SeiLossFraction);
    }

    public static TheoryData<string, CellParameters> BadParameters()
    {
        CellParameters c = CellParameters.CoinCell;
        return new TheoryData<string, CellParameters>
        {
            { "PositiveCapacityAh must be positive and finite, got 0", c with { PositiveCapacityAh = 0 } },
            { "NegativeCapacityAh must be positive and finite, got NaN", c with { NegativeCapacityAh = double.NaN } },
            { "NominalCapacityAh must be positive and finite, got -1", c with { NominalCapacityAh = -1 } },
            { "InitialCathodeCLi must lie in [0, 1], got 1.2", c with { InitialCathodeCLi = 1.2 } },
            { "InitialAnodeStoichiometry must lie in [0, 1], got -0.1", c with { InitialAnodeStoichiometry = -0.1 } },
            { "R0Ohm must be positive and finite, got 0", c with { R0Ohm = 0 } },
            { "R1Ohm must be positive and finite, got Infinity", c with { R1Ohm = double.PositiveInfinity } },
            { "C1Farad must be positive and finite, got -3", c with { C1Farad = -3 } },
            { "SeiLossFraction must lie in [0, 1), got 1", c with { SeiLossFraction = 1 } },
            { "AmbientTemperatureC must be a finite temperature above absolute zero, got -300", c with { AmbientTemperatureC = -300 } },
            { "ThermalResistanceKPerW must be positive and finite, got 0", c with { ThermalResistanceKPerW = 0 } },
            { "HeatCapacityJPerK must be positive and finite, got 0", c with { HeatCapacityJPerK = 0 } },
        };
    }

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void Validate_names_the_bad_parameter(string message, CellParameters p)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(p.Validate);
        Assert.StartsWith(message, e.Message);
        Assert.Equal(message.Split(' ')[0], e.ParamName);
        // The cell refuses them too.
        Assert.Throws<ArgumentException>(() => new EquivalentCircuitCell(p));
    }

    [Fact]
    public void Cell_rejects_an_initial_state_outside_the_tables()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new EquivalentCircuitCell(CellParameters.CoinCell with { InitialCathodeCLi = 0.1 }));
        Assert.Contains("outside the positive OCV table", e.Message);
    }
}
