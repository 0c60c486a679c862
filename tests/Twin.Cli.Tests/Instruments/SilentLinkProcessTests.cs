using System.Collections.Concurrent;
using System.Globalization;
using Twin.FirmwareSim.Cell;
using Twin.Testing;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Twin.Cli.Tests.Instruments;

/// <summary>
/// An operator's rehearsal of a lost instrument link, as separate processes: <c>twin sim --fault blackhole</c> with its
/// SMU on a socat pseudo-terminal, and <c>twin drive</c> on that serial port.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class SilentLinkProcessTests(ITestOutputHelper output)
{
    private readonly TwinProcesses _twin = new(output);

    [Fact]
    [Trait("Category", "Pty")]
    public async Task Twin_drive_keeps_turning_the_output_off_through_a_black_hole_link_says_so_loudly_and_confirms_once_it_returns()
    {
        string dir = Repo.TempDir("silent-link");
        string pty = Path.Combine(dir, "ttyK2450");
        var sim = new ConcurrentQueue<string>();
        var drive = new ConcurrentQueue<string>();
        // the black hole starts 2 s after the driver connects (during the charge) and lasts 40 s: longer than the driver
        // needs to give up on five readings (≈ 4 s each with the 2 s SCPI timeout) and try the output off a few times
        var simProcess = _twin.Start(["sim", "--smu-port", $"{MosquittoBroker.FreePort()}", "--trigger-port", $"{MosquittoBroker.FreePort()}",
            "--smu-pty", pty, "--speed", "600", "--patterns", Path.Combine(dir, "patterns"), "--fault", "blackhole", "--fault-after", "2", "--fault-for", "40"], "sim", sim.Enqueue);
        try
        {
            await Wait.UntilAsync(() => sim.Any(l => l.Contains("Ctrl+C stops")), "the simulator to start", observed: () => string.Join("\n", sim));
            var c = CellParameters.CoinCell;
            string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
            string config = Path.Combine(dir, "experiment.yaml");
            File.WriteAllText(config, $$"""
                site: lab
                cells:
                  - id: coin-1
                    material: NMC811
                    q_li_Ah: {{F(c.PositiveCapacityAh)}}
                    c_li0: {{F(c.InitialCathodeCLi)}}
                    cutoff: { c_li_min: 0.42, v_max: 4.2, enabled: false }
                    instrument:
                      address: serial://{{pty}}?baud=115200
                      nominal_capacity_Ah: {{F(c.NominalCapacityAh)}}
                      limits: { max_voltage_V: 4.25, min_voltage_V: 2.0, max_current_A: {{F(Math.Round(c.NominalCapacityAh * 2, 6))}} }
                      safe_cutoff_V: 4.15
                      watchdog_s: 600
                      time_scale: 600
                      lithium_cutoff: false
                      protocol: |
                        Rest for 2 minutes (30 second period)
                        Charge at C/5 for 10 hours (30 second period)
                """);
            var driveProcess = _twin.Start(["drive", "--config", config, "--data-dir", Path.Combine(dir, "data"), "--urls", $"http://127.0.0.1:{MosquittoBroker.FreePort()}",
                "--mqtt-listen", "none"],
                "drive", drive.Enqueue);
            string Seen() => "drive:\n" + string.Join("\n", drive) + "\nsim:\n" + string.Join("\n", sim);
            await Wait.UntilAsync(() => sim.Any(l => l.Contains("SMU link fault blackhole on")), "the black hole", TimeSpan.FromSeconds(60), Seen);
            // while nothing passes: loud on the console (framed) and in the log (standard error), and the SMU is still on
            await Wait.UntilAsync(() => drive.Count(l => l.StartsWith("!!!! ", StringComparison.Ordinal) && l.Contains("[output] WARNING: the instrument may still be ON")) >= 2,
                "two loud warnings", TimeSpan.FromSeconds(60), Seen);
            Assert.Contains(drive, l => l.Contains("crit:") && l.Contains("the instrument may still be ON"));
            Assert.DoesNotContain(sim, l => l.Contains("SMU output OFF"));
            Assert.False(sim.Any(l => l.Contains("fault blackhole off")), "the warnings came while the link was silent");
            await driveProcess.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(3, driveProcess.ExitCode); // instrument failure
            Assert.Contains(drive, l => l.Contains("[output] output off confirmed by the instrument after"));
            Assert.Contains(drive, l => l.StartsWith("coin-1: InstrumentFailure:", StringComparison.Ordinal) && l.Contains("output off (confirmed after"));
            // the simulator reports its output as it changes: it went on for the charge and ended off once the link returned
            var outputLines = sim.Where(l => l.Contains(" SMU output ")).ToList();
            Assert.Contains("output ON: current", outputLines[0]);
            Assert.Contains("SMU output OFF (high impedance)", outputLines[^1]);
            Assert.True(sim.ToList().FindIndex(l => l.Contains("fault blackhole off")) < sim.ToList().FindLastIndex(l => l.Contains("SMU output OFF")), Seen());
        }
        finally
        {
            if (!simProcess.HasExited) simProcess.Kill();
        }
    }
}
