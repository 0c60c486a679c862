using System.CommandLine;
using Twin.FirmwareSim.Cell;

namespace Twin.Cli.Commands;

/// <summary><c>--degrade MODE[=magnitude]</c> (repeatable) of <c>twin sim</c> and <c>twin demo</c>: the simulated cell's degradation modes.</summary>
internal static class DegradeOption
{
    /// <summary>Creates the option.</summary>
    /// <returns>The option.</returns>
    public static Option<string[]> Create() => new("--degrade")
    {
        Description = "Make the cell or the SMU fool charge counting (repeatable): sei[=fraction of each charge lost to the SEI, 0.01], " +
            "shuttle[=parasitic current, C/500], offset[=current-measurement offset, C/500, may be negative], " +
            "lam[=cathode active material lost per cycle, 0.02]; currents as C/N or multiples of 1C, fractions as numbers or N%",
    };

    /// <summary>Parses the given values and checks them against the coin cell.</summary>
    /// <param name="texts">The option's values.</param>
    /// <param name="modes">The modes, when valid.</param>
    /// <param name="error">What is wrong (naming the option and what was expected), or null.</param>
    /// <returns>True when every value is valid.</returns>
    public static bool TryParse(string[]? texts, out List<Degradation> modes, out string? error)
    {
        modes = [];
        error = null;
        foreach (string text in texts ?? [])
        {
            try { modes.Add(Degradation.Parse(text)); }
            catch (FormatException e)
            {
                error = $"--degrade {e.Message}";
                return false;
            }
        }
        try { Degradation.ApplyToCell(CellParameters.CoinCell, modes); }
        catch (ArgumentException e)
        {
            error = $"--degrade: {e.Message}";
            return false;
        }
        return true;
    }
}
