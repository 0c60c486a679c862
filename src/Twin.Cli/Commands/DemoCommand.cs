using System.CommandLine;
using Twin.Cli.Demo;
using Twin.Drivers.Experiment;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin demo [--out out/demo] [--speed 1500] [--cycles 2] [--cutoff lithium|voltage] [--degrade MODE[=magnitude]]…</c>: simulator + driver + twin
/// on the embedded default, a CC-CV experiment in accelerated time with the cut-off by lithium content on.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")) };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per wall-clock second", DefaultValueFactory = _ => 1500 };
        var cycles = new Option<int>("--cycles") { Description = "CC-CV cycles", DefaultValueFactory = _ => 2 };
        var cutoff = new Option<string>("--cutoff") { Description = "lithium (c_Li − 2σ at c_Li,min 0.40 or 4.2 V, whichever first) or voltage (4.2 V only)", DefaultValueFactory = _ => "lithium" };
        var degrade = DegradeOption.Create();
        var urls = new Option<string>("--urls") { Description = "REST API address of the embedded twin", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var epics = EpicsOption.Create();
        var mqttListen = BrokerOption.Create();
        var cmd = new Command("demo", "Simulated coin cell + Keithley 2450 + diffractometer, driven with the cut-off by lithium content, twin on the embedded default")
        {
            outDir, speed, cycles, cutoff, degrade, urls, epics, mqttListen,
        };
        cmd.SetAction(async (r, ct) =>
        {
            string mode = r.GetValue(cutoff)!;
            if (mode is not ("lithium" or "voltage")) return CliErrors.Fail($"--cutoff '{mode}': expected lithium or voltage");
            double s = r.GetValue(speed);
            if (!(s >= 1 && s <= 100_000)) return CliErrors.Fail($"--speed {s}: expected a number from 1 to 100000");
            int n = r.GetValue(cycles);
            if (n is < 1 or > 50) return CliErrors.Fail($"--cycles {n}: expected 1 to 50");
            if (!DegradeOption.TryParse(r.GetValue(degrade), out var degradation, out string? degradeError)) return CliErrors.Fail(degradeError!);
            try
            {
                var options = new DemoOptions(r.GetValue(outDir)!.FullName, s, n, mode == "lithium", r.GetValue(urls)!)
                {
                    Degradation = degradation,
                    EpicsPrefix = r.GetValue(epics),
                    Broker = BrokerOption.Resolve(r.GetValue(mqttListen), null),
                };
                var result = await DemoRunner.RunAsync(options, Console.Out, ct).ConfigureAwait(false);
                return result.Run.Outcome == RunOutcome.Completed ? 0 : 3;
            }
            catch (Exception e) when (e is IOException or FormatException or ArgumentException)
            {
                return CliErrors.Fail(e.Message);
            }
        });
        return cmd;
    }
}
