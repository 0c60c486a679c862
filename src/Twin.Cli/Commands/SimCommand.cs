using System.CommandLine;
using System.Globalization;
using Twin.FirmwareSim;
using Twin.FirmwareSim.Cell;
using Twin.FirmwareSim.Faults;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin sim [--smu-port 5025] [--trigger-port 5026] [--smu-pty path] [--trigger-pty path] [--firmata-pty path] [--speed 1]
/// [--fault silent|garbage|blackhole|drop --fault-after 30 --fault-for 60] [--degrade MODE[=magnitude]]…</c>: runs the
/// firmware simulator (a coin cell on a Keithley-2450-speaking SMU, a diffractometer trigger box, optionally an Arduino
/// I/O box speaking Firmata with a TMP36 on A0) until Ctrl+C, so a
/// driver — <c>twin drive</c>, or any SCPI client — can be pointed at it over TCP or a pseudo-terminal.
/// </summary>
internal static class SimCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var smuPort = new Option<int>("--smu-port") { Description = "TCP port of the SMU's SCPI socket (0 = any free port)", DefaultValueFactory = _ => 5025 };
        var triggerPort = new Option<int>("--trigger-port") { Description = "TCP port of the trigger box (0 = any free port)", DefaultValueFactory = _ => 5026 };
        var smuPty = new Option<string?>("--smu-pty") { Description = "Also expose the SMU as a pseudo-terminal at this path (needs socat)" };
        var triggerPty = new Option<string?>("--trigger-pty") { Description = "Also expose the trigger box as a pseudo-terminal at this path (needs socat)" };
        var firmataPty = new Option<string?>("--firmata-pty")
        {
            Description = "Also run an Arduino I/O box (StandardFirmata; TMP36 on A0, TTL outputs) as a pseudo-terminal at this path (needs socat)",
        };
        var cellTemperature = new Option<double>("--cell-temperature") { Description = "Temperature of the simulated TMP36 on the Arduino's A0, °C (with --firmata-pty)", DefaultValueFactory = _ => 25 };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per wall-clock second", DefaultValueFactory = _ => 1 };
        var patterns = new Option<DirectoryInfo>("--patterns") { Description = "Folder for the integrated patterns (.xy)", DefaultValueFactory = _ => new DirectoryInfo("sim-patterns") };
        var listen = new Option<string>("--listen") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var fault = new Option<string?>("--fault")
        {
            Description = "Rehearse a lost SMU link: silent (commands carried out, no replies), garbage (corrupted replies), " +
                "blackhole (connection open, nothing passes either way), drop (connection closed once)",
        };
        var faultAfter = new Option<double>("--fault-after") { Description = "Seconds from the SMU's first command to the fault", DefaultValueFactory = _ => 30 };
        var faultFor = new Option<double?>("--fault-for") { Description = "Seconds the fault lasts (default: until Ctrl+C)" };
        var degrade = DegradeOption.Create();
        var cmd = new Command("sim", "Run the firmware simulator: Keithley 2450 SMU with a simulated NMC811‖graphite cell, and a diffractometer trigger box")
        {
            smuPort, triggerPort, smuPty, triggerPty, firmataPty, cellTemperature, speed, patterns, listen, fault, faultAfter, faultFor, degrade,
        };
        cmd.SetAction(async (r, ct) =>
        {
            double s = r.GetValue(speed);
            if (!(s >= 1 && s <= 100_000)) return CliErrors.Fail($"--speed {s}: expected a number from 1 to 100000");
            LinkFault? linkFault = null;
            if (r.GetValue(fault) is { } f)
            {
                if (!LinkFaults.TryParse(f, out var lf)) return CliErrors.Fail($"--fault '{f}': expected one of {string.Join(", ", LinkFaults.Names)}");
                linkFault = lf;
            }
            double after = r.GetValue(faultAfter);
            double? lasting = r.GetValue(faultFor);
            if (!(after >= 0 && after <= 86_400)) return CliErrors.Fail($"--fault-after {after}: expected seconds from 0 to 86400");
            if (lasting is { } l && !(l > 0 && l <= 86_400)) return CliErrors.Fail($"--fault-for {l}: expected seconds above 0, at most 86400");
            if (!DegradeOption.TryParse(r.GetValue(degrade), out var degradation, out string? degradeError)) return CliErrors.Fail(degradeError!);
            string? firmataPath = r.GetValue(firmataPty);
            if (firmataPath is not null && !Path.IsPathRooted(firmataPath)) firmataPath = Path.GetFullPath(firmataPath);
            double cellC = r.GetValue(cellTemperature);
            if (!(cellC >= -40 && cellC <= 125)) return CliErrors.Fail($"--cell-temperature {cellC}: expected °C from -40 to 125 (the TMP36's specified range)");
            SimulatorHost sim;
            try
            {
                sim = await SimulatorHost.StartAsync(new SimulatorOptions
                {
                    Speed = s, SmuPort = r.GetValue(smuPort), TriggerPort = r.GetValue(triggerPort), SmuPtyPath = r.GetValue(smuPty),
                    TriggerPtyPath = r.GetValue(triggerPty), PatternFolder = r.GetValue(patterns)!.FullName, ListenAddress = r.GetValue(listen)!,
                    Degradation = degradation, FirmataPtyPath = firmataPath,
                }, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ArgumentException or FormatException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                return CliErrors.Fail(e.Message);
            }
            await using (sim.ConfigureAwait(false))
            {
                var c = sim.Options.Cell;
                Console.WriteLine($"Keithley 2450 (simulated) at {sim.SmuAddress}{(sim.SmuPtyPath is { } p ? $" and {p}" : "")}");
                Console.WriteLine($"trigger box at {sim.TriggerAddress}{(sim.TriggerPtyPath is { } t ? $" and {t}" : "")}; patterns in {sim.Options.PatternFolder}");
                if (sim.Arduino is { } arduino)
                {
                    arduino.CellSensor.TemperatureC = cellC;
                    Console.WriteLine($"Arduino I/O box (StandardFirmata, simulated) at {sim.ArduinoPtyPath} (57600 baud): TMP36 on A0 at {cellC:0.#} °C; digital outputs logged");
                    arduino.EdgeRecorded += e => Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} Arduino pin {e.Pin} {(e.High ? "high" : "low")}");
                }
                Console.WriteLine($"cell: NMC811‖graphite coin cell, {c.NominalCapacityAh * 1e3:0.00} mA·h, q_li_Ah {c.PositiveCapacityAh:R}, c_li0 {c.InitialCathodeCLi:R}; {s:0.#}× real time. Ctrl+C stops.");
                if (degradation.Count > 0)
                    Console.WriteLine("degradation: " + string.Join(", ", degradation.Select(d => d.IsCurrent
                        ? string.Create(CultureInfo.InvariantCulture, $"{d} ({d.Magnitude * c.NominalCapacityAh * 1e6:0.###} µA)")
                        : d.ToString())) + " — charge counting will drift from the cell's true c_Li");
                // the output state is printed as it changes, so a rehearsal shows whether the driver got the output off
                sim.Smu.OutputChanged += (_, text) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} SMU {text}");
                await using var schedule = linkFault is { } lf2
                    ? FaultSchedule.Start(sim.SmuServer, lf2, TimeSpan.FromSeconds(after), lasting is { } d ? TimeSpan.FromSeconds(d) : null, TimeProvider.System,
                        text => Console.WriteLine($"{DateTime.Now:HH:mm:ss} SMU link {text}"))
                    : null;
                if (linkFault is { } lf3) Console.WriteLine($"fault {lf3.Name()} on the SMU link {after:0.#} s after its first command" + (lasting is { } d2 ? $", for {d2:0.#} s" : ", until Ctrl+C"));
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        });
        return cmd;
    }
}
