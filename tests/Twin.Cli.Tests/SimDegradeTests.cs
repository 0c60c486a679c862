namespace Twin.Cli.Tests;

/// <summary><c>twin sim --degrade</c>: a bad mode or magnitude is refused before the simulator listens.</summary>
public class SimDegradeTests
{
    [Theory]
    [InlineData(new[] { "--degrade", "plating" }, "--degrade 'plating': unknown degradation mode 'plating', expected one of sei, shuttle, offset, lam")]
    [InlineData(new[] { "--degrade", "lam=2" }, "--degrade 'lam=2': degradation lam: magnitude 2 must lie in [0, 0.1] per cycle")]
    [InlineData(new[] { "--degrade", "shuttle=fast" }, "--degrade 'shuttle=fast': magnitude 'fast' is not a current in multiples of 1C")]
    [InlineData(new[] { "--degrade", "offset", "--degrade", "offset=-C/500" }, "--degrade: degradation mode offset is given twice")]
    public void Bad_degradation_is_named_in_the_error(string[] args, string expected)
    {
        var r = TwinProcess.Run(["sim", "--smu-port", "0", "--trigger-port", "0", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Err);
    }
}
